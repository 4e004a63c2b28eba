import { z } from "zod";
import { hubLimits } from "../hubLimits.js";
import { type HubProposal, hubProposalListSchema, PROPOSAL_FRAGMENT, PROPOSAL_SELECTION } from "../hubProposal.js";
import type { HubRequest } from "../hubRequest.js";
import { listQuery } from "../hubRequest.js";

/** One `proposals(where: …)` list of a request. */
export interface ProposalSlice {
  where: Record<string, unknown>;
  first?: number;
  skip?: number;
  orderBy?: string;
  orderDirection?: "asc" | "desc";
}

/**
 * Up to five proposal lists in one request (ids to fetch, edits to find, proposals to check for deletion), each
 * answered separately and in the order given.
 */
export function proposalsWhereRequest(
  operation: string,
  slices: readonly ProposalSlice[],
): HubRequest<HubProposal[][]> {
  const aliases = slices.map((_, i) => `p${i}`);
  const roots = slices.map((slice, i) => ({
    alias: aliases[i] ?? `p${i}`,
    field: "proposals" as const,
    first: slice.first ?? hubLimits.first,
    skip: slice.skip,
    where: slice.where,
    orderBy: slice.orderBy ?? "created",
    orderDirection: slice.orderDirection ?? ("asc" as const),
    selection: PROPOSAL_SELECTION,
  }));
  const shape = Object.fromEntries(aliases.map((alias) => [alias, hubProposalListSchema]));
  return {
    operation,
    ...listQuery(operation, roots, [PROPOSAL_FRAGMENT]),
    answer: z.object(shape).transform((data) => aliases.map((alias) => data[alias] ?? [])),
  };
}
