// Rate limits as Discord reports them: per-route buckets (counted per top-level resource) with X-RateLimit-* headers
// on every answer, the 50 requests/s global limit (interaction endpoints exempt), and 429s a test injects.
// @see https://discord.com/developers/docs/topics/rate-limits
import { createHash } from "node:crypto";

/** How many requests a bucket allows per window. Discord's real numbers vary by route; tests pick theirs. */
export interface BucketPolicy {
  limit: number;
  resetAfterSeconds: number;
}

/** A 429 a test asks for: the next request that matches gets it, once. */
export interface InjectedRateLimit {
  method?: string;
  /** Tested against the path after /api/v10, e.g. /channels/123/messages. */
  route?: RegExp;
  retryAfterSeconds: number;
  global?: boolean;
  /** "user" (the default), or "shared" for a per-resource limit. */
  scope?: "user" | "shared";
}

export interface RateLimitedAnswer {
  retryAfterSeconds: number;
  global: boolean;
  scope: "user" | "shared" | "global";
}

export interface RateDecision {
  headers: Record<string, string>;
  limited: RateLimitedAnswer | null;
}

interface Window {
  resetAt: number;
  count: number;
}

const seconds = (ms: number) => (Math.max(0, ms) / 1000).toFixed(3);

export class RateLimiter {
  private readonly windows = new Map<string, Window>();
  private readonly injected: InjectedRateLimit[] = [];
  private global: Window = { resetAt: 0, count: 0 };

  constructor(
    private readonly policy: BucketPolicy,
    private readonly globalPerSecond: number,
  ) {}

  inject(limit: InjectedRateLimit): void {
    this.injected.push(limit);
  }

  /** Counts one request and says what to answer. `major` is the top-level resource (channel, guild, webhook). */
  take(input: {
    method: string;
    path: string;
    template: string;
    major: string;
    exemptFromGlobal: boolean;
  }): RateDecision {
    const now = Date.now();
    const bucket = createHash("md5").update(`${input.method} ${input.template}`).digest("hex");
    const key = `${bucket}:${input.major}`;
    let window = this.windows.get(key);
    if (!window || now >= window.resetAt) {
      window = { resetAt: now + this.policy.resetAfterSeconds * 1000, count: 0 };
      this.windows.set(key, window);
    }
    const headers = (remaining: number, resetAt: number): Record<string, string> => ({
      "X-RateLimit-Limit": String(this.policy.limit),
      "X-RateLimit-Remaining": String(remaining),
      "X-RateLimit-Reset": (resetAt / 1000).toFixed(3),
      "X-RateLimit-Reset-After": seconds(resetAt - now),
      "X-RateLimit-Bucket": bucket,
    });

    const index = this.injected.findIndex(
      (l) => (!l.method || l.method.toUpperCase() === input.method) && (!l.route || l.route.test(input.path)),
    );
    if (index >= 0) {
      const [limit] = this.injected.splice(index, 1);
      if (limit) {
        const retryAt = now + limit.retryAfterSeconds * 1000;
        const scope = limit.global ? "global" : (limit.scope ?? "user");
        return {
          // A per-route 429 says the bucket is empty until it resets; a shared one leaves the bot's bucket alone.
          headers: headers(
            scope === "user" ? 0 : this.policy.limit - window.count,
            scope === "user" ? retryAt : window.resetAt,
          ),
          limited: { retryAfterSeconds: limit.retryAfterSeconds, global: limit.global === true, scope },
        };
      }
    }

    if (!input.exemptFromGlobal) {
      if (now >= this.global.resetAt) this.global = { resetAt: now + 1000, count: 0 };
      if (this.global.count >= this.globalPerSecond) {
        return {
          headers: {},
          limited: { retryAfterSeconds: (this.global.resetAt - now) / 1000, global: true, scope: "global" },
        };
      }
      this.global.count += 1;
    }

    if (window.count >= this.policy.limit) {
      return {
        headers: headers(0, window.resetAt),
        limited: { retryAfterSeconds: (window.resetAt - now) / 1000, global: false, scope: "user" },
      };
    }
    window.count += 1;
    return { headers: headers(this.policy.limit - window.count, window.resetAt), limited: null };
  }
}

/** The headers and body of a 429, as in the docs' examples (Retry-After whole seconds, rounded up). */
export function rateLimitedResponse(answer: RateLimitedAnswer): { headers: Record<string, string>; body: unknown } {
  return {
    headers: {
      "Retry-After": String(Math.ceil(answer.retryAfterSeconds)),
      "X-RateLimit-Scope": answer.scope,
      ...(answer.global ? { "X-RateLimit-Global": "true" } : {}),
    },
    body: {
      message: answer.scope === "shared" ? "The resource is being rate limited." : "You are being rate limited.",
      retry_after: Number(answer.retryAfterSeconds.toFixed(3)),
      global: answer.global,
    },
  };
}
