// Sign-in attempts are limited per client address with a token bucket: a steward who fumbles a link a few times is
// fine, a script guessing links is slowed to a crawl. Per process and in memory: each web process limits on its own,
// which bounds a guesser at (processes × rate), still far below what an HMAC-SHA256 guess would need.

export interface RateLimiterOptions {
  /** Attempts allowed in a burst. */
  burst: number;
  /** Attempts regained per minute. */
  perMinute: number;
  clock?: () => number;
  /** Most addresses remembered; past this, full buckets are forgotten first. */
  maxKeys?: number;
}

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** A token-bucket limiter keyed by client address. */
export interface RateLimiter {
  take(key: string): RateDecision;
}

/** Builds a limiter; the defaults suit sign-in (10 at once, then 10 a minute). */
export function createRateLimiter({
  burst,
  perMinute,
  clock = Date.now,
  maxKeys = 10_000,
}: RateLimiterOptions): RateLimiter {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const perMs = perMinute / 60_000;

  function refill(bucket: { tokens: number; at: number }, now: number): void {
    bucket.tokens = Math.min(burst, bucket.tokens + (now - bucket.at) * perMs);
    bucket.at = now;
  }

  function forgetFull(now: number): void {
    for (const [key, bucket] of buckets) {
      refill(bucket, now);
      if (bucket.tokens >= burst) buckets.delete(key);
    }
    // Still full of active addresses (an attack from many): drop the oldest rather than grow without bound.
    for (const key of buckets.keys()) {
      if (buckets.size < maxKeys) break;
      buckets.delete(key);
    }
  }

  return {
    take(key) {
      const now = clock();
      let bucket = buckets.get(key);
      if (!bucket) {
        if (buckets.size >= maxKeys) forgetFull(now);
        bucket = { tokens: burst, at: now };
        buckets.set(key, bucket);
      }
      refill(bucket, now);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return { allowed: true };
      }
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1_000)) };
    },
  };
}
