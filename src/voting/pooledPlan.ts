import type { AuditLog } from "../audit/auditLog.js";
import type { Cast, Prisma, Space } from "../generated/prisma/client.js";
import { createPlannedRow, type RowIntent, refreshPlannedRow } from "./planRows.js";
import type { PooledBallotNow } from "./pooledBallot.js";

// The pooled delegate's one outbox row for a proposal: planned with the pooled ballot, or skipped with the reason
// nothing would be cast (pool_empty, pool_tie, shielded). Its payload says who put what in and who was left out and
// why, and so does every audit entry that changes it. Runs inside the planner's transaction, on rows it has locked.

/** Counts as the planner reports them. */
export interface RowCounts {
  created: number;
  changed: number;
  unchanged: number;
}

/** Plans or refreshes the pooled row of one proposal (the space is pooled and has its delegate). */
export async function planPooledRow(
  tx: Prisma.TransactionClient,
  audit: AuditLog,
  input: {
    proposalId: string;
    space: Pick<Space, "id" | "mode" | "pooledAgentAddress" | "pooledAgentIndex">;
    ballot: PooledBallotNow;
    rows: readonly Cast[];
  },
): Promise<RowCounts> {
  const { space, ballot } = input;
  const address = space.pooledAgentAddress as string;
  const counts: RowCounts = { created: 0, changed: 0, unchanged: 0 };
  const intent: RowIntent =
    ballot.choice !== null
      ? { kind: "cast", choice: ballot.choice, source: "pool" }
      : { kind: "skip", reason: ballot.skip ?? "pool_empty" };
  const pool = ballot.pool ?? undefined;
  const dryRun = space.mode === "dry_run";
  const row = input.rows.find((r) => r.voterAddress.toLowerCase() === address.toLowerCase());
  if (!row) {
    // No member said or decided anything yet: nothing to plan, and nothing to tell.
    const nobody = !ballot.pool || (ballot.pool.contributions.length === 0 && ballot.pool.leftOut.length === 0);
    if (intent.kind === "skip" && nobody) return counts;
    await createPlannedRow(
      tx,
      audit,
      {
        proposalId: input.proposalId,
        spaceId: space.id,
        voterAddress: address,
        voterKind: "pooled",
        memberId: null,
        decisionId: null,
        agentIndex: space.pooledAgentIndex,
        dryRun,
      },
      intent,
      pool,
    );
    counts.created += 1;
  } else if (await refreshPlannedRow(tx, audit, row, { decisionId: null, dryRun, pool }, intent)) {
    counts.changed += 1;
  } else {
    counts.unchanged += 1;
  }
  // A pooled row of another address (none, while an allocated delegate is kept) must not be cast beside this one.
  for (const other of input.rows) {
    if (other.voterKind !== "pooled" || other.voterAddress.toLowerCase() === address.toLowerCase()) continue;
    const skip: RowIntent = { kind: "skip", reason: "superseded" };
    if (await refreshPlannedRow(tx, audit, other, { decisionId: null }, skip)) counts.changed += 1;
  }
  return counts;
}
