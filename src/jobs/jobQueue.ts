import { createRequire } from "node:module";
import { setTimeout as sleepFor } from "node:timers/promises";
import PgBoss from "pg-boss";
import { isConnectionLost } from "../db/connectionLost.js";
import type { SqlRunner } from "../db/sqlRunner.js";
import type { JobDefinition, JobPayload } from "./jobDefinition.js";
import { createOrphanSweeper } from "./orphanSweeper.js";
import type { WorkerLiveness } from "./workerLiveness.js";

export interface JobContext {
  jobId: string;
  /** Aborted when the job's timeout passes: handlers pass it to their I/O so nothing outlives its job. */
  signal: AbortSignal;
}

export type JobHandler<Def extends JobDefinition> = (payload: JobPayload<Def>, context: JobContext) => Promise<void>;

export interface EnqueueOptions {
  /** Required by "short" jobs: at most one waiting job per key (e.g. a proposal version). */
  singletonKey?: string;
  startAfter?: Date;
}

export interface JobQueueOptions {
  sql: SqlRunner;
  catalog: readonly JobDefinition[];
  /** Called with failures pg-boss reports outside any job (maintenance, polling). */
  onError: (error: Error) => void;
  pollingIntervalSeconds?: number;
  schema?: string;
  /**
   * This process is the only one that works this queue (the embedded database: its folder is locked to one process).
   * Then a job found running at start was left by an earlier run that died, and `start` hands it back to be retried
   * now rather than after its timeout.
   */
  exclusive?: boolean;
  /**
   * Shared queues (PostgreSQL): this process's liveness lock. With it, jobs this process starts carry its id, and it
   * hands back running jobs whose process died (orphanSweeper.ts) instead of leaving them to their timeout.
   */
  liveness?: WorkerLiveness;
  /** How often to look for dead processes' jobs (default 15 s), and how long one must stay gone (default 30 s). */
  orphans?: { sweepEveryMs?: number; graceMs?: number };
  /** The waits before each retry of a job's end lost to a dropped connection (default 0.25 s doubling to 8 s, ~24 s). */
  endRetryDelaysMs?: readonly number[];
}

/** The job queue (pg-boss over Tribune's own database connection, PostgreSQL or embedded). */
export interface JobQueue {
  /** Installs or upgrades the queue; with `exclusive`, says how many jobs an earlier run left running (now retried). */
  start(): Promise<{ orphansRetried: number }>;
  enqueue<Def extends JobDefinition>(
    job: Def,
    payload: JobPayload<Def>,
    options?: EnqueueOptions,
  ): Promise<string | null>;
  work<Def extends JobDefinition>(
    job: Def,
    handler: JobHandler<Def>,
    options?: { concurrency?: number },
  ): Promise<void>;
  /** Jobs waiting or running, per queue. */
  depth(): Promise<Record<string, number>>;
  /**
   * Stops fetching these kinds of job and waits (at most `timeoutMs`) for the ones running to end. For a part about to
   * close what its handlers use (the Discord client), before the queue itself stops; other kinds keep working.
   */
  stopWorking(jobs: readonly JobDefinition[], timeoutMs?: number): Promise<void>;
  /** Stops fetching; running jobs finish (or are released to others when `timeoutMs` passes). */
  stop(timeoutMs?: number): Promise<void>;
}

/** A job's payload did not match its catalog schema: a bug in whoever enqueued it. */
export class JobPayloadError extends Error {
  constructor(jobName: string, issues: string) {
    super(`Payload of job ${jobName} does not match its schema: ${issues}`);
    this.name = "JobPayloadError";
  }
}

