import { type Address, type Hex, keccak256, parseTransaction, type Transport } from "viem";
import type { ChainClient } from "../../sources/governor/chainClient.js";

// The casting outbox must know a vote's transaction hash before the transaction can land, so that a worker dying at
// any moment leaves a row that names it: the next attempt looks the hash up instead of sending again. A signed
// transaction's hash is the keccak-256 of its serialized bytes, known before it is broadcast, so this wraps the chain
// client's transport and hands every `eth_sendRawTransaction` to `record` first; the transaction goes out only once
// `record` has returned, and not at all if it throws. The caster itself is unchanged: it sends through the transport.
// @see https://ethereum.org/en/developers/docs/apis/json-rpc/#eth_sendrawtransaction

/** A transaction about to be broadcast. */
export interface OutgoingTransaction {
  hash: Hex;
  to: Address | null;
  nonce: number | null;
  data: Hex | null;
}

/** A copy of `chain` whose sends are recorded (by `record`) before they are broadcast. */
export function recordBeforeBroadcast(
  chain: ChainClient,
  record: (transaction: OutgoingTransaction) => Promise<void>,
): ChainClient {
  const inner = chain.transport;
  const transport: Transport = (parameters) => {
    const built = inner(parameters);
    const request = (async (args: { method: string; params?: unknown }, options?: unknown) => {
      if (args.method === "eth_sendRawTransaction") {
        const raw = (args.params as readonly [Hex])[0];
        const parsed = parseTransaction(raw);
        await record({
          hash: keccak256(raw),
          to: parsed.to ?? null,
          nonce: parsed.nonce ?? null,
          data: parsed.data ?? null,
        });
      }
      return (built.request as (a: unknown, o?: unknown) => Promise<unknown>)(args, options);
    }) as typeof built.request;
    return { ...built, request };
  };
  return { ...chain, transport };
}
