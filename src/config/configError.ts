/**
 * Thrown by `loadConfig` when the environment is wrong. It carries every problem found, so an operator fixes them all
 * in one go instead of one restart per typo. Messages name the variable and what was expected, and never contain a
 * secret's value.
 */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  readonly problems: string[];

  constructor(problems: readonly string[]) {
    const heading = problems.length === 1 ? "1 configuration problem" : `${problems.length} configuration problems`;
    super(`${heading}:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
    this.problems = [...problems];
  }
}
