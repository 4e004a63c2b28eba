import { describe, expect, it } from "vitest";
import { createRateLimiter } from "../../src/web/loginRateLimiter.js";

describe("sign-in rate limiter", () => {
  it("allows a burst, then refills at its rate, per address", () => {
    let now = 0;
    const limiter = createRateLimiter({ burst: 3, perMinute: 6, clock: () => now });
    expect([1, 2, 3].map(() => limiter.take("a").allowed)).toEqual([true, true, true]);
    expect(limiter.take("a")).toEqual({ allowed: false, retryAfterSeconds: 10 });
    expect(limiter.take("b").allowed).toBe(true);
    now += 10_000;
    expect(limiter.take("a").allowed).toBe(true);
    expect(limiter.take("a").allowed).toBe(false);
  });

  it("remembers a bounded number of addresses", () => {
    let now = 0;
    const limiter = createRateLimiter({ burst: 1, perMinute: 1, clock: () => now, maxKeys: 2 });
    limiter.take("a");
    limiter.take("b");
    limiter.take("c");
    now += 1;
    // "a" was forgotten to make room, so it starts afresh; the limiter did not grow past two addresses.
    expect(limiter.take("a").allowed).toBe(true);
  });
});
