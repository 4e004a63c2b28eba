import { setTimeout as sleepFor } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createAuditLog } from "../../src/audit/auditLog.js";
import { digestProposal, jobCatalog, systemPing } from "../../src/jobs/jobCatalog.js";
import { defineJob } from "../../src/jobs/jobDefinition.js";
import { createJobQueue, JobPayloadError, type JobQueue } from "../../src/jobs/jobQueue.js";
import { createPingHandler } from "../../src/jobs/pingJob.js";
import { eventually } from "../support/eventually.js";
import { createTestDatabase, type TestDatabase } from "../support/testDatabase.js";

const flaky = defineJob({
  name: "test.flaky",
  payload: z.object({ failTimes: z.number().int() }),
  timeoutSeconds: 10,
  retry: { limit: 3, delaySeconds: 0, backoff: false },
});

/** A promise a handler waits on until the test releases it. */
function gate(): { held: Promise<void>; release: () => void } {
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  return { held, release };
}

let t: TestDatabase;
let queue: JobQueue;
const queueErrors: Error[] = [];
beforeAll(async () => {
  t = await createTestDatabase();
  queue = createJobQueue({
    sql: t.db.sql,
    catalog: [...jobCatalog, flaky],
    onError: (error) => queueErrors.push(error),
    pollingIntervalSeconds: 0.5,
  });
  await queue.start();
});
afterAll(async () => {
  await queue.stop(5_000);
  await t.drop();
});

