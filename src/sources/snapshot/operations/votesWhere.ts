import { z } from "zod";
import type { ListRoot } from "../hubRequest.js";

/** What Tribune reads of a vote: enough to know who voted what, and when. */
export const VOTE_SELECTION = "id voter created choice vp reason proposal { id } space { id }";

export const hubVoteSchema = z.object({
  id: z.string().min(1),
  voter: z.string().min(1),
  created: z.number().int(),
  choice: z.unknown(),
  vp: z.number().nullable(),
  reason: z.string().nullable(),
  proposal: z.object({ id: z.string() }).nullable(),
  space: z.object({ id: z.string() }),
});
export type HubVote = z.infer<typeof hubVoteSchema>;

/** A `votes(where: …)` root; the `where` carries `voter_in` and `proposal_in` lists of at most 100 each. */
export function votesRoot(alias: string, where: Record<string, unknown>, first: number, skip: number): ListRoot {
  return {
    alias,
    field: "votes",
    first,
    skip,
    where,
    orderBy: "created",
    orderDirection: "asc",
    selection: VOTE_SELECTION,
  };
}
