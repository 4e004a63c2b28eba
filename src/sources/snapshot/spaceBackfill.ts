import { readCreatedPages } from "./createdPager.js";
import type { SnapshotCursors } from "./cursorStore.js";
import { chunk, hubLimits } from "./hubLimits.js";
import { type HubProposal, hubProposalSchema, PROPOSAL_FRAGMENT, PROPOSAL_SELECTION } from "./hubProposal.js";
import { feedHeadRequest } from "./operations/feedHead.js";
import {
  type ApplyReport,
  addReports,
  applyHubProposals,
  emptyApplyReport,
  type WatchContext,
} from "./watchContext.js";

/**
 * Reads the open (pending or active) proposals of spaces Tribune has not watched before, in `space_in` batches of up
 * to 10,000 and pages of 1,000 with a `created` cursor. A space is marked only after its proposals are saved, so an
 * interrupted backfill runs again. Closed proposals are history and are not loaded.
 *
 * On the very first run the log's head is written as the feed cursor before anything is read: whatever happens after
 * that point is in the log, whatever was open before it is in the backfill, and the two overlap rather than gap.
 */
export async function backfillNewSpaces(
  ctx: WatchContext,
  cursors: SnapshotCursors,
  spaces: readonly string[],
  signal?: AbortSignal,
): Promise<{ spaces: number; report: ApplyReport }> {
  const report = emptyApplyReport();
  const unmarked = await cursors.unmarkedSpaces(spaces);
  if (unmarked.length === 0) return { spaces: 0, report };

  let feed = await cursors.readFeed();
  if (!feed) {
    const head = await ctx.hub.send(feedHeadRequest(), signal);
    feed = { mci: head, timestamp: Math.floor(ctx.now().getTime() / 1000), waiting: [] };
    await cursors.writeFeed(feed);
  }
  const openAfter = Math.floor(ctx.now().getTime() / 1000);
  for (const batch of chunk(unmarked, hubLimits.proposalSpaceIn)) {
    await readCreatedPages<HubProposal>(
      ctx.hub,
      [
        {
          root: (alias, where, first, skip) => ({
            alias,
            field: "proposals",
            first,
            skip,
            where,
            orderBy: "created",
            orderDirection: "asc",
            selection: PROPOSAL_SELECTION,
          }),
          where: { space_in: batch, end_gt: openAfter },
          row: hubProposalSchema,
        },
      ],
      {
        operation: "spaceBackfill",
        fragments: [PROPOSAL_FRAGMENT],
        signal,
        onPage: async (_, rows) => {
          addReports(report, await applyHubProposals(ctx, rows));
        },
      },
    );
    await cursors.markSpaces(batch, { backfilledAt: ctx.now().toISOString(), mci: feed.mci });
  }
  ctx.logger.info({ spaces: unmarked.length, ...report }, "Snapshot spaces backfilled");
  return { spaces: unmarked.length, report };
}
