import { existsSync } from "node:fs";
import { resolve } from "node:path";

/**
 * Reads `.env` (or the file TRIBUNE_ENV_FILE names; an empty TRIBUNE_ENV_FILE reads none) into the environment.
 * Variables already set win over the file, so a deployment's real environment is never overridden by a stray file.
 * Returns the file read, or null.
 */
export function loadEnvFile(env: NodeJS.ProcessEnv = process.env): string | null {
  const name = env.TRIBUNE_ENV_FILE ?? ".env";
  if (name === "") return null;
  const path = resolve(name);
  if (!existsSync(path)) {
    if (env.TRIBUNE_ENV_FILE) throw new Error(`TRIBUNE_ENV_FILE names ${path}, which does not exist`);
    return null;
  }
  process.loadEnvFile(path);
  return path;
}