describe("job queue", () => {
  it("carries system.ping from enqueue to a worker that writes the audit log", async () => {
    const audit = createAuditLog({ prisma: t.db.prisma });
    await queue.work(systemPing, createPingHandler({ audit }));
    const jobId = await queue.enqueue(systemPing, { note: "wiring", requestedAt: new Date().toISOString() });
    expect(jobId).toEqual(expect.any(String));

    const entries = await eventually(
      () => t.db.prisma.auditEntry.findMany({ where: { action: "system.ping" } }),
      (rows) => rows.length > 0,
    );
    expect(entries).toHaveLength(1);
    expect(JSON.parse(entries[0]?.canonical ?? "{}")).toMatchObject({ data: { jobId, note: "wiring" } });
  });

  it("refuses a payload that does not match the catalog schema, before it reaches the queue", async () => {
    await expect(
      queue.enqueue(digestProposal, { proposalId: "" } as unknown as { proposalId: string; proposalVersionId: string }),
    ).rejects.toBeInstanceOf(JobPayloadError);
    expect(await queue.depth()).toMatchObject({ "digest.proposal": 0 });
  });

  it("refuses a job that is not in its catalog", async () => {
    const stranger = defineJob({ ...flaky, name: "test.stranger" });
    await expect(queue.enqueue(stranger, { failTimes: 0 })).rejects.toThrow(/not in the catalog/);
  });

  it("retries a failing job within its policy, then it succeeds", async () => {
    let attempts = 0;
    await queue.work(flaky, async ({ failTimes }) => {
      attempts += 1;
      if (attempts <= failTimes) throw new Error(`transient failure ${attempts}`);
    });
    await queue.enqueue(flaky, { failTimes: 2 });
    await eventually(
      async () => attempts,
      (n) => n >= 3,
    );
    expect(attempts).toBe(3);
    await eventually(queue.depth, (d) => d["test.flaky"] === 0);
    expect((await queue.depth())["test.flaky"]).toBe(0);
    expect(queueErrors).toEqual([]);
  });

  it("keeps one waiting job per singleton key", async () => {
    const payload = { proposalId: "p1", proposalVersionId: "v1" };
    const first = await queue.enqueue(digestProposal, payload, { singletonKey: "p1:v1" });
    const second = await queue.enqueue(digestProposal, payload, { singletonKey: "p1:v1" });
    expect(first).toEqual(expect.any(String));
    expect(second).toBeNull();
  });

  it("works a full queue back to back: a worker fetches again as soon as a job ends, not a polling interval later", async () => {
    // Polling every 30 s: one job per interval would take 2 minutes for these five; back to back, well under a second.
    const schema = `pgboss_busy_${Date.now()}`;
    const busy = createJobQueue({
      sql: t.db.sql,
      catalog: [flaky],
      onError: (e) => queueErrors.push(e),
      schema,
      pollingIntervalSeconds: 30,
    });
    await busy.start();
    try {
      for (let i = 0; i < 5; i++) await busy.enqueue(flaky, { failTimes: 0 });
      let worked = 0;
      await busy.work(flaky, async () => {
        worked += 1;
      });
      const done = await eventually(
        async () => worked,
        (n) => n >= 5,
        20_000,
      );
      expect(done).toBe(5);
    } finally {
      await busy.stop(5_000);
    }
  });

  it("on a database only it uses, hands back at start the jobs a run that died left running", async () => {
    const patient = defineJob({
      name: "test.patient",
      payload: z.object({ n: z.number().int() }),
      // Left to expire, the job would wait 10 minutes.
      timeoutSeconds: 600,
      retry: { limit: 2, delaySeconds: 0, backoff: false },
    });
    const schema = `pgboss_orphan_${Date.now()}`;
    const queueOn = (exclusive: boolean) =>
      createJobQueue({ sql: t.db.sql, catalog: [patient], onError: (e) => queueErrors.push(e), schema, exclusive });
    const first = queueOn(false);
    await first.start();
    const jobId = await first.enqueue(patient, { n: 7 });
    await first.stop(1_000);
    // What a worker killed mid-job leaves: the row pg-boss's fetch marked active, and no one working it.
    await t.db.sql.query(`UPDATE ${schema}.job SET state = 'active', started_on = now() WHERE id = $1`, [jobId]);
    const stateOf = async () =>
      (await t.db.sql.query<{ state: string }>(`SELECT state FROM ${schema}.job WHERE id = $1`, [jobId])).rows[0]
        ?.state;

    // Where other processes may share the queue, a running job may be someone's: it is left alone.
    const shared = queueOn(false);
    expect(await shared.start()).toEqual({ orphansRetried: 0 });
    await shared.stop(1_000);
    expect(await stateOf()).toBe("active");

    const alone = queueOn(true);
    expect(await alone.start()).toEqual({ orphansRetried: 1 });
    try {
      const seen: number[] = [];
      await alone.work(patient, async ({ n }) => {
        seen.push(n);
      });
      await eventually(
        async () => seen,
        (s) => s.length > 0,
        20_000,
      );
      expect(seen).toEqual([7]);
      expect(await eventually(stateOf, (state) => state === "completed")).toBe("completed");
    } finally {
      await alone.stop(5_000);
    }
  });

  it("a stop waits for the job that just ended to be marked completed, so nothing is written after it", async () => {
    // pg-boss writes a job's completion without awaiting it; held here, the completion lands well after the handler
    // returned. A stop asked while the handler runs must not return before that write.
    const schema = `pgboss_stop_${Date.now()}`;
    let completionsHeld = 0;
    const slowCompletions = {
      ...t.db.sql,
      async query<Row>(text: string, values?: readonly unknown[]) {
        if (/SET completed_on = now\(\)/.test(text)) {
          completionsHeld += 1;
          await sleepFor(1_500);
        }
        return t.db.sql.query<Row>(text, values);
      },
    };
    const stopping = createJobQueue({
      sql: slowCompletions,
      catalog: [flaky],
      onError: (e) => queueErrors.push(e),
      schema,
    });
    await stopping.start();
    const { held: running, release } = gate();
    let started = false;
    await stopping.work(flaky, async () => {
      started = true;
      await running;
    });
    const jobId = await stopping.enqueue(flaky, { failTimes: 0 });
    await eventually(
      async () => started,
      (yes) => yes,
    );
    const stopped = stopping.stop(10_000);
    release();
    await stopped;
    expect(completionsHeld).toBe(1);
    const { rows } = await t.db.sql.query<{ state: string }>(`SELECT state FROM ${schema}.job WHERE id = $1`, [jobId]);
    expect(rows).toEqual([{ state: "completed" }]);
  });

  it("records a job's end once the database is back from a restart, and reports one it cannot record without ending the process", async () => {
    // pg-boss writes a job's end without awaiting it: a connection lost there (PostgreSQL restarting) was an unhandled
    // rejection, which ends a worker process. Here the first writes of each end meet a server shutting down.
    const schema = `pgboss_end_${Date.now()}`;
    const shutdown = () =>
      Object.assign(new Error("terminating connection due to administrator command"), { code: "57P01" });
    let refuseEnds = 2;
    let refused = 0;
    const restarting = {
      ...t.db.sql,
      async query<Row>(text: string, values?: readonly unknown[]) {
        if (/SET completed_on = now\(\)|WITH deleted_jobs AS/.test(text) && refused < refuseEnds) {
          refused += 1;
          throw shutdown();
        }
        return t.db.sql.query<Row>(text, values);
      },
    };
    const errors: Error[] = [];
    const ending = createJobQueue({
      sql: restarting,
      catalog: [flaky],
      onError: (e) => errors.push(e),
      schema,
      pollingIntervalSeconds: 0.5,
      endRetryDelaysMs: [50, 50, 50],
    });
    await ending.start();
    const state = async (id: string | null) =>
      (await t.db.sql.query<{ state: string }>(`SELECT state FROM ${schema}.job WHERE id = $1`, [id])).rows[0]?.state;
    try {
      await ending.work(flaky, async () => undefined);
      const recovered = await ending.enqueue(flaky, { failTimes: 0 });
      await eventually(
        () => state(recovered),
        (s) => s === "completed",
      );
      expect(await state(recovered)).toBe("completed");
      expect(refused).toBe(2);
      expect(errors).toEqual([]);

      // Gone for longer than the retries wait: reported once, the process goes on, the job waits for its timeout.
      refused = 0;
      refuseEnds = 10;
      const lost = await ending.enqueue(flaky, { failTimes: 0 });
      await eventually(
        async () => errors.length,
        (n) => n >= 1,
      );
      expect(refused).toBe(4);
      expect(errors.map((e) => e.message)).toEqual([
        expect.stringMatching(
          /^a job's end could not be recorded after 4 attempt\(s\): terminating connection .* runs again$/,
        ),
      ]);
      expect(await state(lost)).toBe("active");
    } finally {
      refuseEnds = 0;
      await ending.stop(2_000);
    }
  });

  it("stops working one kind of job: waits for the one running, takes no more of it, and other kinds go on", async () => {
    // The Discord part closes its client at shutdown; the thread updates running on it must end first, or they fail
    // and are run again after their retry delay.
    const schema = `pgboss_off_${Date.now()}`;
    const other = defineJob({ name: "test.other", payload: z.object({}), timeoutSeconds: 10, retry: flaky.retry });
    const parting = createJobQueue({
      sql: t.db.sql,
      catalog: [flaky, other],
      onError: (e) => queueErrors.push(e),
      pollingIntervalSeconds: 0.5,
      schema,
    });
    await parting.start();
    try {
      const { held, release } = gate();
      const started: string[] = [];
      let otherDone = 0;
      await parting.work(flaky, async (_payload, { jobId }) => {
        started.push(jobId);
        await held;
      });
      await parting.work(other, async () => {
        otherDone += 1;
      });
      const first = await parting.enqueue(flaky, { failTimes: 0 });
      await eventually(
        async () => started.length,
        (n) => n === 1,
      );
      let stopped = false;
      const stopping = parting.stopWorking([flaky]).then(() => {
        stopped = true;
      });
      // Held, the running job keeps stopWorking waiting however long it takes.
      await sleepFor(1_000);
      expect(stopped).toBe(false);
      release();
      await stopping;
      expect(started).toEqual([first]);
      const state = async (id: string | null) =>
        (await t.db.sql.query<{ state: string }>(`SELECT state FROM ${schema}.job WHERE id = $1`, [id])).rows[0]?.state;
      await eventually(
        () => state(first),
        (s) => s === "completed",
      );

      const second = await parting.enqueue(flaky, { failTimes: 0 });
      await parting.enqueue(other, {});
      await eventually(
        async () => otherDone,
        (n) => n === 1,
      );
      // Three polling intervals more: a worker of the stopped kind would have fetched it by now.
      await sleepFor(1_500);
      expect(started).toEqual([first]);
      expect(await state(second)).toBe("created");
    } finally {
      await parting.stop(2_000);
    }
  });

  it("stops working one kind within its time limit, even while a job of it will not end", async () => {
    const schema = `pgboss_offlimit_${Date.now()}`;
    const parting = createJobQueue({ sql: t.db.sql, catalog: [flaky], onError: (e) => queueErrors.push(e), schema });
    await parting.start();
    const { held, release } = gate();
    let started = false;
    await parting.work(flaky, async () => {
      started = true;
      await held;
    });
    await parting.enqueue(flaky, { failTimes: 0 });
    await eventually(
      async () => started,
      (yes) => yes,
    );
    const began = Date.now();
    await parting.stopWorking([flaky], 500);
    const waited = Date.now() - began;
    release();
    await parting.stop(2_000);
    expect(waited).toBeGreaterThanOrEqual(450);
    expect(waited).toBeLessThan(30_000);
  });

  it("starts in several processes at once on a fresh schema: each creates or finds every queue, none fails", async (context) => {
    if (!t.url) return context.skip("the embedded engine has one connection: processes cannot start side by side");
    // Four gateways and workers starting together (a compose up, a rolling deploy) all create the catalog's queues.
    // pg-boss's create_queue inserts the queue row and then alters the job table, so two creators of one queue can
    // deadlock; a start must ride that out, not fail.
    const schema = `pgboss_race_${Date.now()}`;
    const handles = await Promise.all(Array.from({ length: 4 }, () => t.connect(2)));
    const starters = handles.map((handle) =>
      createJobQueue({ sql: handle.sql, catalog: [...jobCatalog, flaky], onError: () => undefined, schema }),
    );
    try {
      await Promise.all(starters.map((starter) => starter.start()));
      const names = await t.db.sql.query<{ name: string }>(`SELECT name FROM ${schema}.queue`);
      expect(names.rows.map((row) => row.name)).toEqual(
        expect.arrayContaining([...jobCatalog, flaky].map((job) => job.name)),
      );
    } finally {
      await Promise.all(starters.map((starter) => starter.stop(1_000)));
    }
  });
});
