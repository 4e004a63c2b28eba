import type { AuditLog } from "../audit/auditLog.js";
import { Prisma, type PrismaClient } from "../generated/prisma/client.js";
import type { ProposalSource } from "../generated/prisma/enums.js";

// Every source announces its active proposals once as their vote nears its end, the same way: Snapshot's from the
// clock, a Governor's from its deadline's wall-clock estimate. One announcement per proposal, ever, whatever the
// number of sweepers: the audit entry is the record that it happened.

/** A proposal whose vote closes within the configured window: time for reminders and last-call casting. */
export interface EndingSoon {
  proposalId: string;
  externalId: string;
  spaceId: string;
  title: string;
  endAt: Date;
  secondsLeft: number;
  /** Where the proposal comes from ("snapshot", "governor", "tally"). */
  source: ProposalSource;
}

export interface EndingSoonOptions {
  prisma: PrismaClient;
  audit: AuditLog;
  /** Whose proposals are swept; the audit action is `<source>.proposal.ending_soon`. */
  source: ProposalSource;
  /** Who the audit entries name as actor (the source's watcher). */
  actor: string;
  now: Date;
  /** How long before the end a proposal counts as ending soon. */
  endingSoonWindowMs: number;
  /**
   * Receives each batch of newly ending-soon proposals inside the transaction that records them: a throw rolls the
   * record back and the next sweep offers them again, so delivery is at least once (queue a keyed job here).
   */
  onEndingSoon?: (events: readonly EndingSoon[]) => Promise<void>;
}

const TX_OPTIONS = { maxWait: 30_000, timeout: 60_000 };

/** The audit action that records a source's proposal as announced. */
export function endingSoonAction(source: ProposalSource): string {
  return `${source}.proposal.ending_soon`;
}

/** Announces, once each, the source's active proposals that end within the window; returns the new announcements. */
export async function announceEndingSoon({
  prisma,
  audit,
  source,
  actor,
  now,
  endingSoonWindowMs,
  onEndingSoon,
}: EndingSoonOptions): Promise<EndingSoon[]> {
  const action = endingSoonAction(source);
  const candidates = await prisma.proposal.findMany({
    where: {
      source,
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
      where: { action, proposalId: { in: candidates.map((c) => c.id) } },
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
        source,
      }));
    if (fresh.length === 0) return [];
    await onEndingSoon?.(fresh);
    await audit.appendMany(
      fresh.map((e) => ({
        action,
        actor,
        spaceId: e.spaceId,
        proposalId: e.proposalId,
        data: { externalId: e.externalId, endAt: e.endAt.toISOString(), secondsLeft: e.secondsLeft },
      })),
      tx,
    );
    return fresh;
  }, TX_OPTIONS);
}
