import { TribuneError } from "../../errors/tribuneError.js";

// One class per way a call to the Snapshot hub can fail, so a caller can act on the kind (wait, fix the key, fix the
// query, try next poll) instead of parsing messages. `transient` says whether the client retried it.

/** Any failure of a hub call; `operation` names the query that failed. */
export abstract class HubError extends TribuneError {
  abstract readonly transient: boolean;
  readonly operation: string;

  constructor(code: string, operation: string, message: string, hint: string, options?: { cause?: unknown }) {
    super(code, message, hint, options);
    this.operation = operation;
  }
}

/** The hub did not answer within the request's timeout. */
export class HubTimeoutError extends HubError {
  readonly transient = true;
  constructor(
    operation: string,
    readonly timeoutMs: number,
  ) {
    super(
      "snapshot.hub_timeout",
      operation,
      `The Snapshot hub did not answer ${operation} within ${timeoutMs} ms`,
      "Tribune retries on the next poll; if it keeps happening, check the hub's status or raise the timeout",
    );
  }
}

/** The hub is down or failing: a 5xx answer (`status`) or no answer at all (`status` null: connection refused, reset). */
export class HubUnavailableError extends HubError {
  readonly transient = true;
  constructor(
    operation: string,
    readonly status: number | null,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(
      "snapshot.hub_unavailable",
      operation,
      `The Snapshot hub failed ${operation}${status === null ? "" : ` with HTTP ${status}`}: ${detail}`,
      "Tribune retries on the next poll; nothing is lost while the hub is down",
      options,
    );
  }
}

/** HTTP 429: over the hub's rate limit. `retryAfterMs` is the hub's own Retry-After, or a default when it gave none. */
export class HubRateLimitedError extends HubError {
  readonly transient = true;
  constructor(
    operation: string,
    readonly retryAfterMs: number,
  ) {
    super(
      "snapshot.hub_rate_limited",
      operation,
      `The Snapshot hub refused ${operation}: too many requests (retry after ${Math.ceil(retryAfterMs / 1000)} s)`,
      "Lower the request budget, poll less often, or set SNAPSHOT_API_KEY for a higher limit",
    );
  }
}

/** HTTP 401 `invalid api key`: the configured key is wrong or revoked. */
export class HubAuthError extends HubError {
  readonly transient = false;
  constructor(operation: string, detail: string) {
    super(
      "snapshot.hub_bad_key",
      operation,
      `The Snapshot hub rejected the API key (${detail})`,
      "Check SNAPSHOT_API_KEY, or unset it to use the hub without a key",
    );
  }
}

/** The hub refused the query itself (unknown field, wrong argument): a bug in Tribune's query, not a passing fault. */
export class HubQueryRejectedError extends HubError {
  readonly transient = false;
  constructor(
    operation: string,
    readonly status: number,
    readonly messages: readonly string[],
  ) {
    super(
      "snapshot.hub_query_rejected",
      operation,
      `The Snapshot hub rejected ${operation} (HTTP ${status}): ${messages.join("; ") || "no reason given"}`,
      "This is a bug in Tribune's query; report it with this message",
    );
  }
}

/** The query went over one of the hub's caps (`first`, `skip`, a `*_in` list, root fields, depth). */
export class HubLimitExceededError extends HubError {
  readonly transient = false;
  constructor(
    operation: string,
    readonly messages: readonly string[],
  ) {
    super(
      "snapshot.hub_limit_exceeded",
      operation,
      `${operation} went over a Snapshot hub limit: ${messages.join("; ")}`,
      "This is a bug in Tribune's batching; report it with this message",
    );
  }
}

/** The answer was not a GraphQL response at all (broken JSON, an HTML page, an empty body). */
export class HubMalformedResponseError extends HubError {
  readonly transient = false;
  constructor(operation: string, detail: string, options?: { cause?: unknown }) {
    super(
      "snapshot.hub_malformed",
      operation,
      `The Snapshot hub's answer to ${operation} is not a GraphQL response: ${detail}`,
      "Nothing was written; Tribune reads the same page again on the next poll",
      options,
    );
  }
}

/** The answer was GraphQL but not the shape asked for (a missing field, a wrong type). Nothing was written. */
export class HubInvalidAnswerError extends HubError {
  readonly transient = false;
  constructor(
    operation: string,
    readonly issues: string,
  ) {
    super(
      "snapshot.hub_invalid_answer",
      operation,
      `The Snapshot hub's answer to ${operation} does not have the expected shape: ${issues}`,
      "Nothing was written; Tribune reads the same page again on the next poll",
    );
  }
}

/** Some root fields answered and others failed: Tribune never writes half an answer. */
export class HubPartialAnswerError extends HubError {
  readonly transient = false;
  constructor(
    operation: string,
    readonly failedFields: readonly string[],
    readonly messages: readonly string[],
  ) {
    super(
      "snapshot.hub_partial_answer",
      operation,
      `The Snapshot hub answered ${operation} only in part (failed: ${failedFields.join(", ") || "?"}): ${messages.join("; ")}`,
      "Nothing was written; Tribune reads the same page again on the next poll",
    );
  }
}
