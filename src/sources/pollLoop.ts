import type { Logger } from "../log/logger.js";
import type { Sleep } from "./snapshot/rateLimiter.js";

// The loop both chain-era watchers (Governor, Tally) run: polls never overlap, a failed poll is logged and the next
// one tries again, and a rate-limited source makes the loop wait as long as the server asked.

export interface PollLoop<R> {
  /** Runs one poll, after any poll still running: a slow poll and the next tick never read and write the same cursors. */
  pollOnce(signal?: AbortSignal): Promise<R>;
  /** Polls every `intervalSeconds` until `stop()`. */
  start(intervalSeconds: number): void;
  stop(): Promise<void>;
}

/** Wraps `poll` in the shared loop; `retryAfterMs` reads from a report how long the source asked to wait (or 0). */
export function createPollLoop<R extends { failures: readonly unknown[] }>(options: {
  poll: (signal?: AbortSignal) => Promise<R>;
  retryAfterMs: (report: R) => number;
  sleep: Sleep;
  logger: Pick<Logger, "info" | "error">;
  /** Names the source in log lines ("Governor", "Tally"). */
  name: string;
}): PollLoop<R> {
  const { poll, logger, name } = options;
  let running: Promise<unknown> = Promise.resolve();
  const pollOnce = (signal?: AbortSignal): Promise<R> => {
    const run = running.then(
      () => poll(signal),
      () => poll(signal),
    );
    running = run.catch(() => undefined);
    return run;
  };
  let loop: { controller: AbortController; done: Promise<void> } | null = null;

  return {
    pollOnce,
    start(intervalSeconds) {
      if (loop) return;
      const controller = new AbortController();
      const run = async () => {
        while (!controller.signal.aborted) {
          const started = Date.now();
          let waitMs = intervalSeconds * 1000;
          try {
            const report = await pollOnce(controller.signal);
            waitMs = Math.max(waitMs, options.retryAfterMs(report));
            const fields: Record<string, unknown> = { ...report, failures: report.failures.length };
            logger.info(fields, `${name} poll done`);
          } catch (error) {
            if (controller.signal.aborted) break;
            logger.error({ err: error }, `${name} poll failed; the next poll tries again from the same cursors`);
          }
          await options.sleep(Math.max(0, waitMs - (Date.now() - started)), controller.signal).catch(() => undefined);
        }
      };
      loop = { controller, done: run() };
    },
    async stop() {
      if (!loop) return;
      loop.controller.abort();
      await loop.done;
      loop = null;
    },
  };
}
