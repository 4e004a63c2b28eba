import { ConfigError } from "./configError.js";
import type { Env } from "./envFields.js";
import { type LlmConfig, llmSchema, llmSecretVariables } from "./llm.js";
import { redactProblems } from "./redactProblems.js";
import { resolveSecretFiles } from "./secretFiles.js";

/**
 * Only the LLM's variables, for commands that need a model and nothing else (`tribune digest`, `tribune profile`):
 * they need no database, Discord or sources configured. Throws a ConfigError listing every problem, secrets redacted.
 */
export function loadLlmConfig(env: Env = process.env): LlmConfig {
  const { env: resolved, problems } = resolveSecretFiles(env, llmSecretVariables);
  const result = llmSchema.safeParse(resolved);
  if (result.success && problems.length === 0) return result.data;
  const found = [
    ...problems,
    ...(result.error?.issues ?? []).map((i) => `${String(i.path.at(-1) ?? "")} ${i.message}`),
  ];
  const secrets = llmSecretVariables.flatMap((name) => resolved[name]?.trim() || []);
  throw new ConfigError(redactProblems(found, secrets));
}
