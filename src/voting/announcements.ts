import type { AuditLog } from "../audit/auditLog.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { moveCast } from "./castOutbox.js";
import { vetoSchedule } from "./vetoSchedule.js";

// The thread's plan message is the announcement: nothing is cast for a member before their vote was posted. After a
// successful plan post the thread publisher calls markAnnounced; the planned rows then wait out the veto window.

export interface AnnounceReport {
  announced: number;
  /** Rows whose proposal ends (minus the safety margin) before anything could be cast: skipped("proposal_closed"). */
  tooLate: number;
  /** The full window did not fit, so the rows are due sooner (the plan message says so). */
  shrunk: boolean;
}

export interface Announcements {
  /**
   * planned → announced for the proposal's rows, with announcedAt = `at`, dueAt = the end of the veto window (shrunk
   * to what is left before the end), and the decision announced. `planLoadedAt`: rows changed after the plan message
   * was built stay planned (they were not shown), so the next plan post announces them; compared with the rows'
   * `updatedAt` (wall clock).
   */
  markAnnounced(proposalId: string, at: Date, options?: { planLoadedAt?: Date }): Promise<AnnounceReport>;
}

/** Builds the announcer. */
export function createAnnouncements(options: {
  prisma: PrismaClient;
  audit: AuditLog;
  /** CAST_SAFETY_MARGIN_SECONDS. */
  safetyMarginSeconds: number;
}): Announcements {
  const { prisma, audit } = options;
  return {
    async markAnnounced(proposalId, at, { planLoadedAt } = {}) {
      const proposal = await prisma.proposal.findUniqueOrThrow({ where: { id: proposalId }, include: { space: true } });
      const schedule = vetoSchedule({
        announcedAt: at,
        vetoWindowSeconds: proposal.space.vetoWindowSeconds,
        endAt: proposal.endAt,
        safetyMarginSeconds: options.safetyMarginSeconds,
      });
      return prisma.$transaction(
        async (tx) => {
          const rows = await tx.cast.findMany({
            where: {
              proposalId,
              state: "planned",
              ...(planLoadedAt ? { updatedAt: { lte: planLoadedAt } } : {}),
            },
          });
          const report: AnnounceReport = { announced: 0, tooLate: 0, shrunk: schedule.shrunk };
          for (const row of rows) {
            if (schedule.tooLate || proposal.deletedAt) {
              const moved = await moveCast(
                tx,
                audit,
                row,
                "skipped",
                { failureReason: "proposal_closed" },
                {
                  data: { lastCastAt: schedule.lastCastAt.toISOString() },
                },
              );
              if (moved) report.tooLate += 1;
              continue;
            }
            const moved = await moveCast(
              tx,
              audit,
              row,
              "announced",
              { announcedAt: at, dueAt: schedule.castsAt, announcedDecisionId: row.decisionId, nextAttemptAt: null },
              {
                data: {
                  announcedAt: at.toISOString(),
                  castsAt: schedule.castsAt.toISOString(),
                  lastCastAt: schedule.lastCastAt.toISOString(),
                  shrunk: schedule.shrunk,
                  vetoWindowSeconds: proposal.space.vetoWindowSeconds,
                },
              },
            );
            if (moved) report.announced += 1;
          }
          return report;
        },
        { maxWait: 30_000, timeout: 60_000 },
      );
    },
  };
}
