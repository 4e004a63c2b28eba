import { z } from "zod";

/**
 * The proposal fields Tribune reads. Counters that move with every vote (scores, votes) are left out on purpose: the
 * stored `raw` record then changes only when the proposal itself does.
 * @see ../../../test/fixtures/snapshot/snapshot-hub-schema.graphql (type Proposal)
 */
export const PROPOSAL_FRAGMENT = `fragment TribuneProposal on Proposal {
  id ipfs author created updated title body discussion choices labels type start end snapshot state privacy
  network symbol quorum quorumType app link flagged
  space { id }
  strategies { name network params }
}`;

export const PROPOSAL_SELECTION = "...TribuneProposal";

/** A proposal as the hub's schema types it: nullable where the schema is, required where the schema says `!`. */
export const hubProposalSchema = z.object({
  id: z.string().min(1),
  ipfs: z.string().nullable(),
  author: z.string(),
  created: z.number().int(),
  updated: z.number().int().nullable(),
  title: z.string(),
  body: z.string().nullable(),
  discussion: z.string(),
  choices: z.array(z.string().nullable()),
  labels: z.array(z.string().nullable()),
  type: z.string().nullable(),
  start: z.number().int(),
  end: z.number().int(),
  snapshot: z.number().int().nullable(),
  state: z.string().nullable(),
  privacy: z.string().nullable(),
  network: z.string(),
  symbol: z.string(),
  quorum: z.number(),
  quorumType: z.string(),
  app: z.string().nullable(),
  link: z.string().nullable(),
  flagged: z.boolean().nullable(),
  space: z.object({ id: z.string().min(1) }).nullable(),
  strategies: z.array(z.object({ name: z.string(), network: z.string().nullable(), params: z.unknown() }).nullable()),
});
export type HubProposal = z.infer<typeof hubProposalSchema>;

/** A list of proposals; a null entry (which the schema allows) is a broken answer, not a proposal to skip. */
export const hubProposalListSchema = z.array(hubProposalSchema);
