import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestDatabase, type TestDatabase } from "../support/testDatabase.js";
import { killAllTribunes, startTribune, webUrlFrom } from "../support/tribuneProcess.js";

// Each test starts the real process; a cold embedded start on a busy machine can take well over a minute.
vi.setConfig({ testTimeout: 180_000 });

let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "tribune-start-"));
});
afterAll(async () => {
  killAllTribunes();
  await rm(dataDir, { recursive: true, force: true });
});

async function expectServing(url: string): Promise<void> {
  const health = await fetch(`${url}/healthz`);
  expect(health.status).toBe(200);
  const ready = await fetch(`${url}/readyz`);
  expect(ready.status).toBe(200);
  expect(await ready.json()).toMatchObject({ ready: true });
  const metrics = await (await fetch(`${url}/metrics`)).text();
  expect(metrics).toContain('tribune_job_queue_depth{queue="system.ping"');
  expect(metrics).toContain("tribune_audit_entries");
}

describe("npm start", () => {
  it("reaches ready on the embedded database with nothing configured, serves health, and stops cleanly", async () => {
    const tribune = startTribune({ TRIBUNE_DATA_DIR: dataDir, PORT: "0" });
    const output = await tribune.waitFor(/Tribune is ready\./);
    expect(output).toContain(`embedded PGlite in ${join(dataDir, "pglite")}`);
    expect(output).toContain("offline summariser");
    expect(output).toContain("disabled: DISCORD_TOKEN is not set");
    // Nothing configured: the newcomer's demo replays the bundled proposals, in dry-run, with a steward's link.
    expect(output).toMatch(/demo\s+THIS IS THE DEMO: nothing is configured/);
    expect(output).toMatch(/demo\s+\d+ open now.*\d+ digested/);
    expect(output).toMatch(/demo\s+open the web view as the demo's steward .*\/login\?link=/);
    await expectServing(webUrlFrom(output));

    tribune.child.kill("SIGTERM");
    expect(await tribune.exited).toBe(0);
    expect(tribune.output()).toContain("Tribune stopped.");
  });

  it("starts again on the same folder without re-applying migrations", async () => {
    const tribune = startTribune({ TRIBUNE_DATA_DIR: dataDir, PORT: "0" });
    const output = await tribune.waitFor(/Tribune is ready\./);
    const migrations = (await readdir("prisma/migrations", { withFileTypes: true })).filter((e) => e.isDirectory());
    expect(output).toMatch(new RegExp(`schema\\s+${migrations.length} in all`));
    tribune.child.kill("SIGINT");
    expect(await tribune.exited).toBe(0);
  });

  it("refuses a second process on the same embedded folder", async () => {
    const first = startTribune({ TRIBUNE_DATA_DIR: dataDir, PORT: "0" });
    await first.waitFor(/Tribune is ready\./);
    const second = startTribune({ TRIBUNE_DATA_DIR: dataDir, PORT: "0" });
    expect(await second.exited).toBe(1);
    expect(second.output()).toContain(`is in use by process ${first.child.pid}`);
    first.child.kill("SIGTERM");
    expect(await first.exited).toBe(0);
  });

  describe("with DATABASE_URL", () => {
    let t: TestDatabase;
    beforeAll(async () => {
      t = await createTestDatabase();
    });
    afterAll(() => t.drop());

    it("reaches ready on PostgreSQL, and no secret reaches its output", async (context) => {
      if (!t.url) return context.skip("the suite runs on the embedded engine: no PostgreSQL URL to give");
      const password = "pw-never-printed-4d1c";
      const apiKey = "sk-ant-never-printed-9f2e";
      const url = new URL(t.url);
      url.password = password; // trust authentication ignores it; the output must still hide it
      const tribune = startTribune({ DATABASE_URL: url.toString(), ANTHROPIC_API_KEY: apiKey, PORT: "0" });
      const output = await tribune.waitFor(/Tribune is ready\./);
      expect(output).toContain(`PostgreSQL at postgres://${url.hostname}:${url.port || "5432"}${url.pathname}`);
      expect(output).toMatch(/llm\s+anthropic/);
      await expectServing(webUrlFrom(output));
      tribune.child.kill("SIGTERM");
      expect(await tribune.exited).toBe(0);
      expect(tribune.output()).not.toContain(password);
      expect(tribune.output()).not.toContain(apiKey);
      expect(await t.db.prisma.auditEntry.count({ where: { action: "system.started" } })).toBe(1);
    });
  });
});
