import {
  BaseError,
  ContractFunctionRevertedError,
  HttpRequestError,
  LimitExceededRpcError,
  RpcRequestError,
  TimeoutError,
} from "viem";
import { TribuneError } from "../../errors/tribuneError.js";
import { parseRetryAfter } from "../snapshot/transientRetry.js";

// One class per way a JSON-RPC call can fail, so the reader can act on the kind: wait and retry (transient), split
// the block range (range too large), or stop and report (everything else). `transient` says whether it was retried.

/** Any failure of a call to a chain's JSON-RPC endpoint; `operation` names what was asked. */
export abstract class ChainError extends TribuneError {
  abstract readonly transient: boolean;
  constructor(
    code: string,
    readonly chainId: number,
    readonly operation: string,
    message: string,
    hint: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, hint, options);
  }
}

/** The endpoint did not answer within the timeout. */
export class ChainTimeoutError extends ChainError {
  readonly transient = true;
  constructor(chainId: number, operation: string, options?: { cause?: unknown }) {
    super(
      "governor.rpc_timeout",
      chainId,
      operation,
      `Chain ${chainId}'s RPC endpoint did not answer ${operation} in time`,
      "Tribune retries on the next poll; if it keeps happening, check the RPC provider or raise the timeout",
      options,
    );
  }
}

/** The endpoint is down or failing (5xx, connection refused, an internal JSON-RPC error). */
export class ChainUnavailableError extends ChainError {
  readonly transient = true;
  constructor(chainId: number, operation: string, detail: string, options?: { cause?: unknown }) {
    super(
      "governor.rpc_unavailable",
      chainId,
      operation,
      `Chain ${chainId}'s RPC endpoint failed ${operation}: ${detail}`,
      "Tribune retries on the next poll from the same block; nothing is lost while the endpoint is down",
      options,
    );
  }
}

/** HTTP 429 or a JSON-RPC rate-limit error. */
export class ChainRateLimitedError extends ChainError {
  readonly transient = true;
  constructor(
    chainId: number,
    operation: string,
    readonly retryAfterMs: number | null,
    options?: { cause?: unknown },
  ) {
    super(
      "governor.rpc_rate_limited",
      chainId,
      operation,
      `Chain ${chainId}'s RPC endpoint refused ${operation}: too many requests`,
      "Poll less often (GOVERNOR_POLL_SECONDS), lower GOVERNOR_BLOCK_RANGE, or use an endpoint with a higher limit",
      options,
    );
  }
}

/** eth_getLogs over a range (or with a result) larger than the provider allows: the reader halves the range. */
export class ChainRangeTooLargeError extends ChainError {
  readonly transient = false;
  constructor(chainId: number, operation: string, detail: string, options?: { cause?: unknown }) {
    super(
      "governor.rpc_range_too_large",
      chainId,
      operation,
      `Chain ${chainId}'s RPC endpoint refused ${operation} as too large: ${detail}`,
      "Tribune splits the block range by itself; lower GOVERNOR_BLOCK_RANGE to avoid the round trips",
      options,
    );
  }
}

/** A contract call reverted (a Governor without `quorum`, a proposal the contract does not know). */
export class ChainCallRevertedError extends ChainError {
  readonly transient = false;
  constructor(
    chainId: number,
    operation: string,
    /** The custom error's name (e.g. "GovernorNonexistentProposal") or the revert reason, when the node gave one. */
    readonly reason: string | null,
    options?: { cause?: unknown },
  ) {
    super(
      "governor.call_reverted",
      chainId,
      operation,
      `${operation} reverted on chain ${chainId}${reason ? `: ${reason}` : ""}`,
      "Check that the configured address is a Governor on that chain",
      options,
    );
  }
}

