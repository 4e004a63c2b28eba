import { z } from "zod";
import { hubLimits } from "../hubLimits.js";
import { hubProposalListSchema, PROPOSAL_FRAGMENT, PROPOSAL_SELECTION } from "../hubProposal.js";
import { type HubRequest, type ListRoot, listQuery } from "../hubRequest.js";

/** The sequencer's message types that create, edit or delete a proposal. */
export const FEED_TYPES = ["proposal", "update-proposal", "delete-proposal"] as const;

/** One entry of the hub's message log; `mci` orders them without gaps or ties. */
export const feedMessageSchema = z.object({
  mci: z.number().int(),
  id: z.string().min(1),
  ipfs: z.string().nullable(),
  type: z.string(),
  timestamp: z.number().int(),
  space: z.string(),
});
export type FeedMessage = z.infer<typeof feedMessageSchema>;

/** Space batches whose recent proposals ride along with the feed (two batches × two lists + the feed = five roots). */
export const FEED_RECENT_BATCHES = 2;

export interface ProposalFeedInput {
  afterMci: number;
  /** Batches of watched spaces (≤ 10,000 each); at most {@link FEED_RECENT_BATCHES} of them are read with the feed. */
  spaceBatches: readonly (readonly string[])[];
  /** Unix seconds: proposals created or edited since then come back with the feed, saving a second request. */
  since: number;
}

/**
 * One page of the message log after `afterMci`, plus the watched spaces' recently created and edited proposals, in
 * one request. The log is the authority on what happened (it has no gaps, and it sees proposals whose `created`
 * is backdated, which the sequencer allows); the recent lists only save fetching most of them again by id.
 * @see https://github.com/snapshot-labs/snapshot-webhook/blob/master/src/replay.ts (the same log, read the same way)
 */
export function proposalFeedRequest(
  input: ProposalFeedInput,
): HubRequest<{ feed: FeedMessage[]; recent: z.infer<typeof hubProposalListSchema> }> {
  const roots: ListRoot[] = [
    {
      alias: "feed",
      field: "messages",
      first: hubLimits.first,
      where: { mci_gt: input.afterMci, type_in: [...FEED_TYPES] },
      orderBy: "mci",
      orderDirection: "asc",
      selection: "mci id ipfs type timestamp space",
    },
  ];
  const recentAliases: string[] = [];
  input.spaceBatches.slice(0, FEED_RECENT_BATCHES).forEach((spaces, b) => {
    if (spaces.length > hubLimits.proposalSpaceIn) throw new RangeError(`a space batch holds at most 10,000 spaces`);
    for (const [list, field] of [
      ["created", "created_gte"],
      ["updated", "updated_gte"],
    ] as const) {
      const alias = `${list}${b}`;
      recentAliases.push(alias);
      roots.push({
        alias,
        field: "proposals",
        first: hubLimits.first,
        where: { space_in: [...spaces], [field]: input.since },
        orderBy: list,
        orderDirection: "asc",
        selection: PROPOSAL_SELECTION,
      });
    }
  });
  const shape: Record<string, z.ZodType> = { feed: z.array(feedMessageSchema) };
  for (const alias of recentAliases) shape[alias] = hubProposalListSchema;
  return {
    operation: "proposalFeed",
    ...listQuery("proposalFeed", roots, recentAliases.length > 0 ? [PROPOSAL_FRAGMENT] : []),
    answer: z.object(shape).transform((data) => ({
      feed: data.feed as FeedMessage[],
      recent: recentAliases.flatMap((alias) => data[alias] as z.infer<typeof hubProposalListSchema>),
    })),
  };
}
