import { ClientError, GraphQLClient } from "graphql-request";
import { z } from "zod";
import type { Secret } from "../../config/secret.js";
import { realSleep, type Sleep } from "../snapshot/rateLimiter.js";
import { defaultRetryPolicy, parseRetryAfter, type RetryPolicy, retryTransient } from "../snapshot/transientRetry.js";
import {
  TallyAuthError,
  TallyError,
  TallyInvalidAnswerError,
  TallyQueryRejectedError,
  TallyRateLimitedError,
  TallyTimeoutError,
  TallyUnavailableError,
} from "./tallyErrors.js";
import { PROPOSALS_QUERY, proposalsPageSchema, type TallyProposal } from "./tallyProposal.js";

// Tally's GraphQL API: one `proposals` page per call, with the `Api-Key` header, a timeout, bounded retries of
// transient failures only (429 after its Retry-After, 5xx, timeouts) and a zod check of every answer.
// @see https://docs.tally.xyz/tally-features/tally-api

/** Tally's page size limit. */
export const TALLY_MAX_PAGE = 20;

export interface TallyClientOptions {
  /** TALLY_API_URL. */
  url: string;
  /** TALLY_API_KEY. */
  apiKey: Secret;
  /** Per request (default 15 s). */
  timeoutMs?: number;
  retry?: RetryPolicy;
  sleep?: Sleep;
  fetch?: typeof fetch;
}

export interface ProposalsPageRequest {
  /** CAIP-10: `eip155:<chainId>:<address>`. */
  governorId: string;
  /** At most 20. */
  limit?: number;
  afterCursor?: string | null;
  /** Newest first (sorted by Tally's id). */
  isDescending?: boolean;
}

export interface ProposalsPage {
  proposals: TallyProposal[];
  /** Where the next page starts; null at the end. */
  lastCursor: string | null;
}

/** Tally's API as the adapter uses it. */
export interface TallyClient {
  /** One page of a governor's proposals. @see https://apidocs.tally.xyz/#query-proposals */
  proposalsPage(request: ProposalsPageRequest, signal?: AbortSignal): Promise<ProposalsPage>;
}

/** The CAIP-10 account id Tally names a Governor by. @see https://chainagnostic.org/CAIPs/caip-10 */
export function tallyGovernorId(chainId: number, address: string): string {
  return `eip155:${chainId}:${address.toLowerCase()}`;
}

/** Builds the client; every call is checked, typed and bounded. */
export function createTallyClient(options: TallyClientOptions): TallyClient {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const baseFetch = options.fetch ?? fetch;
  const policy = options.retry ?? defaultRetryPolicy;
  const sleep = options.sleep ?? realSleep;

  async function once(operation: string, variables: Record<string, unknown>, signal?: AbortSignal) {
    const timeout = AbortSignal.timeout(timeoutMs);
    // HTTP failures are typed here, before graphql-request reads the body (a 429 page is not GraphQL).
    const guardedFetch: typeof fetch = async (input, init) => {
      let response: Response;
      try {
        response = await baseFetch(input, {
          ...init,
          signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
        });
      } catch (error) {
        if (timeout.aborted) throw new TallyTimeoutError(operation, { cause: error });
        if (signal?.aborted) throw error;
        throw new TallyUnavailableError(operation, error instanceof Error ? error.message : String(error), {
          cause: error,
        });
      }
      if (response.status === 429) {
        throw new TallyRateLimitedError(operation, parseRetryAfter(response.headers.get("retry-after"), Date.now()));
      }
      if (response.status === 401 || response.status === 403) throw new TallyAuthError(operation, response.status);
      if (response.status >= 500) throw new TallyUnavailableError(operation, `HTTP ${response.status}`);
      return response;
    };
    const client = new GraphQLClient(options.url, {
      fetch: guardedFetch,
      headers: { "Api-Key": options.apiKey.reveal() },
    });
    try {
      return await client.request<unknown>(PROPOSALS_QUERY, variables);
    } catch (error) {
      throw typed(error, operation);
    }
  }

  return {
    async proposalsPage(request, signal) {
      const limit = Math.min(TALLY_MAX_PAGE, Math.max(1, request.limit ?? TALLY_MAX_PAGE));
      const variables = {
        input: {
          filters: { governorId: request.governorId },
          page: { limit, ...(request.afterCursor ? { afterCursor: request.afterCursor } : {}) },
          sort: { sortBy: "id", isDescending: request.isDescending ?? true },
        },
      };
      const operation = `proposals(${request.governorId})`;
      const data = await retryTransient(
        () => once(operation, variables, signal),
        (error) =>
          error instanceof TallyError && error.transient
            ? { retry: true, afterMs: error instanceof TallyRateLimitedError ? error.retryAfterMs : null }
            : { retry: false },
        policy,
        { sleep, signal },
      );
      const parsed = proposalsPageSchema.safeParse(data);
      if (!parsed.success) throw new TallyInvalidAnswerError(operation, z.prettifyError(parsed.error));
      return {
        proposals: parsed.data.proposals.nodes.filter((n): n is TallyProposal => "id" in n),
        lastCursor: parsed.data.proposals.pageInfo.lastCursor,
      };
    },
  };
}

/** Whatever graphql-request threw, as one TallyError (ours, thrown in the fetch, may come back wrapped). */
function typed(error: unknown, operation: string): unknown {
  if (error instanceof TallyError) return error;
  if (error instanceof Error && error.cause instanceof TallyError) return error.cause;
  if (error instanceof ClientError) {
    const messages = (error.response.errors ?? []).map((e) => e.message).join("; ");
    if (messages) return new TallyQueryRejectedError(operation, messages, { cause: error });
    return new TallyInvalidAnswerError(operation, `HTTP ${error.response.status}`, { cause: error });
  }
  if (error instanceof Error && error.name === "AbortError") return error;
  // Not JSON, or not a GraphQL answer at all.
  return new TallyInvalidAnswerError(operation, error instanceof Error ? error.message : String(error), {
    cause: error,
  });
}
