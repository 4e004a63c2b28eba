import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { demoSchema } from "../../src/config/demo.js";
import { loadConfig } from "../../src/config/loadConfig.js";
import { resetDemo } from "../../src/demo/resetDemo.js";

// demo:reset removes the embedded database folder, and only when that folder can hold nothing but the demo.

let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), "tribune-reset-"));
  mkdirSync(join(dataDir, "pglite"));
  writeFileSync(join(dataDir, "pglite", "PG_VERSION"), "17\n");
  writeFileSync(join(dataDir, "agent-mnemonic.local"), "kept\n");
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

const demoOn = demoSchema.parse({});
const configFor = (env: Record<string, string>) => loadConfig({ TRIBUNE_DATA_DIR: dataDir, ...env });

/** Runs `npm run demo:reset`'s entry point as a user does, with exactly this environment and no .env file. */
function runReset(env: Record<string, string>, args: string[] = []): Promise<{ code: number; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ["--import", "tsx", resolve("src/cli/demoReset.ts"), ...args], {
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", TRIBUNE_ENV_FILE: "", ...env },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    child.on("error", fail);
    child.on("close", (code) => done({ code: code ?? -1, stderr }));
  });
}

describe("demo:reset", () => {
  it("removes the embedded database folder and nothing else, then finds nothing to remove", async () => {
    expect(await resetDemo(configFor({}), demoOn)).toEqual({ status: "removed", folder: join(dataDir, "pglite") });
    expect(existsSync(join(dataDir, "pglite"))).toBe(false);
    expect(existsSync(join(dataDir, "agent-mnemonic.local"))).toBe(true);
    expect(await resetDemo(configFor({}), demoOn)).toMatchObject({ status: "nothing" });
  });

  it("refuses a PostgreSQL URL, without printing it", async () => {
    const url = "postgres://tribune:hunter2-secret@db.internal:5432/tribune";
    const outcome = await resetDemo(configFor({ DATABASE_URL: url }), demoOn);
    expect(outcome).toMatchObject({ status: "refused", reason: expect.stringContaining("PostgreSQL") });
    expect(existsSync(join(dataDir, "pglite"))).toBe(true);

    const run = await runReset({ TRIBUNE_DATA_DIR: dataDir, DATABASE_URL: url });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("demo:reset refused: DATABASE_URL points at a PostgreSQL database");
    expect(run.stderr).not.toContain("hunter2");
    expect(existsSync(join(dataDir, "pglite"))).toBe(true);
  });

  it("refuses when the configuration is not the demo, unless forced", async () => {
    const env = { SNAPSHOT_SPACES: "aave.eth" };
    expect(await resetDemo(configFor(env), demoOn)).toMatchObject({
      status: "refused",
      reason: expect.stringContaining("SNAPSHOT_SPACES is set"),
    });
    expect(await resetDemo(configFor({}), demoSchema.parse({ DEMO: "false" }))).toMatchObject({
      status: "refused",
      reason: expect.stringContaining("DEMO=false"),
    });
    expect(existsSync(join(dataDir, "pglite"))).toBe(true);
    expect(await resetDemo(configFor(env), demoOn, { force: true })).toMatchObject({ status: "removed" });
  });

  it("refuses while a Tribune process holds the folder", async () => {
    // Our parent (the test runner) is alive and is not this process: as good as a running Tribune.
    writeFileSync(join(dataDir, "tribune.pid"), String(process.ppid));
    expect(await resetDemo(configFor({}), demoOn)).toMatchObject({
      status: "refused",
      reason: expect.stringContaining(`process ${process.ppid}`),
    });
    expect(existsSync(join(dataDir, "pglite"))).toBe(true);
  });
});
