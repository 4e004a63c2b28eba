import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { killAllTribunes, startTribune } from "../support/tribuneProcess.js";

// Each test starts the real process; a cold embedded start on a busy machine can take well over a minute.
vi.setConfig({ testTimeout: 180_000 });

afterAll(killAllTribunes);

describe("npm start with bad input", () => {
  async function failsWith(env: Record<string, string>, code: number, message: string | RegExp) {
    const tribune = startTribune(env);
    expect(await tribune.exited).toBe(code);
    const output = tribune.output();
    expect(output).toMatch(message);
    expect(output).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/); // no stack trace
  }

  it("names a malformed DATABASE_URL", () =>
    failsWith(
      { DATABASE_URL: "mysql://root:hunter2@db/tribune" },
      2,
      'DATABASE_URL must be a postgres:// or postgresql:// URL, got "mysql://…"',
    ));

  it("says what to do when the database is unreachable", () =>
    failsWith(
      { DATABASE_URL: "postgres://tribune@127.0.0.1:1/tribune" },
      1,
      /nothing is listening there\. Start PostgreSQL or fix DATABASE_URL/,
    ));

  it("says what to do when the data folder cannot be written", () =>
    failsWith(
      { TRIBUNE_DATA_DIR: "/etc/hostname/tribune" },
      1,
      /The data folder \/etc\/hostname\/tribune is not writable.*Set TRIBUNE_DATA_DIR/,
    ));

  it("says what to do when the port is taken", async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const port = (blocker.address() as { port: number }).port;
    const folder = await mkdtemp(join(tmpdir(), "tribune-port-"));
    try {
      await failsWith(
        { TRIBUNE_DATA_DIR: folder, PORT: String(port) },
        1,
        new RegExp(`Port ${port} on 127.0.0.1 is already in use.*set PORT`),
      );
    } finally {
      blocker.close();
      await rm(folder, { recursive: true, force: true });
    }
  });
});
