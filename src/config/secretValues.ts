import type { Config } from "./loadConfig.js";
import { Secret } from "./secret.js";

/**
 * Every secret value set in the configuration, for the logger to scrub from its output. A secret that is a URL
 * with a password (the database URL) also yields the password alone, raw and percent-decoded, since drivers print
 * it in their own messages.
 */
export function secretValues(config: Config): string[] {
  const found = new Set<string>();
  collect(config, found);
  return [...found];
}

function collect(value: unknown, found: Set<string>): void {
  if (value instanceof Secret) {
    const revealed = value.reveal();
    found.add(revealed);
    for (const part of urlPassword(revealed)) found.add(part);
    return;
  }
  if (typeof value === "object" && value !== null) {
    for (const inner of Object.values(value)) collect(inner, found);
  }
}

function urlPassword(text: string): string[] {
  let password: string;
  try {
    password = new URL(text).password;
  } catch {
    return [];
  }
  if (password === "") return [];
  try {
    return [password, decodeURIComponent(password)];
  } catch {
    return [password];
  }
}
