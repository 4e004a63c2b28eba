import { TribuneError } from "../errors/tribuneError.js";
import type { Prisma } from "../generated/prisma/client.js";
import type { Keyring } from "./keyring.js";

// A pooled space's delegate: one key of the same mnemonic as the members' agents, at an index from a range of its
// own. Members' indexes count up from 0 (memberAgents.ts); pooled delegates count up from 2^30, so the two can never
// meet (2^30 members would be needed first, and the allocator checks anyway), and both stay below 2^31, the
// non-hardened indexes the keyring derives. Once a space has a delegate it keeps it: members delegated to that
// address, and switching to personal and back must not ask them to delegate again.

/** The first pooled delegate's derivation index. */
export const POOLED_INDEX_BASE = 2 ** 30;
/** The same advisory lock memberAgents.ts allocates members' indexes under (AGENT_INDEX_LOCK there). */
const AGENT_INDEX_LOCK = 7_283_903;

/** A pooled delegate's index could not be allocated (the range is exhausted: never in practice). */
export class PooledAgentError extends TribuneError {}

/** The space's delegate, allocating it on first use; call inside the transaction that switches the space. */
export async function ensurePooledAgent(
  tx: Prisma.TransactionClient,
  keyring: Keyring,
  spaceId: string,
): Promise<{ index: number; address: string; allocated: boolean }> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${AGENT_INDEX_LOCK})`;
  const space = await tx.space.findUniqueOrThrow({
    where: { id: spaceId },
    select: { pooledAgentIndex: true, pooledAgentAddress: true },
  });
  if (space.pooledAgentIndex !== null && space.pooledAgentAddress) {
    return { index: space.pooledAgentIndex, address: space.pooledAgentAddress, allocated: false };
  }
  const top = await tx.space.aggregate({
    _max: { pooledAgentIndex: true },
    where: { pooledAgentIndex: { gte: POOLED_INDEX_BASE } },
  });
  let index = Math.max(POOLED_INDEX_BASE, (top._max.pooledAgentIndex ?? POOLED_INDEX_BASE - 1) + 1);
  // Defensive: a member index in this range (never, short of 2^30 members) is stepped over, never shared.
  while (await tx.member.findFirst({ where: { agentIndex: index }, select: { id: true } })) index += 1;
  if (index >= 2 ** 31) {
    throw new PooledAgentError(
      "voting.pooled_index_exhausted",
      "No derivation index is left for another pooled delegate",
      "This is a bug or a corrupted database; report it",
    );
  }
  const address = keyring.address(index);
  await tx.space.update({ where: { id: spaceId }, data: { pooledAgentIndex: index, pooledAgentAddress: address } });
  return { index, address, allocated: true };
}
