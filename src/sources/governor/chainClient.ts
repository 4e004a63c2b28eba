import { createPublicClient, http, type PublicClient, type Transport } from "viem";
import { z } from "zod";
import { realSleep, type Sleep } from "../snapshot/rateLimiter.js";
import { defaultRetryPolicy, type RetryPolicy, retryTransient } from "../snapshot/transientRetry.js";
import { ChainInvalidAnswerError, ChainRateLimitedError, toChainError } from "./chainErrors.js";

export interface ChainClientOptions {
  chainId: number;
  /** The chain's JSON-RPC endpoint (RPC_URL_<chainId>). */
  url?: string;
  /** Instead of `url`: a ready viem transport (an in-process node). It must not retry by itself. */
  transport?: Transport;
  /** Per request (default 15 s). */
  timeoutMs?: number;
  retry?: RetryPolicy;
  sleep?: Sleep;
  /** Called for every HTTP request sent (counting, logging). */
  onRequest?: () => void;
}

/** A block as the reader needs it. */
export interface BlockInfo {
  number: bigint;
  hash: `0x${string}`;
  timestamp: bigint;
}

/** One chain's JSON-RPC endpoint: every call with a timeout, bounded retries of transient failures, typed errors. */
export interface ChainClient {
  readonly chainId: number;
  /** The viem client underneath, for what the reader does not wrap (the caster's sends and receipts). */
  readonly viem: PublicClient;
  readonly transport: Transport;
  /** Runs `run` against the endpoint as one retried, typed operation. */
  call<T>(operation: string, run: (client: PublicClient) => Promise<T>, signal?: AbortSignal): Promise<T>;
  /** The latest block number. */
  head(signal?: AbortSignal): Promise<bigint>;
  block(number: bigint, signal?: AbortSignal): Promise<BlockInfo>;
}

const blockSchema = z.object({
  number: z.bigint().nonnegative(),
  hash: z.string().regex(/^0x[0-9a-fA-F]{64}$/),
  timestamp: z.bigint().nonnegative(),
});

/** Builds the client; the endpoint's chain id is checked on first use, so a URL for the wrong chain is refused. */
export function createChainClient(options: ChainClientOptions): ChainClient {
  const { chainId } = options;
  const timeout = options.timeoutMs ?? 15_000;
  const transport =
    options.transport ??
    http(options.url, {
      timeout,
      // Retries are ours (typed, bounded, only for transient failures); viem's own would hide them.
      retryCount: 0,
      // Calls made together (a proposal's state, snapshot, deadline and votes) go in one HTTP request.
      batch: { batchSize: 50, wait: 0 },
      onFetchRequest: options.onRequest ? () => options.onRequest?.() : undefined,
    });
  const viem = createPublicClient({ transport, cacheTime: 0 });
  const policy = options.retry ?? defaultRetryPolicy;
  const sleep = options.sleep ?? realSleep;
  let checked: Promise<void> | null = null;

  async function attempt<T>(operation: string, run: (client: PublicClient) => Promise<T>, signal?: AbortSignal) {
    return retryTransient(
      async () => {
        try {
          return await run(viem);
        } catch (error) {
          throw toChainError(error, chainId, operation);
        }
      },
      (error) => {
        const typed = toChainError(error, chainId, operation);
        if (!typed.transient) return { retry: false };
        return { retry: true, afterMs: typed instanceof ChainRateLimitedError ? typed.retryAfterMs : null };
      },
      policy,
      { sleep, signal },
    );
  }

  async function checkChain(signal?: AbortSignal): Promise<void> {
    const actual = await attempt("eth_chainId", (c) => c.getChainId(), signal);
    if (actual !== chainId) {
      throw new ChainInvalidAnswerError(chainId, "eth_chainId", `the endpoint serves chain ${actual}`);
    }
  }

  const client: ChainClient = {
    chainId,
    viem,
    transport,
    async call(operation, run, signal) {
      checked ??= checkChain(signal).catch((error: unknown) => {
        checked = null;
        throw error;
      });
      await checked;
      return attempt(operation, run, signal);
    },
    head(signal) {
      return client.call("eth_blockNumber", (c) => c.getBlockNumber({ cacheTime: 0 }), signal);
    },
    async block(number, signal) {
      const block = await client.call("eth_getBlockByNumber", (c) => c.getBlock({ blockNumber: number }), signal);
      const parsed = blockSchema.safeParse(block);
      if (!parsed.success) {
        throw new ChainInvalidAnswerError(chainId, "eth_getBlockByNumber", z.prettifyError(parsed.error));
      }
      return { ...parsed.data, hash: parsed.data.hash as `0x${string}` };
    },
  };
  return client;
}
