// How far the demo's batch has got: proposals stored, digested (their current content has a digest) and decided.
import type { PrismaClient } from "../generated/prisma/client.js";

export interface DemoBatch {
  proposals: number;
  digested: number;
  /** Proposals whose current digest has decisions. */
  decided: number;
  decidedIds: string[];
  /** Proposals whose digest failed or was refused (audited), so no decision will come without a retry. */
  failed: number;
  /** Live decisions in all. */
  decisions: number;
}

/** Whether nothing more will happen to the batch without new input: every proposal decided or failed. */
export function batchSettled(batch: DemoBatch): boolean {
  return batch.decided + batch.failed >= batch.proposals;
}

/** Counts from the rows themselves, so it is right whichever process (or worker) did the work. */
export async function demoBatch(prisma: PrismaClient, spaceId: string): Promise<DemoBatch> {
  const rows = await prisma.proposal.findMany({
    where: { spaceId, deletedAt: null },
    select: {
      id: true,
      contentHash: true,
      digests: { select: { contentHash: true } },
      _count: { select: { decisions: { where: { staleAt: null } } } },
    },
  });
  const digested = rows.filter((row) => row.digests.some((d) => d.contentHash === row.contentHash));
  const decided = digested.filter((row) => row._count.decisions > 0);
  const undigested = rows.filter((row) => !digested.includes(row)).map((row) => row.id);
  const failures =
    undigested.length === 0
      ? []
      : await prisma.auditEntry.findMany({
          where: { proposalId: { in: undigested }, action: { in: ["digest.failed", "digest.unavailable"] } },
          select: { proposalId: true },
          distinct: ["proposalId"],
        });
  return {
    proposals: rows.length,
    digested: digested.length,
    decided: decided.length,
    decidedIds: decided.map((row) => row.id),
    failed: failures.length,
    decisions: rows.reduce((sum, row) => sum + row._count.decisions, 0),
  };
}
