import type { AuditLog } from "../../audit/auditLog.js";
import type { AuditEvent } from "../../audit/hashChain.js";
import { Prisma, type PrismaClient } from "../../generated/prisma/client.js";
import { snapshotState } from "./proposalRecord.js";

/** A proposal whose vote closes within the configured window: time for reminders and last-call casting. */
export interface EndingSoon {
  proposalId: string;
  externalId: string;
  spaceId: string;
  title: string;
  endAt: Date;
  secondsLeft: number;
}

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
export const ENDING_SOON_ACTION = "snapshot.proposal.ending_soon";
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
    endingSoon: await announceEndingSoon({ prisma, audit, now, endingSoonWindowMs, onEndingSoon }),
  };
}

async function announceEndingSoon({
  prisma,
  audit,
  now,
  endingSoonWindowMs,
  onEndingSoon,
}: StateSweepOptions): Promise<EndingSoon[]> {
  const candidates = await prisma.proposal.findMany({
    where: {
      source: "snapshot",
      deletedAt: null,
      state: "active",
      endAt: { gt: now, lte: new Date(now.getTime() + endingSoonWindowMs) },
    },
    select: { id: true, spaceId: true, externalId: true, title: true, endAt: true },
  });
  if (candidates.length === 0) return [];
  return prisma.$transaction(async (tx) => {
    // Row locks make a second sweeper wait here, then see the entries this one wrote: each proposal is announced once.
    await tx.$queryRaw`SELECT id FROM "Proposal" WHERE id IN (${Prisma.join(candidates.map((c) => c.id))}) FOR UPDATE`;
    const announced = await tx.auditEntry.findMany({
      where: { action: ENDING_SOON_ACTION, proposalId: { in: candidates.map((c) => c.id) } },
      select: { proposalId: true },
    });
    const done = new Set(announced.map((a) => a.proposalId));
    const fresh: EndingSoon[] = candidates
      .filter((c) => !done.has(c.id))
      .map((c) => ({
        proposalId: c.id,
        externalId: c.externalId,
        spaceId: c.spaceId,
        title: c.title,
        endAt: c.endAt,
        secondsLeft: Math.round((c.endAt.getTime() - now.getTime()) / 1000),
      }));
    if (fresh.length === 0) return [];
    await onEndingSoon?.(fresh);
    await audit.appendMany(
      fresh.map((e) => ({
        action: ENDING_SOON_ACTION,
        actor: WATCHER_ACTOR,
        spaceId: e.spaceId,
        proposalId: e.proposalId,
        data: { externalId: e.externalId, endAt: e.endAt.toISOString(), secondsLeft: e.secondsLeft },
      })),
      tx,
    );
    return fresh;
  }, TX_OPTIONS);
}
