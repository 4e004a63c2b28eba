import type { Cast, SpaceKind } from "../generated/prisma/client.js";
import type { castDueVotes } from "../jobs/jobCatalog.js";
import type { JobHandler, JobQueue } from "../jobs/jobQueue.js";
import type { Logger } from "../log/logger.js";
import type { CastingSwitch } from "../spaces/castingSwitch.js";
import type { CastOutbox } from "./castOutbox.js";
import type { CastRunResult } from "./snapshotCastRunner.js";

// `voting.cast`: claim due rows in batches and cast them, a few at once, until none is due or the job's time is up.
// Any number of these may run in any number of processes: each row is claimed by one conditional UPDATE, so a row is
// cast by one worker at a time, and a worker that dies leaves its rows to be reclaimed when their lease ends. Each
// kind of space (Snapshot, Governor) has its own runner and is claimed on its own: a batch is one kind's rows.

/** Casts claimed rows of one kind of space (snapshotCastRunner.ts, governorCastRunner.ts). */
export interface CastRunner {
  /** Casts one claimed row. Never throws for an expected failure. */
  run(claimed: Cast): Promise<CastRunResult>;
  /** Reads what a whole claimed batch needs at once (the hub's votes), before its rows run. */
  prepare?(batch: Cast[]): Promise<void>;
}

export interface DrainOptions {
  outbox: CastOutbox;
  /** The runner of each kind of space; kinds without one are not claimed (their rows wait). */
  runners?: Partial<Record<SpaceKind, CastRunner>>;
  /** The Snapshot runner, for callers that cast only on Snapshot (the same as `runners.snapshot`). */
  runner?: CastRunner;
  casting: CastingSwitch;
  clock?: () => Date;
  /** Rows claimed per transaction. 20. */
  batchSize?: number;
  /** Rows cast at once by this worker. 4. */
  concurrency?: number;
  signal?: AbortSignal;
  logger?: Logger;
}

export interface DrainReport {
  claimed: number;
  results: Record<CastRunResult["kind"], number>;
}

/** Claims and casts due rows until none is left (rows waiting for a retry are left for a later tick). */
export async function drainDueCasts(options: DrainOptions): Promise<DrainReport> {
  const clock = options.clock ?? (() => new Date());
  const batchSize = options.batchSize ?? 20;
  const concurrency = Math.max(1, options.concurrency ?? 4);
  const report: DrainReport = {
    claimed: 0,
    results: { confirmed: 0, failed: 0, skipped: 0, retry: 0, released: 0, lost: 0 },
  };
  const runners = new Map<SpaceKind, CastRunner>();
  if (options.runner) runners.set("snapshot", options.runner);
  for (const [kind, runner] of Object.entries(options.runners ?? {}) as [SpaceKind, CastRunner | undefined][]) {
    if (runner) runners.set(kind, runner);
  }
  // A kind found with nothing due is done for this drain; rows that become due meanwhile wait for the next tick.
  while (runners.size > 0 && !options.signal?.aborted) {
    for (const [kind, runner] of runners) {
      if (options.signal?.aborted) break;
      // Paused: claim nothing at all (the runner reads the switch again right before signing).
      if ((await options.casting.state()).paused) return report;
      const batch = await options.outbox.claimDue(clock(), batchSize, kind);
      if (batch.length === 0) {
        runners.delete(kind);
        continue;
      }
      report.claimed += batch.length;
      await runBatch(runner, batch, concurrency, report, options.logger);
    }
  }
  return report;
}

async function runBatch(
  runner: CastRunner,
  batch: Cast[],
  concurrency: number,
  report: DrainReport,
  logger: Logger | undefined,
): Promise<void> {
  try {
    await runner.prepare?.(batch);
  } catch (error) {
    // The rows still run: each reads what it needs by itself when the batch's read is missing.
    logger?.warn({ err: error, rows: batch.length }, "could not prepare a batch of votes; its rows run one by one");
  }
  let next = 0;
  const lane = async () => {
    while (next < batch.length) {
      const row = batch[next++];
      if (!row) break;
      try {
        const result = await runner.run(row);
        report.results[result.kind] += 1;
      } catch (error) {
        // A database failure mid-run: the row keeps its lease and is reclaimed (and reconciled) when it ends.
        logger?.error({ err: error, castId: row.id }, "casting a vote failed; it is retried after its lease");
        report.results.lost += 1;
      }
    }
  };
  // Rows put back wait for a later time (retry), a pause (checked above) or a new announcement, so a drain ends.
  await Promise.all(Array.from({ length: Math.min(concurrency, batch.length) }, lane));
}

/** Handles `voting.cast`. */
export function createCastJobHandler(options: Omit<DrainOptions, "signal">): JobHandler<typeof castDueVotes> {
  return async (_payload, { signal }) => {
    const report = await drainDueCasts({ ...options, signal });
    if (report.claimed > 0) options.logger?.info(report, "due votes cast");
  };
}

/**
 * Enqueues `voting.cast` every `everyMs` (15 s by default: the precision of the veto window's end). Returns a stop
 * function. Ticks that find a job already waiting collapse into it (the job is keyed).
 */
export function startCastTicker(options: {
  queue: JobQueue;
  job: typeof castDueVotes;
  everyMs?: number;
  logger?: Logger;
}): () => void {
  const tick = () => {
    options.queue
      .enqueue(options.job, { requestedAt: new Date().toISOString() }, { singletonKey: "tick" })
      .catch((error: unknown) => options.logger?.warn({ err: error }, "could not enqueue voting.cast"));
  };
  tick();
  const timer = setInterval(tick, options.everyMs ?? 15_000);
  timer.unref();
  return () => clearInterval(timer);
}
