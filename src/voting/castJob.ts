import type { castDueVotes } from "../jobs/jobCatalog.js";
import type { JobHandler, JobQueue } from "../jobs/jobQueue.js";
import type { Logger } from "../log/logger.js";
import type { CastingSwitch } from "../spaces/castingSwitch.js";
import type { CastOutbox } from "./castOutbox.js";
import type { CastRunResult, SnapshotCastRunner } from "./snapshotCastRunner.js";

// `voting.cast`: claim due rows in batches and cast them, a few at once, until none is due or the job's time is up.
// Any number of these may run in any number of processes: each row is claimed by one conditional UPDATE, so a row is
// cast by one worker at a time, and a worker that dies leaves its rows to be reclaimed when their lease ends.

export interface DrainOptions {
  outbox: CastOutbox;
  runner: SnapshotCastRunner;
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
  while (!options.signal?.aborted) {
    // Paused: claim nothing at all (the runner reads the switch again right before signing).
    if ((await options.casting.state()).paused) break;
    const batch = await options.outbox.claimDue(clock(), batchSize);
    if (batch.length === 0) break;
    report.claimed += batch.length;
    let next = 0;
    const lane = async () => {
      while (next < batch.length) {
        const row = batch[next++];
        if (!row) break;
        try {
          const result = await options.runner.run(row);
          report.results[result.kind] += 1;
        } catch (error) {
          // A database failure mid-run: the row keeps its lease and is reclaimed (and reconciled) when it ends.
          options.logger?.error({ err: error, castId: row.id }, "casting a vote failed; it is retried after its lease");
          report.results.lost += 1;
        }
      }
    };
    // Rows put back wait for a later time (retry), a pause (checked above) or a new announcement, so this ends.
    await Promise.all(Array.from({ length: Math.min(concurrency, batch.length) }, lane));
  }
  return report;
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
