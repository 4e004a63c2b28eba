import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Database } from "../../src/db/database.js";
import { type Migration, readMigrations } from "../../src/db/migrate.js";
import { openPostgres } from "../../src/db/openPostgres.js";
import { jobCatalog } from "../../src/jobs/jobCatalog.js";
import { createJobQueue, type JobQueue } from "../../src/jobs/jobQueue.js";
import { createLogger } from "../../src/log/logger.js";
import { type StartedWeb, startWeb } from "../../src/startup/startWeb.js";
import { parsePromText, samplesOf } from "../metrics/promText.js";
import { startTcpProxy, type TcpProxy } from "../metrics/tcpProxy.js";
import { eventually } from "../support/eventually.js";
import { createTestDatabase, type TestDatabase } from "../support/testDatabase.js";

const logger = createLogger({ level: "silent", secrets: [] });
/** Far longer than any answer here should take: only there so a hanging /readyz fails the test instead of hanging it. */
const PROBE_GIVE_UP = 30_000;

let t: TestDatabase;
let migrations: Migration[];
const webs: StartedWeb[] = [];

beforeAll(async () => {
  t = await createTestDatabase();
  migrations = await readMigrations(resolve("prisma/migrations"));
});
afterAll(async () => {
  await Promise.all(webs.map((w) => w.close()));
  await t?.drop();
});

async function serve(db: Database, queue: JobQueue, bundled: readonly Migration[], checkTimeoutMs = 3_000) {
  const web = startWeb(db, queue, [...bundled], logger, [], { checkTimeoutMs, metricsCacheMs: 0 });
  webs.push(web);
  return web.listen(0, "127.0.0.1");
}

async function readyz(url: string) {
  const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(PROBE_GIVE_UP) });
  const body = (await response.json()) as { ready: boolean; checks: { name: string; ok: boolean; detail?: string }[] };
  return { status: response.status, body, check: (name: string) => body.checks.find((c) => c.name === name) };
}

describe("/readyz", () => {
  it("answers 200 when the database answers, every migration is applied and the queue answers", async () => {
    const queue = createJobQueue({ sql: t.db.sql, catalog: jobCatalog, onError: () => undefined });
    await queue.start();
    try {
      const url = await serve(t.db, queue, migrations);
      const ready = await readyz(url);
      expect(ready.status).toBe(200);
      expect(ready.body).toEqual({
        ready: true,
        checks: [
          { name: "database", ok: true },
          { name: "migrations", ok: true },
          { name: "queue", ok: true },
        ],
      });
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
    } finally {
      await queue.stop(5_000);
    }
  });

  it("answers 503 naming the migration this build bundles that the database has not applied", async () => {
    const queue = createJobQueue({ sql: t.db.sql, catalog: jobCatalog, onError: () => undefined });
    await queue.start();
    try {
      const newer = { name: "29991231000000_from_a_newer_build", sql: "SELECT 1", checksum: "0" };
      const url = await serve(t.db, queue, [...migrations, newer]);
      const ready = await readyz(url);
      expect(ready.status).toBe(503);
      expect(ready.body.ready).toBe(false);
      expect(ready.check("migrations")).toEqual({
        name: "migrations",
        ok: false,
        detail: `1 of ${migrations.length + 1} migrations not applied: 29991231000000_from_a_newer_build`,
      });
      expect(ready.check("database")?.ok).toBe(true);
      expect(ready.check("queue")?.ok).toBe(true);
    } finally {
      await queue.stop(5_000);
    }
  });
});

// Making the database go away under a running server needs a server to stand between: PostgreSQL only.
describe.skipIf(inject("testEngine").engine === "pglite")("/readyz and /metrics when the database fails", () => {
  let proxy: TcpProxy;
  let db: Database;
  let queue: JobQueue;
  let url: string;

  beforeAll(async () => {
    if (!t.url) throw new Error("PostgreSQL engine without a URL");
    proxy = await startTcpProxy(t.url);
    db = await openPostgres({ url: proxy.through(t.url), poolSize: 4 });
    queue = createJobQueue({ sql: db.sql, catalog: jobCatalog, onError: () => undefined });
    await queue.start();
    url = await serve(db, queue, migrations, 1_000);
  });
  afterAll(async () => {
    proxy.setMode("pass");
    await queue.stop(5_000);
    await db.close();
    await proxy.close();
  });

  it("answers 503 with each check's reason when the database is down, and 200 again once it is back", async () => {
    expect((await readyz(url)).status).toBe(200);
    proxy.setMode("down");
    const down = await readyz(url);
    expect(down.status).toBe(503);
    for (const name of ["database", "migrations", "queue"]) {
      expect(down.check(name)?.ok).toBe(false);
      expect(down.check(name)?.detail).toMatch(/^failed: \S|did not answer within 1000 ms/);
    }
    // Alive all along: liveness must not depend on the database, or the orchestrator would restart a healthy process.
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    proxy.setMode("pass");
    // Back once the pool has opened new connections, each check within its 1 s: on a loaded machine not always the
    // first probe.
    const back = await eventually(
      () => readyz(url),
      (probe) => probe.status === 200,
      15_000,
    );
    expect(back.status).toBe(200);
  });

  it("answers 503 within its timeout when the database hangs, however many probes arrive", async () => {
    proxy.setMode("hang");
    try {
      const probes = await Promise.all(Array.from({ length: 5 }, () => readyz(url)));
      for (const probe of probes) {
        expect(probe.status).toBe(503);
        expect(probe.check("database")).toEqual({
          name: "database",
          ok: false,
          detail: "the database check did not answer within 1000 ms",
        });
      }
      // A scrape while the database hangs still answers: the pipeline families are left out and the misses counted.
      const scrape = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(PROBE_GIVE_UP) });
      expect(scrape.status).toBe(200);
      const samples = parsePromText(await scrape.text());
      expect(samples.filter((s) => s.name === "tribune_casts")).toEqual([]);
      expect(samplesOf(samples, "tribune_metrics_read_failures_total", { family: "tribune_casts" })).toHaveLength(1);
      expect(samplesOf(samples, "process_cpu_user_seconds_total")).toHaveLength(1);
    } finally {
      proxy.setMode("pass");
    }
    // The probe that was stuck on the hung connection may still report its failure once; the next ones are fine.
    const recovered = await eventually(
      () => readyz(url),
      (probe) => probe.status === 200,
    );
    expect(recovered.status).toBe(200);
  });
});
