import { type Address, isAddress } from "viem";
import { z } from "zod";

// Where a Governor row votes: the chain and contract from its space ("<chainId>:<address>", Space.chainId), the
// proposal id from Proposal.externalId (a uint256 in decimal), and the block the proposal was created in (from
// Proposal.raw, written by the watcher), where a search for its votes can start.

/** A Governor proposal's address on chain. */
export interface GovernorLocation {
  chainId: number;
  governor: Address;
  proposalId: bigint;
  /** The block of ProposalCreated; null when the stored record does not say (a Tally or replayed proposal). */
  createdInBlock: bigint | null;
}

const createdInSchema = z.object({ createdIn: z.object({ blockNumber: z.string().regex(/^\d+$/) }) });

/** Reads the location from the stored space and proposal; null when they do not name one. */
export function governorLocation(
  space: { externalId: string; chainId: number | null },
  proposal: { externalId: string; raw: unknown },
): GovernorLocation | null {
  const match = /^(\d+):(0x[0-9a-fA-F]{40})$/.exec(space.externalId);
  if (!match || !/^\d{1,78}$/.test(proposal.externalId)) return null;
  const chainId = space.chainId ?? Number(match[1]);
  if (chainId !== Number(match[1]) || !isAddress(match[2] as string, { strict: false })) return null;
  const raw = createdInSchema.safeParse(proposal.raw);
  return {
    chainId,
    governor: (match[2] as string).toLowerCase() as Address,
    proposalId: BigInt(proposal.externalId),
    createdInBlock: raw.success ? BigInt(raw.data.createdIn.blockNumber) : null,
  };
}
