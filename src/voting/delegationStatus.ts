import type { PrismaClient } from "../generated/prisma/client.js";

// What Tribune has seen reach an agent address in a space: the delegations the sources recorded (Snapshot's
// delegation data, ERC20Votes `DelegateChanged`) and the voting power last read for them. Power is a decimal string
// because token amounts exceed 2^53; sums use BigInt.

export interface DelegationStatus {
  delegators: number;
  /** Sum of the last-read voting power, as a decimal string; null when no power has been read yet. */
  votingPower: string | null;
  /** When the newest check ran, or null if none has. */
  checkedAt: Date | null;
}

/** Reads the delegations recorded for an agent address in a space. */
export async function readDelegationStatus(
  prisma: PrismaClient,
  input: { spaceId: string; agentAddress: string },
): Promise<DelegationStatus> {
  const rows = await prisma.delegation.findMany({
    where: {
      spaceId: input.spaceId,
      delegateAddress: { equals: input.agentAddress, mode: "insensitive" },
      revokedAt: null,
    },
    select: { votingPower: true, checkedAt: true },
  });
  let total: bigint | null = null;
  let checkedAt: Date | null = null;
  for (const row of rows) {
    if (row.votingPower !== null && /^\d+$/.test(row.votingPower)) total = (total ?? 0n) + BigInt(row.votingPower);
    if (!checkedAt || row.checkedAt > checkedAt) checkedAt = row.checkedAt;
  }
  return { delegators: rows.length, votingPower: total === null ? null : total.toString(), checkedAt };
}
