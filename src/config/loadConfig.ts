import type { z } from "zod";
import { ConfigError } from "./configError.js";
import { type DatabaseConfig, databaseSchema, databaseSecretVariables } from "./database.js";
import { type DemoConfig, demoSchema } from "./demo.js";
import { type DiscordConfig, discordSchema, discordSecretVariables } from "./discord.js";
import type { Env } from "./envFields.js";
import { type GovernorConfig, governorSchema } from "./governor.js";
import { type LlmConfig, llmSchema, llmSecretVariables } from "./llm.js";
import { type LogConfig, logSchema } from "./log.js";
import { redactProblems } from "./redactProblems.js";
import { type RuntimeConfig, runtimeSchema } from "./runtime.js";
import { resolveSecretFiles } from "./secretFiles.js";
import { type SourcesConfig, sourcesSchema, sourcesSecretVariables } from "./sources.js";
import { type VotingConfig, votingSchema, votingSecretVariables } from "./voting.js";
import { type WebConfig, webSchema, webSecretVariables } from "./web.js";

/** The whole configuration, one section per subsystem, frozen. */
export type Config = {
  readonly database: DatabaseConfig;
  readonly discord: DiscordConfig;
  readonly llm: LlmConfig;
  readonly sources: SourcesConfig;
  readonly governor: GovernorConfig;
  readonly voting: VotingConfig;
  readonly web: WebConfig;
  readonly log: LogConfig;
  readonly runtime: RuntimeConfig;
  readonly demo: DemoConfig;
};

/** Every variable that holds a secret; each may instead be given as `<name>_FILE`. */
export const secretVariables: readonly string[] = [
  ...databaseSecretVariables,
  ...discordSecretVariables,
  ...llmSecretVariables,
  ...sourcesSecretVariables,
  ...votingSecretVariables,
  ...webSecretVariables,
];

/** Parses the environment once, at boot; throws a `ConfigError` listing every problem found. */
export function loadConfig(env: Env = process.env): Config {
  const { env: resolved, problems } = resolveSecretFiles(env, secretVariables);
  const sections: { [K in keyof Config]: Config[K] | undefined } = {
    database: parseSection(databaseSchema, resolved, problems),
    discord: parseSection(discordSchema, resolved, problems),
    llm: parseSection(llmSchema, resolved, problems),
    sources: parseSection(sourcesSchema, resolved, problems),
    governor: parseSection(governorSchema, resolved, problems),
    voting: parseSection(votingSchema, resolved, problems),
    web: parseSection(webSchema, resolved, problems),
    log: parseSection(logSchema, resolved, problems),
    runtime: parseSection(runtimeSchema, resolved, problems),
    demo: parseSection(demoSchema, resolved, problems),
  };
  if (problems.length > 0 || !isComplete(sections)) {
    const secrets = secretVariables.flatMap((name) => resolved[name]?.trim() || []);
    throw new ConfigError(redactProblems(problems, secrets));
  }
  return deepFreeze(sections);
}

function parseSection<T>(schema: z.ZodType<T>, env: Env, problems: string[]): T | undefined {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    // Each issue's path ends with the variable's name and its message continues the sentence.
    const name = issue.path.at(-1);
    problems.push(name === undefined ? issue.message : `${String(name)} ${issue.message}`);
  }
  return undefined;
}

function isComplete(sections: { [K in keyof Config]: Config[K] | undefined }): sections is Config {
  return Object.values(sections).every((section) => section !== undefined);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
