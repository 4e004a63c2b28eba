import { ConfigError } from "../config/configError.js";
import { TribuneError } from "../errors/tribuneError.js";

/**
 * Tribune's one error path for processes: expected failures print what to do; unexpected ones an error id (the stack
 * only with LOG_LEVEL=debug). Returns the exit code: 2 for configuration, 1 otherwise.
 */
export function reportFatal(name: string, error: unknown): number {
  const say = (line: string) => process.stderr.write(`${line}\n`);
  if (error instanceof ConfigError) {
    say(`${name}: the configuration has ${error.problems.length} problem(s):`);
    for (const problem of error.problems) say(`  - ${problem}`);
    say("See .env.example for every variable and its default.");
    return 2;
  }
  if (error instanceof TribuneError) {
    say(`${name}: ${error.oneLine()}`);
    return 1;
  }
  const errorId = `${name.replace(/\W+/g, "-")}-${Date.now().toString(36)}`;
  say(`${name}: unexpected error (id ${errorId}): ${error instanceof Error ? error.message : String(error)}`);
  if (process.env.LOG_LEVEL === "debug" || process.env.LOG_LEVEL === "trace") console.error(error);
  else say("Run again with LOG_LEVEL=debug for the details, and report the id if it persists.");
  return 1;
}
