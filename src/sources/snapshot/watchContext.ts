import type { PrismaClient } from "../../generated/prisma/client.js";
import type { Logger } from "../../log/logger.js";
import { type DigestJobs, queueMissingDigests } from "../digestQueueing.js";
import type { ProposalStore, SavedProposal, SpaceIds } from "../proposalStore.js";
import type { HubClient } from "./hubClient.js";
import type { HubProposal } from "./hubProposal.js";
import { type ProposalRecord, toProposalRecord } from "./proposalRecord.js";

/** What the watcher's steps (backfill, feed page, webhook refresh) share. */
export interface WatchContext {
  hub: HubClient;
  prisma: PrismaClient;
  store: ProposalStore<ProposalRecord>;
  jobs: DigestJobs;
  spaceIds: SpaceIds;
  now: () => Date;
  logger: Pick<Logger, "info" | "warn" | "error">;
  /** Called after proposals are saved and their digests queued (e.g. to read their forum debate). */
  onSaved?: (saved: readonly SavedProposal[]) => void;
}

/** Counts of what one step did. */
export interface ApplyReport {
  created: number;
  edited: number;
  unchanged: number;
  unreadable: number;
  digestsQueued: number;
}

export const emptyApplyReport = (): ApplyReport => ({
  created: 0,
  edited: 0,
  unchanged: 0,
  unreadable: 0,
  digestsQueued: 0,
});

export function addReports(into: ApplyReport, more: ApplyReport): ApplyReport {
  into.created += more.created;
  into.edited += more.edited;
  into.unchanged += more.unchanged;
  into.unreadable += more.unreadable;
  into.digestsQueued += more.digestsQueued;
  return into;
}

/**
 * Saves the hub's proposals that belong to watched spaces, reports the unreadable ones, then queues the digests.
 * The order matters: rows commit first, jobs are queued second, and only then may the caller move its cursor.
 */
export async function applyHubProposals(ctx: WatchContext, proposals: readonly HubProposal[]): Promise<ApplyReport> {
  const report = emptyApplyReport();
  const records: ProposalRecord[] = [];
  const unreadable: { externalId: string; space: string; reason: string }[] = [];
  for (const hub of proposals) {
    const space = hub.space?.id;
    if (!space || !ctx.spaceIds.has(space)) continue;
    const verdict = toProposalRecord(hub);
    if (verdict.ok) records.push(verdict.record);
    else unreadable.push({ externalId: verdict.externalId, space, reason: verdict.reason });
  }
  if (unreadable.length > 0) {
    ctx.logger.warn({ unreadable }, "Snapshot proposals Tribune cannot read were recorded and skipped");
    await ctx.store.reportUnreadable(unreadable, ctx.spaceIds);
  }
  const saved = await ctx.store.save(records, ctx.spaceIds);
  report.unreadable = unreadable.length;
  for (const s of saved) report[s.change] += 1;
  report.digestsQueued = await queueMissingDigests(ctx.prisma, ctx.jobs, saved);
  if (saved.length > 0) ctx.onSaved?.(saved);
  return report;
}
