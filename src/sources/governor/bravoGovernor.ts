import type { Address } from "viem";
import type { ChainClient } from "./chainClient.js";
import { ChainCallRevertedError } from "./chainErrors.js";
import { GOVERNOR_STATES, type GovernorState, governorAbi, governorBravoAbi } from "./governorAbi.js";

// Compound GovernorBravo keeps what OpenZeppelin spreads over proposalSnapshot, proposalDeadline and proposalVotes in
// one `proposals(id)` struct, has a constant quorumVotes() instead of quorum(timepoint), and refuses an unknown id with
// a revert string instead of GovernorNonexistentProposal. Its state enum has OpenZeppelin's order, its ids are
// sequential, and ProposalCreated has the same signature, so only these reads differ.
// @see https://github.com/compound-finance/compound-protocol/blob/master/contracts/Governance/GovernorBravoDelegate.sol

/** Which family a Governor belongs to: OpenZeppelin Governor (4.x/5.x) or Compound GovernorBravo. */
export type GovernorFlavor = "oz" | "bravo";

/** Bravo's `state()` refusal of an id it never issued (a reorged proposal, as GovernorNonexistentProposal is for OZ). */
const INVALID_ID = /invalid proposal id/i;

/** Whether a revert means "no such proposal" in either family. */
export function isUnknownProposal(error: unknown): boolean {
  return (
    error instanceof ChainCallRevertedError &&
    (error.reason === "GovernorNonexistentProposal" || INVALID_ID.test(error.reason ?? ""))
  );
}

/**
 * Tells the families apart by what only Bravo has: no COUNTING_MODE (EIP-6372/OZ), but proposalCount() and
 * quorumVotes(). OZ 4's GovernorCompatibilityBravo has COUNTING_MODE and proposalVotes, so it reads as OZ.
 */
export async function detectFlavor(
  client: ChainClient,
  address: Address,
  countingMode: string | null,
  signal?: AbortSignal,
): Promise<GovernorFlavor> {
  if (countingMode !== null) return "oz";
  try {
    await client.call(
      "proposalCount()",
      (c) => c.readContract({ address, abi: governorBravoAbi, functionName: "proposalCount" }),
      signal,
    );
    return "bravo";
  } catch (error) {
    if (error instanceof ChainCallRevertedError) return "oz";
    throw error;
  }
}

/** A Bravo proposal's state, window and tallies; null when the contract does not know the id. */
export async function readBravoStatus(
  client: ChainClient,
  governor: Address,
  proposalId: bigint,
  signal?: AbortSignal,
) {
  let stateIndex: number;
  let proposal: readonly [bigint, Address, bigint, bigint, bigint, bigint, bigint, bigint, boolean, boolean];
  let quorum: bigint;
  try {
    [stateIndex, proposal, quorum] = await Promise.all([
      client.call(
        `state(${proposalId})`,
        (c) => c.readContract({ address: governor, abi: governorAbi, functionName: "state", args: [proposalId] }),
        signal,
      ),
      client.call(
        `proposals(${proposalId})`,
        (c) =>
          c.readContract({ address: governor, abi: governorBravoAbi, functionName: "proposals", args: [proposalId] }),
        signal,
      ),
      client.call(
        "quorumVotes()",
        (c) => c.readContract({ address: governor, abi: governorBravoAbi, functionName: "quorumVotes" }),
        signal,
      ),
    ]);
  } catch (error) {
    if (isUnknownProposal(error)) return null;
    throw error;
  }
  const [, , , startBlock, endBlock, forVotes, againstVotes, abstainVotes] = proposal;
  const state: GovernorState | undefined = GOVERNOR_STATES[stateIndex];
  if (!state) throw new ChainCallRevertedError(client.chainId, `state(${proposalId})`, `unknown state ${stateIndex}`);
  return {
    state,
    snapshot: startBlock,
    deadline: endBlock,
    votes: { against: againstVotes, for: forVotes, abstain: abstainVotes },
    quorum,
  };
}
