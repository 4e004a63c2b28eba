import { TribuneError } from "../../errors/tribuneError.js";

// One class per way a Tally API call can fail; `transient` says whether the client retried it (bounded) and whether
// the next poll may do better.
// @see https://docs.tally.xyz/tally-features/tally-api

/** Any failure of a call to Tally's GraphQL API. */
export abstract class TallyError extends TribuneError {
  abstract readonly transient: boolean;
}

/** Tally did not answer within the timeout. */
export class TallyTimeoutError extends TallyError {
  readonly transient = true;
  constructor(
    readonly operation: string,
    options?: { cause?: unknown },
  ) {
    super(
      "tally.timeout",
      `Tally did not answer ${operation} in time`,
      "Tribune retries on the next poll; Tally may be slow or winding down",
      options,
    );
  }
}

/** Tally is down or failing (5xx, connection refused). */
export class TallyUnavailableError extends TallyError {
  readonly transient = true;
  constructor(
    readonly operation: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(
      "tally.unavailable",
      `Tally failed ${operation}: ${detail}`,
      "Tribune retries on the next poll; the chain reader (GOVERNORS) does not depend on Tally",
      options,
    );
  }
}

/** HTTP 429: the key's rate (about one request a second on a free key) is spent. */
export class TallyRateLimitedError extends TallyError {
  readonly transient = true;
  constructor(
    readonly operation: string,
    readonly retryAfterMs: number | null,
    options?: { cause?: unknown },
  ) {
    super(
      "tally.rate_limited",
      `Tally refused ${operation}: too many requests`,
      "Poll less often or use a key with a higher limit",
      options,
    );
  }
}

/** 401/403: the key is missing, wrong or revoked. */
export class TallyAuthError extends TallyError {
  readonly transient = false;
  constructor(
    readonly operation: string,
    status: number,
    options?: { cause?: unknown },
  ) {
    super(
      "tally.auth",
      `Tally refused TALLY_API_KEY for ${operation} (HTTP ${status})`,
      "Check TALLY_API_KEY, or unset it to turn the Tally adapter off",
      options,
    );
  }
}

/** Tally answered with GraphQL errors (a query it does not accept, an unknown governor id). */
export class TallyQueryRejectedError extends TallyError {
  readonly transient = false;
  constructor(
    readonly operation: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(
      "tally.query_rejected",
      `Tally rejected ${operation}: ${detail}`,
      "Check the governor id (eip155:<chainId>:<address>); Tally's schema may have changed",
      options,
    );
  }
}

/** Tally's answer does not have the expected shape: nothing of it is stored. */
export class TallyInvalidAnswerError extends TallyError {
  readonly transient = false;
  constructor(
    readonly operation: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(
      "tally.invalid_answer",
      `Tally's answer to ${operation} is not what Tribune expects: ${detail}`,
      "Nothing was stored; Tally's schema may have changed",
      options,
    );
  }
}
