import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { problemsOf } from "../../test/support/configProblems.js";
import { loadConfig } from "./loadConfig.js";

const dir = mkdtempSync(join(tmpdir(), "tribune-secrets-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function secretFile(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

describe("secrets from files", () => {
  it("reads X_FILE into X, trimmed", () => {
    const token = "discord.bot.token-from-a-file";
    const config = loadConfig({ DISCORD_TOKEN_FILE: secretFile("discord", `${token}\n`) });
    expect(config.discord.enabled).toBe(true);
    expect(config.discord.token?.reveal()).toBe(token);
  });

  it("validates a secret read from a file like one set directly", () => {
    const phrase = "test test test test test test test test test test test junk";
    const path = secretFile(
      "mnemonic",
      `${phrase.split(" ").slice(0, 6).join(" ")}\n${phrase.split(" ").slice(6).join("  ")}\n`,
    );
    expect(loadConfig({ AGENT_MNEMONIC_FILE: path }).voting.agentMnemonic?.reveal()).toBe(phrase);
    expect(problemsOf({ AGENT_MNEMONIC_FILE: secretFile("short", "test test test") })).toEqual([
      "AGENT_MNEMONIC must be a BIP-39 phrase of 12, 15, 18, 21 or 24 words, got 3 words (value not shown)",
    ]);
  });

  it("works for every secret variable, the database URL included", () => {
    const config = loadConfig({
      DATABASE_URL_FILE: secretFile("db", "postgres://tribune:pw@db.internal/tribune"),
      ANTHROPIC_API_KEY_FILE: secretFile("anthropic", "sk-ant-file"),
      SNAPSHOT_API_KEY_FILE: secretFile("snapshot", "snapshot-file"),
      SNAPSHOT_WEBHOOK_SECRET_FILE: secretFile("webhook", "webhook-file"),
      TALLY_API_KEY_FILE: secretFile("tally", "tally-file"),
      RELAYER_PRIVATE_KEY_FILE: secretFile("relayer", `0x${"ab".repeat(32)}`),
      WEB_SIGNING_SECRET_FILE: secretFile("signing", "s".repeat(32)),
    });
    expect(config.database.url?.reveal()).toBe("postgres://tribune:pw@db.internal/tribune");
    expect(config.llm.provider === "anthropic" && config.llm.apiKey.reveal()).toBe("sk-ant-file");
    expect(config.sources.snapshotApiKey?.reveal()).toBe("snapshot-file");
    expect(config.sources.snapshotWebhookSecret?.reveal()).toBe("webhook-file");
    expect(config.sources.tallyApiKey?.reveal()).toBe("tally-file");
    expect(config.voting.relayerPrivateKey?.reveal()).toBe(`0x${"ab".repeat(32)}`);
    expect(config.web.signingSecret?.reveal()).toBe("s".repeat(32));
  });

  it("rejects X and X_FILE both set", () => {
    expect(
      problemsOf({ TALLY_API_KEY: "tally-direct", TALLY_API_KEY_FILE: secretFile("tally2", "tally-file") }),
    ).toEqual(["TALLY_API_KEY and TALLY_API_KEY_FILE are both set; set only one"]);
  });

  it("names the path of an unreadable or empty file", () => {
    const missing = join(dir, "missing");
    expect(problemsOf({ DISCORD_TOKEN_FILE: missing, SNAPSHOT_API_KEY_FILE: secretFile("empty", " \n") })).toEqual([
      `DISCORD_TOKEN_FILE must name a readable file, could not read "${missing}" (ENOENT)`,
      `SNAPSHOT_API_KEY_FILE names an empty file "${join(dir, "empty")}"`,
    ]);
  });
});
