import type { AuditLog } from "../../audit/auditLog.js";
import type { AuditEvent } from "../../audit/hashChain.js";
import type { PrismaClient } from "../../generated/prisma/client.js";
import { announceEndingSoon, type EndingSoon } from "../endingSoon.js";
import { snapshotState } from "./proposalRecord.js";

export type { EndingSoon } from "../endingSoon.js";

export interface StateSweepOptions {
  prisma: PrismaClient;
  audit: AuditLog;
  now: Date;
  /** How long before the end a proposal counts as ending soon. */
  endingSoonWindowMs: number;
  /**
   * Receives each batch of newly ending-soon proposals inside the transaction that records them: a throw rolls the
   * record back and the next sweep offers them again, so delivery is at least once (queue a keyed job here).
   */
  onEndingSoon?: (events: readonly EndingSoon[]) => Promise<void>;
}

/** The actor the Snapshot watcher's audit entries name. */
export const WATCHER_ACTOR = "snapshot-watcher";
const TX_OPTIONS = { maxWait: 30_000, timeout: 60_000 };

/**
 * Moves stored Snapshot proposals through pending → active → closed as the clock passes their start and end (the
 * hub's own rule, so no request is spent asking), and announces each active proposal once when it is ending soon.
 */
export async function sweepProposalStates({
  prisma,
  audit,
  now,
  endingSoonWindowMs,
  onEndingSoon,
}: StateSweepOptions): Promise<{ stateChanges: number; endingSoon: EndingSoon[] }> {
  const due = await prisma.proposal.findMany({
    where: {
      source: "snapshot",
      deletedAt: null,
      OR: [
        { state: "pending", startAt: { lt: now } },
        { state: "active", endAt: { lt: now } },
      ],
    },
    select: { id: true, spaceId: true, externalId: true, state: true, startAt: true, endAt: true },
  });
  let stateChanges = 0;
  if (due.length > 0) {
    stateChanges = await prisma.$transaction(async (tx) => {
      const events: AuditEvent[] = [];
      for (const row of due) {
        const to = snapshotState(row.startAt, row.endAt, now);
        if (to === row.state) continue;
        // Only from the state read: another sweeper that got there first makes this a no-op, not a second entry.
        const { count } = await tx.proposal.updateMany({
          where: { id: row.id, state: row.state },
          data: { state: to },
        });
        if (count !== 1) continue;
        events.push({
          action: "snapshot.proposal.state_changed",
          actor: WATCHER_ACTOR,
          spaceId: row.spaceId,
          proposalId: row.id,
          data: { externalId: row.externalId, from: row.state, to },
        });
      }
      await audit.appendMany(events, tx);
      return events.length;
    }, TX_OPTIONS);
  }
  return {
    stateChanges,
    endingSoon: await announceEndingSoon({
      prisma,
      audit,
      source: "snapshot",
      actor: WATCHER_ACTOR,
      now,
      endingSoonWindowMs,
      onEndingSoon,
    }),
  };
}
