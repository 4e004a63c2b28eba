import { describe, expect, it } from "vitest";
import { problemsOf } from "../../test/support/configProblems.js";
import { ConfigError } from "./configError.js";
import { loadConfig } from "./loadConfig.js";
import { Secret } from "./secret.js";

describe("loadConfig defaults", () => {
  it("gives every section its defaults from an empty environment", () => {
    expect(loadConfig({})).toEqual({
      database: { url: undefined, dataDir: "./data", pgliteDir: "data/pglite", poolSize: 10 },
      discord: {
        enabled: false,
        token: undefined,
        applicationId: undefined,
        guildId: undefined,
        apiUrl: "https://discord.com/api",
        shards: "auto",
      },
      llm: { provider: "offline", model: "claude-sonnet-5-5", timeoutMs: 60_000, maxRetries: 2 },
      sources: {
        snapshotEnabled: false,
        snapshotHubUrl: "https://hub.snapshot.org/graphql",
        snapshotSequencerUrl: "https://seq.snapshot.org",
        snapshotApiKey: undefined,
        snapshotSpaces: [],
        snapshotPollSeconds: 60,
        snapshotWebhookSecret: undefined,
        governorEnabled: false,
        rpcUrls: {},
        governors: [],
        forumHosts: [
          "forum.arbitrum.foundation",
          "gov.uniswap.org",
          "discuss.ens.domains",
          "governance.aave.com",
          "forum.gnosis.io",
        ],
        tallyApiKey: undefined,
        tallyApiUrl: "https://api.tally.xyz/query",
      },
      governor: { confirmations: 12, blockRange: 2_000, pollSeconds: 60, lookbackBlocks: 50_000, rpcTimeoutMs: 15_000 },
      voting: {
        agentMnemonic: undefined,
        relayerPrivateKey: undefined,
        vetoWindowSeconds: 86_400,
        castSafetyMarginSeconds: 600,
        snapshotCastTimeoutMs: 30_000,
      },
      web: { port: 3000, host: "127.0.0.1", publicUrl: "http://localhost:3000", signingSecret: undefined },
      log: { level: "info" },
      runtime: { role: "all", workersEnabled: true, jobConcurrency: 4, healthPort: null },
      demo: { allowed: true },
    });
  });

  it("treats a blank variable as unset", () => {
    const config = loadConfig({ PORT: "", LOG_LEVEL: "  ", DATABASE_URL: "" });
    expect(config.web.port).toBe(3000);
    expect(config.log.level).toBe("info");
    expect(config.database.url).toBeUndefined();
  });

  it("freezes the result, so nothing changes it after boot", () => {
    const config = loadConfig({});
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.sources.forumHosts)).toBe(true);
  });
});

