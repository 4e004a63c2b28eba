import { ClientError, GraphQLClient } from "graphql-request";
import type { Secret } from "../../config/secret.js";
import {
  HubAuthError,
  HubError,
  HubInvalidAnswerError,
  HubLimitExceededError,
  HubMalformedResponseError,
  HubPartialAnswerError,
  HubQueryRejectedError,
  HubRateLimitedError,
  HubTimeoutError,
  HubUnavailableError,
} from "./hubErrors.js";
import type { HubRequest } from "./hubRequest.js";
import { createRateLimiter, type RateLimiter, realSleep, type Sleep } from "./rateLimiter.js";
import { defaultRetryPolicy, parseRetryAfter, type RetryPolicy, retryTransient } from "./transientRetry.js";

export interface HubClientOptions {
  /** The hub's GraphQL endpoint (SNAPSHOT_HUB_URL). */
  url: string;
  /** Sent as `x-api-key`; raises the hub's rate limit. */
  apiKey?: Secret;
  /** Per request, retries excluded. */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Shared by every caller of this client; defaults to 60 requests per minute (the hub's documented keyless limit). */
  rateLimiter?: RateLimiter;
  fetch?: typeof fetch;
  sleep?: Sleep;
  now?: () => number;
  /** Called once per HTTP request actually sent (for metrics and benchmarks). */
  onRequestSent?: (operation: string) => void;
}

/** The Snapshot hub's GraphQL API: every answer validated, every failure a {@link HubError}. */
export interface HubClient {
  send<T>(request: HubRequest<T>, signal?: AbortSignal): Promise<T>;
}

/** How long to wait after a 429 that carries no Retry-After. */
const DEFAULT_RATE_LIMIT_WAIT_MS = 60_000;
// The hub's argument caps (checkLimits) and depth limit (graphql-depth-limit) word their errors so; its query-count
// rule's wording is not pinned down, so a too-wide query surfaces as a rejected query, which is handled the same way.
const LIMIT_MESSAGE = /must not be greater than|must be positive|exceeds maximum operation depth/i;

/**
 * Builds the hub client on graphql-request. One request = one rate-limit token, one timeout, and retries only for
 * timeouts, 5xx, 429 (after the hub's Retry-After) and dropped connections.
 * @see https://docs.snapshot.box/tools/api
 */
export function createHubClient(options: HubClientOptions): HubClient {
  const policy = { ...defaultRetryPolicy, ...options.retry };
  const timeoutMs = options.timeoutMs ?? 10_000;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? realSleep;
  const limiter = options.rateLimiter ?? createRateLimiter({ requests: 60, now, sleep });
  const baseFetch = options.fetch ?? globalThis.fetch;

  async function attempt<T>(request: HubRequest<T>, signal: AbortSignal | undefined): Promise<T> {
    await limiter.acquire(signal);
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new HubTimeoutError(request.operation, timeoutMs)), timeoutMs);
    const onOuterAbort = () => controller.abort(signal?.reason);
    signal?.addEventListener("abort", onOuterAbort, { once: true });
    // Whether the hub answered at all separates "no connection" (transient) from "an answer we cannot read".
    let answered = false;
    const client = new GraphQLClient(options.url, {
      headers: options.apiKey ? { "x-api-key": options.apiKey.reveal() } : {},
      errorPolicy: "all",
      fetch: async (input, init) => {
        options.onRequestSent?.(request.operation);
        const response = await baseFetch(input, init);
        answered = true;
        return response;
      },
    });
    try {
      const response = await client.rawRequest<unknown>({
        query: request.document,
        variables: request.variables,
        signal: controller.signal,
      });
      return validate(request, response.data, response.errors ?? []);
    } catch (error) {
      if (error instanceof HubError) throw error;
      if (controller.signal.aborted) {
        if (controller.signal.reason instanceof HubTimeoutError) throw controller.signal.reason;
        throw signal?.reason ?? error;
      }
      if (error instanceof ClientError) throw fromHttpStatus(request.operation, error, now());
      if (answered) throw new HubMalformedResponseError(request.operation, describe(error), { cause: error });
      throw new HubUnavailableError(request.operation, null, describe(error), { cause: error });
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onOuterAbort);
    }
  }

  return {
    send(request, signal) {
      return retryTransient(
        () => attempt(request, signal),
        (error) => {
          if (!(error instanceof HubError) || !error.transient) return { retry: false };
          if (error instanceof HubRateLimitedError) return { retry: true, afterMs: error.retryAfterMs };
          return { retry: true, afterMs: null };
        },
        policy,
        { sleep, signal },
      ).catch((error: unknown) => {
        // A 429 we did not wait out still holds the limiter, so no other caller hammers the hub meanwhile.
        if (error instanceof HubRateLimitedError) limiter.holdUntil(now() + error.retryAfterMs);
        throw error;
      });
    },
  };

  function validate<T>(request: HubRequest<T>, data: unknown, errors: readonly { message?: string }[]): T {
    const messages = errors.map((e) => String(e.message ?? "unknown error"));
    if (messages.length > 0) {
      if (messages.some((m) => LIMIT_MESSAGE.test(m))) throw new HubLimitExceededError(request.operation, messages);
      const fields = data && typeof data === "object" ? Object.entries(data) : [];
      const failed = fields.filter(([, value]) => value === null).map(([key]) => key);
      if (fields.length > failed.length) throw new HubPartialAnswerError(request.operation, failed, messages);
      throw new HubQueryRejectedError(request.operation, 200, messages);
    }
    const parsed = request.answer.safeParse(data);
    if (!parsed.success) {
      const issues = parsed.error.issues
        .slice(0, 5)
        .map((issue) => `${issue.path.join(".") || "data"}: ${issue.message}`)
        .join("; ");
      throw new HubInvalidAnswerError(request.operation, issues);
    }
    return parsed.data;
  }
}

function fromHttpStatus(operation: string, error: ClientError, nowMs: number): HubError {
  const { status, headers, body } = error.response;
  const messages = (error.response.errors ?? []).map((e) => String(e.message));
  if (messages.some((m) => LIMIT_MESSAGE.test(m))) return new HubLimitExceededError(operation, messages);
  if (status === 429) {
    const wait = parseRetryAfter(headers?.get("retry-after"), nowMs) ?? DEFAULT_RATE_LIMIT_WAIT_MS;
    return new HubRateLimitedError(operation, wait);
  }
  if (status === 401 || status === 403) return new HubAuthError(operation, errorDescription(body) ?? `HTTP ${status}`);
  if (status >= 500) return new HubUnavailableError(operation, status, messages[0] ?? errorDescription(body) ?? "");
  return new HubQueryRejectedError(operation, status, messages.length > 0 ? messages : [errorDescription(body) ?? ""]);
}

/** The hub's non-GraphQL errors are `{error, error_description}`; reads the description if that is what came back. */
function errorDescription(body: string | undefined): string | undefined {
  if (!body) return undefined;
  try {
    const parsed = JSON.parse(body) as { error_description?: unknown };
    return typeof parsed.error_description === "string" ? parsed.error_description : body.slice(0, 200);
  } catch {
    // Not JSON: the body itself (trimmed) is the best description there is.
    return body.slice(0, 200);
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ? `${error.message} (${cause.code})` : error.message.slice(0, 300);
}
