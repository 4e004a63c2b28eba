import type { Hex } from "viem";

// `Cast.receipt` of a Governor vote on chain: what the thread's receipt and the audit log show.

/** The receipt of a vote carried by a transaction; `url` when the chain's explorer is known. */
export function chainReceipt(input: {
  chainId: number;
  txHash: Hex;
  blockNumber: bigint;
  method: string | null;
  explorer: string | null;
  extra?: Record<string, unknown>;
}) {
  return {
    source: "chain",
    chainId: input.chainId,
    txHash: input.txHash,
    blockNumber: input.blockNumber.toString(),
    method: input.method,
    ...(input.explorer ? { url: `${input.explorer.replace(/\/$/, "")}/tx/${input.txHash}` } : {}),
    ...input.extra,
  };
}
