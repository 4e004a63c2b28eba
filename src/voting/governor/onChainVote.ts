import { type Address, decodeFunctionData, type Hex, parseAbi } from "viem";
import type { GovernorFlavor } from "../../sources/governor/bravoGovernor.js";
import type { ChainClient } from "../../sources/governor/chainClient.js";
import { ChainRangeTooLargeError } from "../../sources/governor/chainErrors.js";
import { GOVERNOR_STATES, governorAbi, governorBravoAbi } from "../../sources/governor/governorAbi.js";
import { bravoHasVoted, bravoWeight } from "./bravoBallot.js";
import { supportAndParams } from "./governorBallot.js";
import type { GovernorBallot } from "./governorCaster.js";

// What the chain already says about one voter on one proposal, read before every send and every retry: whether a
// vote is counted, which transaction carried it (the VoteCast log), what became of a transaction an earlier attempt
// sent, and the voting power that reached the voter at the proposal's timepoint.
// @see https://docs.openzeppelin.com/contracts/5.x/api/governance#IGovernor-VoteCast-address-uint256-uint8-uint256-string-

/** OZ Governor and GovernorBravo emit VoteCast with the same signature; OZ emits VoteCastWithParams for params. */
const voteEventsAbi = parseAbi([
  "event VoteCast(address indexed voter, uint256 proposalId, uint8 support, uint256 weight, string reason)",
  "event VoteCastWithParams(address indexed voter, uint256 proposalId, uint8 support, uint256 weight, string reason, bytes params)",
]);

/** One Governor proposal on one chain. */
export interface GovernorTarget {
  chain: ChainClient;
  governor: Address;
  proposalId: bigint;
  flavor: GovernorFlavor;
}

/**
 * Whether `voter` has a vote counted: Bravo's receipt, `usedVotes` for a split (GovernorCountingFractional counts
 * parts), `hasVoted` otherwise.
 */
export async function hasVoteCounted(t: GovernorTarget, voter: Address, ballot: GovernorBallot): Promise<boolean> {
  if (t.flavor === "bravo") return bravoHasVoted(t.chain, t.governor, t.proposalId, voter);
  if (ballot.kind === "fractional") {
    const used = await t.chain.call(`usedVotes(${t.proposalId})`, (c) =>
      c.readContract({ address: t.governor, abi: governorAbi, functionName: "usedVotes", args: [t.proposalId, voter] }),
    );
    return used > 0n;
  }
  return t.chain.call(`hasVoted(${t.proposalId})`, (c) =>
    c.readContract({ address: t.governor, abi: governorAbi, functionName: "hasVoted", args: [t.proposalId, voter] }),
  );
}

/** The proposal's state name (OZ and Bravo share the enum's order). */
export async function proposalState(t: GovernorTarget): Promise<string> {
  const index = await t.chain.call(`state(${t.proposalId})`, (c) =>
    c.readContract({ address: t.governor, abi: governorAbi, functionName: "state", args: [t.proposalId] }),
  );
  return GOVERNOR_STATES[index] ?? `state ${index}`;
}

/**
 * The voting power that reaches `voter` for this proposal, as the Governor counts it: OZ's `getVotes(voter,
 * proposalSnapshot)` (the token's getPastVotes through the Governor's clock), Bravo's weight at its startBlock.
 */
export async function votingPowerAt(
  t: GovernorTarget,
  voter: Address,
  storedTimepoint: string | null,
): Promise<{ timepoint: bigint; power: bigint }> {
  if (t.flavor === "bravo") {
    const { snapshot, weight } = await bravoWeight(t.chain, t.governor, t.proposalId, voter);
    return { timepoint: snapshot, power: weight };
  }
  const timepoint =
    storedTimepoint !== null && /^\d+$/.test(storedTimepoint)
      ? BigInt(storedTimepoint)
      : await t.chain.call(`proposalSnapshot(${t.proposalId})`, (c) =>
          c.readContract({
            address: t.governor,
            abi: governorAbi,
            functionName: "proposalSnapshot",
            args: [t.proposalId],
          }),
        );
  const power = await t.chain.call(`getVotes(${timepoint})`, (c) =>
    c.readContract({ address: t.governor, abi: governorAbi, functionName: "getVotes", args: [voter, timepoint] }),
  );
  return { timepoint, power };
}

/** What became of a transaction: mined (with its status), still waiting in a mempool, or unknown to the node. */
export type TransactionFate =
  | { kind: "mined"; success: boolean; blockNumber: bigint }
  | { kind: "pending" }
  | { kind: "unknown" };