/** Builds the queue; `start()` installs or upgrades pg-boss's tables and creates one queue per catalog entry. */
export function createJobQueue(options: JobQueueOptions): JobQueue {
  // pg-boss marks a finished job completed (or failed) without awaiting it, and its graceful stop waits only for
  // running handlers; so the queue counts its own statements in flight and `stop` waits for them too. Otherwise a
  // job that ended just before a stop is written after the connection closes: an unhandled rejection, and the job
  // is left active until it expires and runs again.
  const inFlight = new Set<Promise<unknown>>();
  const schema = options.schema ?? "pgboss";
  // pg-boss records a job's end with these statements, sent without awaiting: see `recordEnd`.
  const ending = new Set([pgBossPlans.completeJobs(schema), pgBossPlans.failJobsById(schema)]);
  const boss = new PgBoss({
    db: {
      executeSql: (text, values) => {
        const run = ending.has(text) ? recordEnd(text, values) : runForPgBoss(options.sql, text, values);
        inFlight.add(run);
        const forget = () => inFlight.delete(run);
        run.then(forget, forget);
        return run;
      },
    },
    schema,
  });
  boss.on("error", options.onError);
  const known = new Map(options.catalog.map((job) => [job.name, job]));
  const sweeper = options.liveness
    ? createOrphanSweeper({
        sql: options.sql,
        schema,
        liveness: options.liveness,
        graceMs: options.orphans?.graceMs,
        fail: (name, id, reason) => boss.fail(name, id, { reason }),
      })
    : null;
  /** Handlers running now, with their job's name. */
  const running = new Map<Promise<void>, string>();
  let sweepTimer: NodeJS.Timeout | undefined;
  let sweeping: Promise<unknown> = Promise.resolve();

  /**
   * Nobody awaits the write of a job's end, so a failure there would be an unhandled rejection, which ends the process
   * (a PostgreSQL restart killed workers so); and a lost write leaves the job active until its timeout, then runs it
   * again. A connection lost under it is waited out; a write that still fails is reported to `onError`, not thrown.
   */
  async function recordEnd(text: string, values: unknown[] | undefined): Promise<{ rows: unknown[] }> {
    const delays = options.endRetryDelaysMs ?? END_RETRY_DELAYS_MS;
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await runForPgBoss(options.sql, text, values);
      } catch (error) {
        const delay = delays[attempt];
        if (delay !== undefined && isConnectionLost(error)) {
          await sleepFor(delay);
          continue;
        }
        options.onError(
          new Error(
            `a job's end could not be recorded after ${attempt + 1} attempt(s): ${asError(error).message}; the job stays active until its timeout, then runs again`,
            { cause: error },
          ),
        );
        return { rows: [{ count: "0" }] };
      }
    }
  }

  function parse<Def extends JobDefinition>(job: Def, payload: unknown): JobPayload<Def> {
    const result = job.payload.safeParse(payload);
    if (!result.success) throw new JobPayloadError(job.name, result.error.message);
    return result.data as JobPayload<Def>;
  }

  /**
   * Jobs left `active` by a run that died, failed now so pg-boss retries them (after their retry delay, counted as an
   * attempt). Only sound when no other process can be working them: see `exclusive`.
   */
  async function retryOrphans(): Promise<number> {
    const { rows } = await options.sql.query<{ id: string; name: string }>(
      `SELECT id::text AS id, name FROM ${schema}.job WHERE state = 'active'`,
    );
    for (const { id, name } of rows) {
      await boss.fail(name, id, { reason: "the run working this job stopped without finishing it; retried at start" });
    }
    return rows.length;
  }

  function assertKnown(job: JobDefinition): void {
    if (known.get(job.name) !== job) throw new Error(`Job ${job.name} is not in the catalog given to the queue`);
  }

  return {
    async start() {
      await boss.start();
      for (const job of options.catalog) await ensureQueue(boss, job);
      if (sweeper) {
        let busy = false;
        sweepTimer = setInterval(() => {
          if (busy) return;
          busy = true;
          sweeping = sweeper
            .sweep()
            .catch((error: unknown) => options.onError(asError(error)))
            .finally(() => {
              busy = false;
            });
        }, options.orphans?.sweepEveryMs ?? 15_000);
        sweepTimer.unref();
      }
      return { orphansRetried: options.exclusive ? await retryOrphans() : 0 };
    },

    async enqueue(job, payload, enqueueOptions = {}) {
      assertKnown(job);
      const data = parse(job, payload) as object;
      if ((job.policy === "short" || job.policy === "stately") && !enqueueOptions.singletonKey) {
        throw new Error(`Job ${job.name} is keyed: enqueue it with a singletonKey`);
      }
      return boss.send(job.name, data, {
        singletonKey: enqueueOptions.singletonKey,
        startAfter: enqueueOptions.startAfter,
      });
    },

    async work(job, handler, workOptions = {}) {
      assertKnown(job);
      const workers = Math.max(1, workOptions.concurrency ?? 1);
      for (let i = 0; i < workers; i += 1) {
        let workerId: string | undefined;
        workerId = await boss.work<unknown>(
          job.name,
          { batchSize: 1, pollingIntervalSeconds: options.pollingIntervalSeconds ?? 2 },
          async ([received]) => {
            if (!received) return;
            // Unmarked, the job is still recovered, only later: by pg-boss when its timeout passes.
            await sweeper?.mark(received.id).catch((error: unknown) => options.onError(asError(error)));
            const signal = AbortSignal.timeout(job.timeoutSeconds * 1000);
            const run = (async () => handler(parse(job, received.data), { jobId: received.id, signal }))();
            running.set(run, job.name);
            try {
              await run;
            } finally {
              running.delete(run);
              // pg-boss waits out the rest of its polling interval after every job, even with more waiting: a
              // worker would do one job per interval (2 jobs/s for 4 workers polling every 2 s). Notified, it
              // fetches again at once; only a fetch that finds nothing waits for the next poll.
              if (workerId) boss.notifyWorker(workerId);
            }
          },
        );
      }
    },

    async depth() {
      const entries = await Promise.all(
        options.catalog.map(async (job) => [job.name, await boss.getQueueSize(job.name)] as const),
      );
      return Object.fromEntries(entries);
    },

    async stopWorking(jobs, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      const names = new Set(jobs.map((job) => job.name));
      for (const job of jobs) {
        assertKnown(job);
        await boss.offWork(job.name);
      }
      // A fetch already sent still hands its job to a handler: let pg-boss's statements in flight settle, and the
      // handlers they started begin, before waiting for the handlers.
      await settleBy([...inFlight], deadline);
      await new Promise((resolve) => setImmediate(resolve));
      await settleBy(
        [...running].filter(([, name]) => names.has(name)).map(([run]) => run),
        deadline,
      );
    },

    async stop(timeoutMs = 30_000) {
      // close: false: the connection belongs to Tribune's database handle, which closes it after the queue stops.
      const deadline = Date.now() + timeoutMs;
      clearInterval(sweepTimer);
      await sweeping;
      await boss.stop({ graceful: true, wait: true, close: false, timeout: timeoutMs });
      // Bounded like the handlers: a statement stuck past the deadline is left to the database handle's close.
      while (inFlight.size > 0 && Date.now() < deadline) await settleBy([...inFlight], deadline);
    },
  };
}

