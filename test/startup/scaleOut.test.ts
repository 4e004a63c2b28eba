import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { systemPing } from "../../src/jobs/jobCatalog.js";
import { createJobQueue, type JobQueue } from "../../src/jobs/jobQueue.js";
import { eventually } from "../support/eventually.js";
import { createTestDatabase, type TestDatabase } from "../support/testDatabase.js";
import { killAllTribunes, startTribune, type TribuneProcess } from "../support/tribuneProcess.js";

// Scale-out: several `ROLE=worker` processes (what `npm run worker` starts) share one PostgreSQL through pg-boss.
// Every job must be done exactly once, by whichever worker fetched it first. Four real processes, as on four machines.
vi.setConfig({ testTimeout: 240_000 });

const WORKERS = 4;
const JOBS = 200;

let t: TestDatabase;
let queue: JobQueue;
beforeAll(async () => {
  t = await createTestDatabase();
  queue = createJobQueue({ sql: t.db.sql, catalog: [systemPing], onError: () => undefined });
  await queue.start();
});
afterAll(async () => {
  killAllTribunes();
  await queue.stop(5_000);
  await t.drop();
});

describe("several worker processes on one PostgreSQL", () => {
  it("share the queue: every job done once, by more than one worker, and each stops cleanly", async (context) => {
    if (!t.url) return context.skip("the suite runs on the embedded engine: worker processes need a PostgreSQL URL");
    // The first worker answers health checks on a port of its own (HEALTH_PORT), as compose's workers do.
    const workers: TribuneProcess[] = Array.from({ length: WORKERS }, (_, i) =>
      startTribune({
        DATABASE_URL: t.url as string,
        ROLE: "worker",
        JOB_CONCURRENCY: "2",
        LOG_LEVEL: "warn",
        ...(i === 0 ? { HEALTH_PORT: "0" } : {}),
      }),
    );
    const outputs = await Promise.all(workers.map((w) => w.waitFor(/Tribune is ready\./)));
    for (const [i, output] of outputs.entries()) {
      expect(output).toMatch(/workers\s+running/);
      if (i > 0) expect(output).toMatch(/web\s+off \(ROLE=worker; HEALTH_PORT serves/);
    }
    const [, healthUrl] = /web\s+health only: (http:\/\/\S+)/.exec(outputs[0] ?? "") ?? [];
    expect(healthUrl).toBeDefined();
    expect((await fetch(`${healthUrl}/healthz`)).status).toBe(200);
    expect((await fetch(`${healthUrl}/readyz`)).status).toBe(200);
    expect(await (await fetch(`${healthUrl}/metrics`)).text()).toMatch(/^tribune_/m);
    // Only health: no steward pages on a worker.
    expect((await fetch(`${healthUrl}/audit`)).status).toBe(404);

    // Jobs arrive over about 4 s, as work does, not all at once: a worker takes its next job as soon as one ends, so
    // a single process could drain a queue filled in one go before the others' next poll. Arriving spread out, each
    // job goes to whichever worker polls first once the queue ran dry.
    const requestedAt = new Date().toISOString();
    for (let i = 0; i < JOBS; i += 1) {
      await queue.enqueue(systemPing, { note: `scale-${i}`, requestedAt });
      await new Promise((resolve) => setTimeout(resolve, 20));
    }

    const pings = await eventually(
      async () =>
        (await t.db.prisma.auditEntry.findMany({ where: { action: "system.ping" } }))
          .map((entry) => JSON.parse(entry.canonical) as { data: { jobId: string; note: string; worker: string } })
          .filter((entry) => entry.data.note.startsWith("scale-")),
      (rows) => rows.length >= JOBS,
      120_000,
    );
    // Let any duplicate that a second worker might still be writing land before counting.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const all = (await t.db.prisma.auditEntry.findMany({ where: { action: "system.ping" } }))
      .map((entry) => JSON.parse(entry.canonical) as { data: { jobId: string; note: string; worker: string } })
      .filter((entry) => entry.data.note.startsWith("scale-"));
    expect(pings.length).toBe(JOBS);
    expect(all).toHaveLength(JOBS);
    expect(new Set(all.map((p) => p.data.note)).size).toBe(JOBS);
    expect(new Set(all.map((p) => p.data.jobId)).size).toBe(JOBS);
    const byWorker = new Set(all.map((p) => p.data.worker));
    expect(byWorker.size).toBeGreaterThan(1);

    for (const worker of workers) worker.child.kill("SIGTERM");
    expect(await Promise.all(workers.map((w) => w.exited))).toEqual(Array(WORKERS).fill(0));
  });
});
