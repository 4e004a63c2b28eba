import { TribuneError } from "../errors/tribuneError.js";

/** A read that took longer than its budget; the read itself may still finish later (its result is then cached). */
export class ReadTimeoutError extends TribuneError {
  constructor(what: string, timeoutMs: number) {
    super(
      "metrics.read_timeout",
      `${what} did not answer within ${timeoutMs} ms`,
      "Check that the database answers (see /readyz); the figure returns once it does",
    );
  }
}

export interface CachedReadOptions {
  /** What is read, for the timeout's message, e.g. "the casts query". */
  what: string;
  /** How long an answer is reused: a scrape storm costs one query per family per `ttlMs`. */
  ttlMs: number;
  /** How long a caller waits for an answer before giving up with `ReadTimeoutError`. */
  timeoutMs: number;
  now?: () => number;
}

/**
 * Wraps `read` so callers within `ttlMs` of the last answer get it again, and callers while a read is in flight
 * share it: a hung database holds at most one query per family, however often Prometheus or a probe asks.
 */
export function cachedRead<T>(read: () => Promise<T>, options: CachedReadOptions): () => Promise<T> {
  const now = options.now ?? Date.now;
  let answer: { value: T; at: number } | null = null;
  let inFlight: Promise<T> | null = null;

  const start = (): Promise<T> => {
    const started = read().then((value) => {
      answer = { value, at: now() };
      return value;
    });
    inFlight = started;
    // Cleared whichever way it ends, so the next caller after a failure tries again.
    started.then(
      () => {
        if (inFlight === started) inFlight = null;
      },
      () => {
        if (inFlight === started) inFlight = null;
      },
    );
    return started;
  };

  return () => {
    if (answer && now() - answer.at < options.ttlMs) return Promise.resolve(answer.value);
    return withTimeout(inFlight ?? start(), options.timeoutMs, options.what);
  };
}

/** Resolves or rejects as `promise` does, or rejects with `ReadTimeoutError` after `timeoutMs`. */
export function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ReadTimeoutError(what, timeoutMs)), timeoutMs);
    timer.unref();
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}
