import type { z } from "zod";
import { hubLimits } from "./hubLimits.js";

/** One GraphQL request to the hub: its document, variables, and the zod schema its `data` must match. */
export interface HubRequest<T> {
  /** Names the request in errors and logs ("proposalFeed", "votes"). */
  operation: string;
  document: string;
  variables: Record<string, unknown>;
  answer: z.ZodType<T>;
}

/** The hub's list roots Tribune reads, with the type of their `where` argument in the hub's schema. */
const whereTypes = { proposals: "ProposalWhere", messages: "MessageWhere", votes: "VoteWhere" } as const;
export type ListField = keyof typeof whereTypes;

/** One aliased root field of a list query. */
export interface ListRoot {
  alias: string;
  field: ListField;
  first: number;
  skip?: number;
  where: Record<string, unknown>;
  orderBy?: string;
  orderDirection?: "asc" | "desc";
  /** The selection set's body, usually a fragment spread ("...TribuneProposal"). */
  selection: string;
}

/**
 * Builds one query with up to five aliased list roots (the hub's per-query cap), every argument a typed variable, so
 * the document's text is the same for every call with the same shape and the schema test covers each shape.
 */
export function listQuery(
  operation: string,
  roots: readonly ListRoot[],
  fragments: readonly string[] = [],
): { document: string; variables: Record<string, unknown> } {
  if (roots.length === 0 || roots.length > hubLimits.rootFields) {
    throw new RangeError(`${operation}: a hub query takes 1–${hubLimits.rootFields} root fields, got ${roots.length}`);
  }
  const declarations: string[] = [];
  const fields: string[] = [];
  const variables: Record<string, unknown> = {};
  roots.forEach((root, i) => {
    if (root.first > hubLimits.first) throw new RangeError(`${operation}: first ${root.first} > ${hubLimits.first}`);
    if ((root.skip ?? 0) > hubLimits.skip) throw new RangeError(`${operation}: skip ${root.skip} > ${hubLimits.skip}`);
    declarations.push(
      `$first${i}: Int!`,
      `$skip${i}: Int!`,
      `$where${i}: ${whereTypes[root.field]}`,
      `$orderBy${i}: String`,
      `$orderDirection${i}: OrderDirection`,
    );
    fields.push(
      `  ${root.alias}: ${root.field}(first: $first${i}, skip: $skip${i}, where: $where${i}, orderBy: $orderBy${i}, ` +
        `orderDirection: $orderDirection${i}) { ${root.selection} }`,
    );
    Object.assign(variables, {
      [`first${i}`]: root.first,
      [`skip${i}`]: root.skip ?? 0,
      [`where${i}`]: root.where,
      [`orderBy${i}`]: root.orderBy ?? null,
      [`orderDirection${i}`]: root.orderDirection ?? null,
    });
  });
  const document = [`query ${operation}(${declarations.join(", ")}) {`, ...fields, "}", ...fragments].join("\n");
  return { document, variables };
}