/** The endpoint answered something that is not what was asked for (wrong shape, refused request, wrong chain). */
export class ChainInvalidAnswerError extends ChainError {
  readonly transient = false;
  constructor(chainId: number, operation: string, detail: string, options?: { cause?: unknown }) {
    super(
      "governor.rpc_invalid_answer",
      chainId,
      operation,
      `Chain ${chainId}'s RPC endpoint gave an unusable answer to ${operation}: ${detail}`,
      "Nothing was written; Tribune reads the same blocks again on the next poll",
      options,
    );
  }
}

// Providers word "range too large" differently; these are the wordings of the common ones (geth, Alchemy, Infura,
// QuickNode, Ankr, publicnode) and of the JSON-RPC "limit exceeded" code.
// @see https://eips.ethereum.org/EIPS/eip-1474#error-codes
const RANGE_WORDS =
  /block range|range (is )?too (large|wide)|too many (blocks|results)|more than \d+ results|exceeds? (the )?max|limit exceeded|response size|query timeout|log response size/i;
const RATE_WORDS = /rate limit|too many requests|exceeded .*capacity|throughput/i;

/** Maps whatever viem threw to one typed chain error (already typed errors pass through). */
export function toChainError(error: unknown, chainId: number, operation: string): ChainError {
  if (error instanceof ChainError) return error;
  if (!(error instanceof BaseError)) {
    const detail = error instanceof Error ? error.message : String(error);
    return new ChainUnavailableError(chainId, operation, detail, { cause: error });
  }
  const options = { cause: error };
  const reverted = error.walk((e) => e instanceof ContractFunctionRevertedError);
  if (reverted instanceof ContractFunctionRevertedError) {
    // require(…, "message") reverts as Error(string): its message says more than the name "Error".
    const name = reverted.data?.errorName;
    const reason = (name === "Error" ? reverted.reason : null) ?? name ?? reverted.reason ?? null;
    return new ChainCallRevertedError(chainId, operation, reason, options);
  }
  if (error.walk((e) => e instanceof TimeoutError)) return new ChainTimeoutError(chainId, operation, options);
  const http = error.walk((e) => e instanceof HttpRequestError);
  const text = `${error.shortMessage} ${error.details ?? ""}`;
  if (http instanceof HttpRequestError && http.status !== undefined) {
    if (http.status === 429) return new ChainRateLimitedError(chainId, operation, retryAfter(http), options);
    if (http.status >= 500) return new ChainUnavailableError(chainId, operation, `HTTP ${http.status}`, options);
    if (http.status === 413 || RANGE_WORDS.test(text)) {
      return new ChainRangeTooLargeError(chainId, operation, `HTTP ${http.status}`, options);
    }
    return new ChainInvalidAnswerError(chainId, operation, `HTTP ${http.status}: ${error.shortMessage}`, options);
  }
  if (RATE_WORDS.test(text)) return new ChainRateLimitedError(chainId, operation, null, options);
  if (error.walk((e) => e instanceof LimitExceededRpcError) || RANGE_WORDS.test(text)) {
    return new ChainRangeTooLargeError(chainId, operation, error.details || error.shortMessage, options);
  }
  const rpc = error.walk((e) => e instanceof RpcRequestError);
  if (rpc instanceof RpcRequestError) {
    // -32603 internal error and -32000 "header not found" on a node still syncing a block pass; others are refusals.
    const transient = rpc.code === -32603 || rpc.code === -32000 || rpc.code === -32002;
    return transient
      ? new ChainUnavailableError(chainId, operation, `${rpc.code}: ${rpc.details || rpc.shortMessage}`, options)
      : new ChainInvalidAnswerError(chainId, operation, `${rpc.code}: ${rpc.details || rpc.shortMessage}`, options);
  }
  if (http instanceof HttpRequestError) {
    return new ChainUnavailableError(chainId, operation, error.details || error.shortMessage, options);
  }
  return new ChainInvalidAnswerError(chainId, operation, error.shortMessage, options);
}

function retryAfter(error: HttpRequestError): number | null {
  return parseRetryAfter(error.headers?.get("retry-after"), Date.now());
}