describe("loadConfig values", () => {
  it("reads every non-secret variable", () => {
    const config = loadConfig({
      DATABASE_URL: "postgresql://tribune:pw@db.internal:5432/tribune",
      TRIBUNE_DATA_DIR: "/var/lib/tribune",
      DATABASE_POOL_SIZE: "25",
      DISCORD_TOKEN: "discord-token-value",
      DISCORD_APPLICATION_ID: "123456789012345678",
      DISCORD_GUILD_ID: "876543210987654321",
      DISCORD_API_URL: "http://127.0.0.1:4010/api/",
      SNAPSHOT_POLL_SECONDS: "15",
      VETO_WINDOW_SECONDS: "30",
      CAST_SAFETY_MARGIN_SECONDS: "0",
      SNAPSHOT_CAST_TIMEOUT_MS: "5000",
      PORT: "8080",
      HOST: "0.0.0.0",
      LOG_LEVEL: "DEBUG",
      ROLE: "worker",
      WORKERS_ENABLED: "no",
      JOB_CONCURRENCY: "16",
      HEALTH_PORT: "9102",
    });
    expect(config.database.url).toBeInstanceOf(Secret);
    expect(config.database.url?.reveal()).toBe("postgresql://tribune:pw@db.internal:5432/tribune");
    expect(config.database).toMatchObject({ dataDir: "/var/lib/tribune", pgliteDir: "/var/lib/tribune/pglite" });
    expect(config.database.poolSize).toBe(25);
    expect(config.discord).toMatchObject({
      enabled: true,
      applicationId: "123456789012345678",
      guildId: "876543210987654321",
      apiUrl: "http://127.0.0.1:4010/api",
    });
    expect(config.sources.snapshotPollSeconds).toBe(15);
    expect(config.voting).toMatchObject({
      vetoWindowSeconds: 30,
      castSafetyMarginSeconds: 0,
      snapshotCastTimeoutMs: 5000,
    });
    expect(config.web).toMatchObject({ port: 8080, host: "0.0.0.0", publicUrl: "http://localhost:8080" });
    expect(config.log.level).toBe("debug");
    expect(config.runtime).toEqual({ role: "worker", workersEnabled: false, jobConcurrency: 16, healthPort: 9102 });
  });

  it.each([
    ["true", true],
    ["1", true],
    ["YES", true],
    ["false", false],
    ["0", false],
    ["no", false],
  ])("reads WORKERS_ENABLED=%s as %s", (raw, expected) => {
    expect(loadConfig({ WORKERS_ENABLED: raw }).runtime.workersEnabled).toBe(expected);
  });
});

