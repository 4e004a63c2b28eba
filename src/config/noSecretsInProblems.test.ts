import { describe, expect, it } from "vitest";
import { ConfigError } from "./configError.js";
import { loadConfig } from "./loadConfig.js";

// Every secret below is malformed or misplaced, so each appears in a problem; none may appear as a value.
const SECRETS = {
  // Longer than an echoed value is allowed to be, so it would be echoed cut short.
  DISCORD_TOKEN: "MTA4NzY1NDMyMTA5ODc2NTQzMjEw.GhIjKl.leakcheck-abcdefghijklmnopqrstuvwxyz0123",
  ANTHROPIC_API_KEY: "sk-ant-api03-leakcheck",
  SNAPSHOT_API_KEY: "snapshot-key-leakcheck",
  TALLY_API_KEY: "tally-key-leakcheck",
  AGENT_MNEMONIC: "abandon ability able about above absent absorb abstract absurd abuse access",
  RELAYER_PRIVATE_KEY: `0x${"9".repeat(63)}`,
  WEB_SIGNING_SECRET: "short-signing-key",
};

describe("ConfigError never carries a secret's value", () => {
  it("describes bad secrets without echoing them, and scrubs a secret pasted into another variable", () => {
    let error: unknown;
    try {
      loadConfig({
        ...SECRETS,
        // A token pasted into the wrong variable would otherwise be echoed as that variable's bad value.
        DISCORD_APPLICATION_ID: SECRETS.DISCORD_TOKEN,
        LLM_MODEL: "m",
        LLM_TIMEOUT_MS: SECRETS.ANTHROPIC_API_KEY,
        DATABASE_URL: "mysql://admin:db-password-leakcheck@db.internal/app",
        RPC_URL_1: "ftp://eth.example/v2/rpc-key-leakcheck",
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const configError = error as ConfigError;
    expect(configError.problems).toEqual([
      'DATABASE_URL must be a postgres:// or postgresql:// URL, got "mysql://…"',
      'DISCORD_APPLICATION_ID must be a Discord id (17–20 digits), got "[redacted]…"',
      'LLM_TIMEOUT_MS must be an integer 1–3600000, got "[redacted]"',
      'RPC_URL_1 must be an http(s) or ws(s) URL, got "ftp://eth.example…"',
      "AGENT_MNEMONIC must be a BIP-39 phrase of 12, 15, 18, 21 or 24 words, got 11 words (value not shown)",
      "RELAYER_PRIVATE_KEY must be 0x followed by 64 hex digits (value not shown)",
      "WEB_SIGNING_SECRET must be at least 32 characters, got 17 (value not shown)",
    ]);
    const everything = [configError.message, configError.stack ?? "", JSON.stringify(configError)].join("\n");
    const fragments = [...Object.values(SECRETS), "db-password-leakcheck", "rpc-key-leakcheck", "abandon", "MTA4NzY1"];
    for (const value of fragments) {
      expect(everything).not.toContain(value);
    }
  });
});
