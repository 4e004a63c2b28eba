import { realSleep, type Sleep } from "./rateLimiter.js";

/** How often and how patiently a remote call is retried. */
export interface RetryPolicy {
  /** Total attempts, the first included (3 = two retries). */
  attempts: number;
  /** First backoff; doubles each retry, with jitter. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A Retry-After longer than this is not waited for: the error goes to the caller, who reschedules. */
  maxRetryAfterMs: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  attempts: 3,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 30_000,
};

/** What a failure means for retrying: not at all, or after the server's Retry-After (null: our own backoff). */
export type RetryVerdict = { retry: false } | { retry: true; afterMs: number | null };

/**
 * Runs `attempt` until it succeeds, fails for good, or the attempts run out. Only failures `classify` calls transient
 * are retried, so a bad key or a broken query fails at once instead of burning the budget.
 */
export async function retryTransient<T>(
  attempt: (attemptNumber: number) => Promise<T>,
  classify: (error: unknown) => RetryVerdict,
  policy: RetryPolicy,
  { sleep = realSleep, signal }: { sleep?: Sleep; signal?: AbortSignal } = {},
): Promise<T> {
  for (let n = 1; ; n += 1) {
    try {
      return await attempt(n);
    } catch (error) {
      const verdict = classify(error);
      if (!verdict.retry || n >= policy.attempts || signal?.aborted) throw error;
      if (verdict.afterMs !== null && verdict.afterMs > policy.maxRetryAfterMs) throw error;
      const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (n - 1));
      // Full jitter on our own backoff spreads retries from many processes; the server's Retry-After is exact.
      await sleep(verdict.afterMs ?? Math.round(backoff / 2 + (Math.random() * backoff) / 2), signal);
    }
  }
}

/**
 * Reads an HTTP Retry-After header (delta seconds or an HTTP date) as milliseconds from `nowMs`; null if absent or
 * unreadable. @see https://www.rfc-editor.org/rfc/rfc9110#field.retry-after
 */
export function parseRetryAfter(header: string | null | undefined, nowMs: number): number | null {
  if (!header) return null;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}