describe("loadConfig problems", () => {
  it.each([
    ["PORT", "abc", 'PORT must be an integer 0–65535, got "abc"'],
    ["PORT", "65536", 'PORT must be an integer 0–65535, got "65536"'],
    ["PORT", "80.5", 'PORT must be an integer 0–65535, got "80.5"'],
    ["DATABASE_POOL_SIZE", "0", 'DATABASE_POOL_SIZE must be an integer 1–1000, got "0"'],
    ["VETO_WINDOW_SECONDS", "10", 'VETO_WINDOW_SECONDS must be an integer ≥ 30, got "10"'],
    ["CAST_SAFETY_MARGIN_SECONDS", "-1", 'CAST_SAFETY_MARGIN_SECONDS must be an integer ≥ 0, got "-1"'],
    ["SNAPSHOT_CAST_TIMEOUT_MS", "500", 'SNAPSHOT_CAST_TIMEOUT_MS must be an integer 1000–300000, got "500"'],
    ["SNAPSHOT_POLL_SECONDS", "1e3", 'SNAPSHOT_POLL_SECONDS must be an integer 1–86400, got "1e3"'],
    ["LLM_TIMEOUT_MS", "soon", 'LLM_TIMEOUT_MS must be an integer 1–3600000, got "soon"'],
    ["LLM_MAX_RETRIES", "11", 'LLM_MAX_RETRIES must be an integer 0–10, got "11"'],
    ["JOB_CONCURRENCY", "0", 'JOB_CONCURRENCY must be an integer 1–256, got "0"'],
    ["HEALTH_PORT", "70000", 'HEALTH_PORT must be a port (0–65535) or off, got "70000"'],
    ["WORKERS_ENABLED", "maybe", 'WORKERS_ENABLED must be a boolean (true/false, 1/0, yes/no), got "maybe"'],
    ["LOG_LEVEL", "loud", 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"'],
    ["ROLE", "leader", 'ROLE must be one of all, gateway, worker, web, got "leader"'],
    ["LLM_PROVIDER", "openai", 'LLM_PROVIDER must be one of anthropic, local, offline, got "openai"'],
    [
      "DATABASE_URL",
      "mysql://root:hunter22@db/app",
      'DATABASE_URL must be a postgres:// or postgresql:// URL, got "mysql://…"',
    ],
    [
      "DATABASE_URL",
      "db.internal",
      "DATABASE_URL must be a postgres:// or postgresql:// URL, got a value that is not a URL",
    ],
    [
      "SNAPSHOT_HUB_URL",
      "ftp://hub.example/graphql",
      'SNAPSHOT_HUB_URL must be an http(s) URL, got "ftp://hub.example…"',
    ],
    ["PUBLIC_URL", "tribune.example", 'PUBLIC_URL must be an http(s) URL, got "tribune.example"'],
    ["DISCORD_API_URL", "discord", 'DISCORD_API_URL must be an http(s) URL, got "discord"'],
    ["DISCORD_APPLICATION_ID", "my-app", 'DISCORD_APPLICATION_ID must be a Discord id (17–20 digits), got "my-app"'],
    ["DISCORD_GUILD_ID", "12", 'DISCORD_GUILD_ID must be a Discord id (17–20 digits), got "12"'],
    ["HOST", "local host", 'HOST must be a host name or IP address, got "local host"'],
    ["DISCORD_SHARDS", "many", 'DISCORD_SHARDS must be "auto" or shard ids separated by commas (e.g. 0,1), got "many"'],
    ["DISCORD_SHARD_COUNT", "0", 'DISCORD_SHARD_COUNT must be a whole number ≥ 1, got "0"'],
  ])("reports %s=%s", (name, raw, message) => {
    expect(problemsOf({ [name]: raw })).toEqual([message]);
  });

  it("needs the shard count with a list of shard ids, and every id below it", () => {
    expect(problemsOf({ DISCORD_SHARDS: "0,1" })).toEqual([
      "DISCORD_SHARD_COUNT must be set when DISCORD_SHARDS lists shard ids (the bot's total number of shards)",
    ]);
    expect(problemsOf({ DISCORD_SHARDS: "1,2", DISCORD_SHARD_COUNT: "2" })).toEqual([
      "DISCORD_SHARDS names shard(s) 2, but DISCORD_SHARD_COUNT is 2 (ids run from 0 to 1)",
    ]);
    expect(loadConfig({ DISCORD_SHARDS: "1, 0", DISCORD_SHARD_COUNT: "4" }).discord).toMatchObject({
      shards: [0, 1],
      shardCount: 4,
    });
  });

  it("cuts a long bad value short when echoing it", () => {
    const [problem] = problemsOf({ LLM_TIMEOUT_MS: "x".repeat(100) });
    expect(problem).toBe(`LLM_TIMEOUT_MS must be an integer 1–3600000, got "${"x".repeat(40)}…"`);
  });

  it("lists every problem at once, across sections", () => {
    const error = (() => {
      try {
        loadConfig({
          PORT: "abc",
          DATABASE_URL: "mysql://db/app",
          LOG_LEVEL: "loud",
          WORKERS_ENABLED: "maybe",
          LLM_PROVIDER: "anthropic",
          LLM_TIMEOUT_MS: "soon",
          GOVERNORS: "10:0x0000000000000000000000000000000000000001",
          SNAPSHOT_POLL_SECONDS: "0",
        });
      } catch (caught) {
        return caught;
      }
      throw new Error("expected a ConfigError");
    })();
    expect(error).toBeInstanceOf(ConfigError);
    const { problems, message } = error as ConfigError;
    expect(problems).toEqual([
      'DATABASE_URL must be a postgres:// or postgresql:// URL, got "mysql://…"',
      'LLM_TIMEOUT_MS must be an integer 1–3600000, got "soon"',
      "ANTHROPIC_API_KEY is required when LLM_PROVIDER is anthropic (or set ANTHROPIC_API_KEY_FILE)",
      'SNAPSHOT_POLL_SECONDS must be an integer 1–86400, got "0"',
      "GOVERNORS names chain 10, but RPC_URL_10 is not set (each Governor's chain needs an RPC URL)",
      'PORT must be an integer 0–65535, got "abc"',
      'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"',
      'WORKERS_ENABLED must be a boolean (true/false, 1/0, yes/no), got "maybe"',
    ]);
    expect(message).toMatch(/^8 configuration problems:\n {2}- DATABASE_URL/);
    for (const problem of problems) expect(message).toContain(problem);
  });
});
