import { z } from "zod";
import { intVar } from "./envFields.js";

// How the Governor watcher reads the chains. Which Governors and which RPC endpoints are sources' variables
// (GOVERNORS, RPC_URL_<chainId>, TALLY_API_KEY); these say how far behind the head, in what steps and how often.

/** The Governor watcher's pacing. */
export type GovernorConfig = {
  /** `GOVERNOR_CONFIRMATIONS`: blocks behind the head that are read, so a reorg shallower than this is never seen. */
  readonly confirmations: number;
  /** `GOVERNOR_BLOCK_RANGE`: blocks per eth_getLogs request (halved by itself when an endpoint refuses a range). */
  readonly blockRange: number;
  /** `GOVERNOR_POLL_SECONDS`: how often the chains are polled. */
  readonly pollSeconds: number;
  /** `GOVERNOR_LOOKBACK_BLOCKS`: how far back a Governor seen for the first time is read. */
  readonly lookbackBlocks: number;
  /** `GOVERNOR_RPC_TIMEOUT_MS`: timeout per JSON-RPC request. */
  readonly rpcTimeoutMs: number;
};

/** Parses the Governor watcher's variables. */
export const governorSchema = z
  .object({
    GOVERNOR_CONFIRMATIONS: intVar({ min: 0, max: 10_000, fallback: 12 }),
    GOVERNOR_BLOCK_RANGE: intVar({ min: 1, max: 1_000_000, fallback: 2_000 }),
    GOVERNOR_POLL_SECONDS: intVar({ min: 1, max: 86_400, fallback: 60 }),
    GOVERNOR_LOOKBACK_BLOCKS: intVar({ min: 0, max: 100_000_000, fallback: 50_000 }),
    GOVERNOR_RPC_TIMEOUT_MS: intVar({ min: 100, max: 600_000, fallback: 15_000 }),
  })
  .transform(
    (env): GovernorConfig => ({
      confirmations: env.GOVERNOR_CONFIRMATIONS,
      blockRange: env.GOVERNOR_BLOCK_RANGE,
      pollSeconds: env.GOVERNOR_POLL_SECONDS,
      lookbackBlocks: env.GOVERNOR_LOOKBACK_BLOCKS,
      rpcTimeoutMs: env.GOVERNOR_RPC_TIMEOUT_MS,
    }),
  );
