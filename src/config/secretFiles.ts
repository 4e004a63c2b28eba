import { readFileSync } from "node:fs";
import type { Env } from "./envFields.js";
import { quoteValue } from "./quoteValue.js";

/** The environment with every `X_FILE` read into `X`, and the problems met on the way. */
export type ResolvedSecrets = { env: Env; problems: string[] };

/**
 * Lets each secret `X` come from a file named by `X_FILE` (Docker and Kubernetes mount secrets as files, which keeps
 * them out of `ps` and `/proc/<pid>/environ`). The file's content is trimmed, since editors add a final newline.
 */
export function resolveSecretFiles(env: Env, secretNames: readonly string[]): ResolvedSecrets {
  const resolved: Env = { ...env };
  const problems: string[] = [];
  for (const name of secretNames) {
    const fileVar = `${name}_FILE`;
    const path = env[fileVar]?.trim();
    if (!path) continue;
    if (env[name]?.trim()) {
      problems.push(`${name} and ${fileVar} are both set; set only one`);
      continue;
    }
    const read = readSecretFile(path);
    if (read.ok) resolved[name] = read.value;
    else problems.push(`${fileVar} ${read.problem}`);
  }
  return { env: resolved, problems };
}

function readSecretFile(path: string): { ok: true; value: string } | { ok: false; problem: string } {
  let content: string;
  try {
    content = readFileSync(path, "utf8");
  } catch (error) {
    const code = error instanceof Error && "code" in error ? String(error.code) : "unknown error";
    return { ok: false, problem: `must name a readable file, could not read ${quoteValue(path)} (${code})` };
  }
  const value = content.trim();
  if (value === "") return { ok: false, problem: `names an empty file ${quoteValue(path)}` };
  return { ok: true, value };
}
