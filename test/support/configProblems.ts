import { ConfigError } from "../../src/config/configError.js";
import { loadConfig } from "../../src/config/loadConfig.js";

/** The problems loadConfig reports for `env`; fails the test if it does not throw a ConfigError. */
export function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error("expected a ConfigError");
}
