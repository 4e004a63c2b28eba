import { describe, expect, it } from "vitest";
import { loadConfig } from "./config/loadConfig.js";
import { type StartupFacts, startupSummary } from "./startupSummary.js";

function facts(env: Record<string, string>, overrides: Partial<StartupFacts> = {}): StartupFacts {
  return {
    config: loadConfig(env),
    envFile: null,
    database: { engine: "pglite", location: "/srv/tribune/data/pglite" },
    migrations: { applied: ["20260101000000_init"], alreadyApplied: 2, modified: [] },
    webUrl: "http://127.0.0.1:3000",
    workersRunning: true,
    ...overrides,
  };
}

describe("start-up summary", () => {
  it("says which parts are off and why, with nothing configured", () => {
    const text = startupSummary(facts({})).join("\n");
    expect(text).toContain("embedded PGlite in /srv/tribune/data/pglite (set DATABASE_URL to use PostgreSQL)");
    expect(text).toContain("1 migration(s) applied now, 3 in all");
    expect(text).toContain("offline summariser");
    expect(text).toContain("disabled: DISCORD_TOKEN is not set");
    expect(text).toContain("disabled: SNAPSHOT_SPACES is empty");
    expect(text).toContain("disabled: GOVERNORS is empty");
    expect(text).toContain("dry-run only: AGENT_MNEMONIC is not set");
    expect(text).toContain("http://127.0.0.1:3000 (/healthz, /readyz, /metrics)");
    expect(text).toContain("pages off: WEB_SIGNING_SECRET is not set");
  });

  it("names the provider and database without their secrets", () => {
    const key = "sk-ant-summary-secret-1234";
    const text = startupSummary(
      facts(
        { ANTHROPIC_API_KEY: key, SNAPSHOT_SPACES: "aave.eth,ens.eth", ROLE: "worker" },
        { database: { engine: "postgres", location: "postgres://db:5432/tribune" }, webUrl: null },
      ),
    ).join("\n");
    expect(text).toContain("PostgreSQL at postgres://db:5432/tribune");
    expect(text).toMatch(/llm\s+anthropic claude-sonnet-5-5 at https:\/\/api\.anthropic\.com/);
    expect(text).toContain("2 space(s), watched by the gateway process (ROLE=worker)");
    expect(text).toContain("web        off (ROLE=worker; HEALTH_PORT serves /healthz, /readyz, /metrics)");
    expect(text).not.toContain(key);
  });

  it("says where the Snapshot watcher runs and whether the webhook is on", () => {
    const text = startupSummary(
      facts({ SNAPSHOT_SPACES: "aave.eth", SNAPSHOT_WEBHOOK_SECRET: "hook-secret-1234" }),
    ).join("\n");
    expect(text).toContain(
      "watching 1 space(s) at https://hub.snapshot.org/graphql every 60 s; webhook at /webhooks/snapshot",
    );
    expect(text).not.toContain("hook-secret-1234");
  });

  it("warns about a migration edited after it was applied", () => {
    const lines = startupSummary(facts({}, { migrations: { applied: [], alreadyApplied: 3, modified: ["2026_x"] } }));
    expect(lines).toContain(
      "  warning    migration 2026_x was edited after it was applied; the database keeps the applied version",
    );
  });
});
