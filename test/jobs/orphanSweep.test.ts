// Jobs of a worker process that died are handed back within seconds, not at their timeout; a process that is only
// reconnecting keeps its jobs. Two queues stand for two processes: each has its own liveness lock on its own
// connection (workerLiveness.ts), as each process has in production. Needs PostgreSQL: the embedded engine has one
// process by construction.
import { setTimeout as sleepFor } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { defineJob } from "../../src/jobs/jobDefinition.js";
import { createJobQueue, type JobQueue } from "../../src/jobs/jobQueue.js";
import { startWorkerLiveness, type WorkerLiveness } from "../../src/jobs/workerLiveness.js";
import { eventually } from "../support/eventually.js";
import { createTestDatabase, type TestDatabase } from "../support/testDatabase.js";

const long = defineJob({
  name: "test.long",
  payload: z.object({ n: z.number().int() }),
  // Left to pg-boss, a dead worker's job would wait 10 minutes.
  timeoutSeconds: 600,
  retry: { limit: 2, delaySeconds: 0, backoff: false },
});
const ORPHANS = { sweepEveryMs: 200, graceMs: 5_000 };

let t: TestDatabase;
const errors: Error[] = [];
const opened: { queues: JobQueue[]; livenesses: WorkerLiveness[] } = { queues: [], livenesses: [] };
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  for (const queue of opened.queues) await queue.stop(1_000);
  for (const liveness of opened.livenesses) await liveness.close();
  await t.drop();
});

/** A "process": its liveness lock and its queue on `schema`. */
async function process(name: string, schema: string, retryMs = 100) {
  const lost: Error[] = [];
  const liveness = await startWorkerLiveness({
    url: t.url as string,
    instanceId: name,
    onError: (error) => lost.push(error),
    retryMs,
  });
  opened.livenesses.push(liveness);
  const queue = createJobQueue({
    sql: t.db.sql,
    catalog: [long],
    onError: (error) => errors.push(error),
    schema,
    pollingIntervalSeconds: 0.5,
    liveness,
    orphans: ORPHANS,
  });
  opened.queues.push(queue);
  await queue.start();
  return { liveness, queue, lost };
}

async function jobRow(schema: string, id: string) {
  const { rows } = await t.db.sql.query<{ state: string; output: Record<string, unknown> | null }>(
    `SELECT state, output FROM ${schema}.job WHERE id = $1`,
    [id],
  );
  return rows[0];
}

describe("jobs of a dead worker process", () => {
  it("are handed back to a live process after the grace period, and done once", async (context) => {
    if (!t.url) return context.skip("needs PostgreSQL: the embedded engine has one process");
    const schema = `pgboss_dead_${Date.now()}`;
    const a = await process("process-a", schema);
    const taken: number[] = [];
    await a.queue.work(long, async ({ n }) => {
      taken.push(n);
      await new Promise(() => undefined); // a handler that will never finish: its process is about to die
    });
    const jobId = (await a.queue.enqueue(long, { n: 1 })) as string;
    await eventually(
      async () => taken,
      (list) => list.length === 1,
    );
    expect((await jobRow(schema, jobId))?.output).toEqual({ tribuneWorker: "process-a" });

    const b = await process("process-b", schema);
    const done: number[] = [];
    await b.queue.work(long, async ({ n }) => {
      done.push(n);
    });
    // While A lives, B leaves its job alone.
    await sleepFor(ORPHANS.graceMs + 1_000);
    expect(done).toEqual([]);
    expect((await jobRow(schema, jobId))?.state).toBe("active");

    // A dies: PostgreSQL drops its lock with its connection.
    await a.liveness.close();
    await eventually(
      async () => done,
      (list) => list.length > 0,
      20_000,
    );
    expect(done).toEqual([1]);
    const row = await eventually(
      () => jobRow(schema, jobId),
      (r) => r?.state === "completed",
    );
    expect(row?.state).toBe("completed");
    expect(taken).toEqual([1]);
  });

  it("are left alone while their process is only reconnecting", async (context) => {
    if (!t.url) return context.skip("needs PostgreSQL: the embedded engine has one process");
    const schema = `pgboss_blip_${Date.now()}`;
    // Reconnecting takes 0.8 s or a little more: several sweeps find its lock free, all well within the grace period.
    const a = await process("process-c", schema, 800);
    let finish: () => void = () => undefined;
    const runs: number[] = [];
    await a.queue.work(long, async ({ n }) => {
      runs.push(n);
      await new Promise<void>((resolve) => {
        finish = resolve;
      });
    });
    const jobId = (await a.queue.enqueue(long, { n: 2 })) as string;
    await eventually(
      async () => runs,
      (list) => list.length === 1,
    );
    const b = await process("process-d", schema);
    const stolen: number[] = [];
    await b.queue.work(long, async ({ n }) => {
      stolen.push(n);
    });

    // A's liveness connection is cut, as a database restart or a network blip would: it reconnects and locks again.
    await t.db.sql.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'tribune-liveness' AND pid IN (SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND objid = hashtext('process-c')::oid)",
    );
    await eventually(
      async () => a.lost.length,
      (n) => n > 0,
      5_000,
    );
    await eventually(
      async () => a.liveness.holding(),
      (holding) => holding,
      10_000,
    );
    await sleepFor(ORPHANS.graceMs + 1_000);
    expect(stolen).toEqual([]);
    expect(await jobRow(schema, jobId)).toMatchObject({ state: "active", output: { tribuneWorker: "process-c" } });

    finish();
    const row = await eventually(
      () => jobRow(schema, jobId),
      (r) => r?.state === "completed",
    );
    expect(row?.state).toBe("completed");
    expect(runs).toEqual([2]);
    expect(stolen).toEqual([]);
  });
});