async function ensureQueue(boss: PgBoss, job: JobDefinition): Promise<void> {
  const policy = {
    name: job.name,
    policy: job.policy ?? "standard",
    retryLimit: job.retry.limit,
    retryDelay: job.retry.delaySeconds,
    retryBackoff: job.retry.backoff,
    expireInSeconds: job.timeoutSeconds,
  };
  if (await boss.getQueue(job.name)) {
    await boss.updateQueue(job.name, policy);
    return;
  }
  for (let attempt = 1; ; attempt += 1) {
    try {
      // create_queue inserts the queue row, then adds the job partition's foreign key to the queue table. Two
      // processes creating one queue at once (a deploy starting several) can deadlock there; PostgreSQL aborts one,
      // and its retry finds the row the other committed (ON CONFLICT DO NOTHING) and stops.
      await boss.createQueue(job.name, policy);
      break;
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === "40P01" && attempt < QUEUE_CREATE_ATTEMPTS) {
        await sleepFor(50 + Math.random() * 200 * attempt);
        continue;
      }
      // Another process created it between our check and our insert: its row stands; the policy is updated below.
      if (code !== "23505") throw error;
      break;
    }
  }
  await boss.updateQueue(job.name, policy);
}

/** Waits for every promise to settle, or for the deadline to pass, whichever comes first. */
async function settleBy(promises: readonly Promise<unknown>[], deadline: number): Promise<void> {
  if (promises.length === 0) return;
  const giveUp = new AbortController();
  const late = sleepFor(Math.max(1, deadline - Date.now()), undefined, { signal: giveUp.signal }).catch(
    () => undefined,
  );
  await Promise.race([Promise.allSettled(promises), late]);
  giveUp.abort();
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/** 0.25 s doubling to 8 s: about 24 s in all, longer than a PostgreSQL restart or failover usually takes. */
const END_RETRY_DELAYS_MS = [250, 500, 1_000, 2_000, 4_000, 8_000, 8_000];

/**
 * The exact statements pg-boss sends to record a job's end, from its own statement builders (it exports no types
 * for them). Checked at load: a pg-boss without them would have the ends of jobs unguarded.
 */
const pgBossPlans = (() => {
  const plans = createRequire(import.meta.url)("pg-boss/src/plans.js") as Record<string, unknown>;
  if (typeof plans.completeJobs !== "function" || typeof plans.failJobsById !== "function") {
    throw new Error("pg-boss no longer builds completeJobs/failJobsById in src/plans.js: update jobs/jobQueue.ts");
  }
  return plans as { completeJobs(schema: string): string; failJobsById(schema: string): string };
})();

/** A deadlock victim retries this often; each deadlock lets one creator through, so a few always suffice. */
const QUEUE_CREATE_ATTEMPTS = 8;

/**
 * pg-boss sends both parameterised single statements and parameterless multi-statement scripts (its schema
 * migrations). PGlite's `query` takes one statement only, so scripts go through `exec`.
 */
async function runForPgBoss(sql: SqlRunner, text: string, values: unknown[] | undefined): Promise<{ rows: unknown[] }> {
  if (values && values.length > 0) return sql.query(text, values);
  if (!text.includes(";")) return sql.query(text);
  await sql.exec(text);
  return { rows: [] };
}
