import { setTimeout as sleepFor } from "node:timers/promises";

/** Waits `ms`, or rejects when `signal` aborts. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export const realSleep: Sleep = (ms, signal) => sleepFor(Math.max(0, ms), undefined, { signal });

export interface RateLimiterOptions {
  /** Requests allowed in any window. */
  requests: number;
  /** The window's length; 60,000 ms makes `requests` a per-minute budget. */
  windowMs?: number;
  now?: () => number;
  sleep?: Sleep;
}

/** Keeps a process under a request budget, whatever number of callers share it. */
export interface RateLimiter {
  /** Resolves when one more request fits the budget (and any hold has passed), and counts it. */
  acquire(signal?: AbortSignal): Promise<void>;
  /** Holds every caller until `untilMs` (epoch ms): the server said "come back later" (Retry-After). */
  holdUntil(untilMs: number): void;
  readonly requests: number;
  readonly windowMs: number;
}

/**
 * A sliding-window limiter: at most `requests` acquisitions in any `windowMs`. Unlike a token bucket it never allows
 * a burst above the budget, which is what the hub's fixed per-minute limit needs.
 */
export function createRateLimiter({
  requests,
  windowMs = 60_000,
  now = Date.now,
  sleep = realSleep,
}: RateLimiterOptions): RateLimiter {
  if (!Number.isInteger(requests) || requests < 1) throw new RangeError(`requests must be a positive integer`);
  const stamps: number[] = [];
  let heldUntil = 0;

  return {
    requests,
    windowMs,
    async acquire(signal) {
      for (;;) {
        signal?.throwIfAborted();
        const t = now();
        while (stamps.length > 0 && (stamps[0] ?? 0) <= t - windowMs) stamps.shift();
        if (heldUntil > t) {
          await sleep(heldUntil - t, signal);
          continue;
        }
        if (stamps.length < requests) {
          stamps.push(t);
          return;
        }
        await sleep((stamps[0] ?? t) + windowMs - t, signal);
      }
    },
    holdUntil(untilMs) {
      heldUntil = Math.max(heldUntil, untilMs);
    },
  };
}