/** Looks a transaction up by hash: its receipt first, then the mempool. */
export async function transactionFate(chain: ChainClient, hash: Hex): Promise<TransactionFate> {
  const receipt = await chain.call("eth_getTransactionReceipt", (c) =>
    c.getTransactionReceipt({ hash }).catch((error: unknown) => {
      // viem throws TransactionReceiptNotFoundError for "no receipt yet": an answer, not a failure.
      if (error instanceof Error && error.name === "TransactionReceiptNotFoundError") return null;
      throw error;
    }),
  );
  if (receipt) return { kind: "mined", success: receipt.status === "success", blockNumber: receipt.blockNumber };
  const transaction = await chain.call("eth_getTransactionByHash", (c) =>
    c.getTransaction({ hash }).catch((error: unknown) => {
      if (error instanceof Error && error.name === "TransactionNotFoundError") return null;
      throw error;
    }),
  );
  return transaction ? { kind: "pending" } : { kind: "unknown" };
}

/** Whether `sender` has transactions the chain has not mined yet (its pending nonce is ahead of its mined one). */
export async function hasUnminedTransactions(chain: ChainClient, sender: Address): Promise<boolean> {
  const [mined, pending] = await Promise.all([
    chain.call("eth_getTransactionCount", (c) => c.getTransactionCount({ address: sender, blockTag: "latest" })),
    chain.call("eth_getTransactionCount", (c) => c.getTransactionCount({ address: sender, blockTag: "pending" })),
  ]);
  return pending > mined;
}

/** A vote found in the Governor's logs. */
export interface FoundVote {
  txHash: Hex;
  blockNumber: bigint;
  support: number;
  params: Hex;
  /** The Governor function the transaction called, when it called the Governor directly. */
  method: string | null;
}

/**
 * Finds `voter`'s vote on the proposal in the Governor's VoteCast logs, newest blocks first, from `fromBlock` to the
 * head in steps of `range` blocks (halved when the endpoint refuses a range). Null when no log names it.
 */
export async function findVoteCast(
  t: GovernorTarget,
  voter: Address,
  fromBlock: bigint,
  range: bigint,
): Promise<FoundVote | null> {
  const head = await t.chain.head();
  let step = range > 0n ? range : 1n;
  let to = head;
  while (to >= fromBlock) {
    const from = to - step + 1n > fromBlock ? to - step + 1n : fromBlock;
    let found: { txHash: Hex; blockNumber: bigint; support: number; params: Hex }[];
    try {
      found = await voteLogs(t, voter, from, to);
    } catch (error) {
      if (error instanceof ChainRangeTooLargeError && step > 1n) {
        step /= 2n;
        continue;
      }
      throw error;
    }
    const last = found.at(-1);
    if (last) return { ...last, method: await methodOf(t.chain, last.txHash) };
    to = from - 1n;
  }
  return null;
}

async function voteLogs(t: GovernorTarget, voter: Address, fromBlock: bigint, toBlock: bigint) {
  const [plain, withParams] = await Promise.all(
    (["VoteCast", "VoteCastWithParams"] as const).map((name) =>
      t.chain.call(`eth_getLogs(${name}, ${fromBlock}..${toBlock})`, async (c) => {
        const event = voteEventsAbi.find((e) => e.name === name) as (typeof voteEventsAbi)[number];
        const logs = await c.getLogs({ address: t.governor, event, args: { voter }, fromBlock, toBlock, strict: true });
        return logs
          .filter((log) => !log.removed && log.args.proposalId === t.proposalId && log.transactionHash)
          .map((log) => ({
            txHash: log.transactionHash as Hex,
            blockNumber: log.blockNumber ?? 0n,
            logIndex: log.logIndex ?? 0,
            support: Number(log.args.support),
            params: ("params" in log.args ? log.args.params : "0x") as Hex,
          }));
      }),
    ),
  );
  return [...(plain ?? []), ...(withParams ?? [])].sort((a, b) =>
    a.blockNumber === b.blockNumber ? a.logIndex - b.logIndex : a.blockNumber < b.blockNumber ? -1 : 1,
  );
}

/** Whether a found vote is exactly this ballot: the same support, and for a split the same three amounts. */
export function sameBallot(found: { support: number; params: Hex }, ballot: GovernorBallot): boolean {
  const expected = supportAndParams(ballot);
  return found.support === expected.support && found.params.toLowerCase() === expected.params.toLowerCase();
}

/** The Governor function a transaction called (null: it went through another contract, a multisig or a relayer). */
export async function methodOf(chain: ChainClient, hash: Hex): Promise<string | null> {
  const transaction = await chain.call("eth_getTransactionByHash", (c) => c.getTransaction({ hash }));
  return decodeGovernorCall(transaction.input)?.function ?? null;
}

/** A Governor call's function and arguments from its calldata; null when it is not one of theirs. */
export function decodeGovernorCall(data: Hex): { function: string; args: readonly unknown[] } | null {
  for (const abi of [governorAbi, governorBravoAbi]) {
    try {
      const decoded = decodeFunctionData({ abi, data });
      return { function: decoded.functionName, args: decoded.args ?? [] };
    } catch {
      // Not a call of this ABI: try the other family, then give up on naming it.
    }
  }
  return null;
}
