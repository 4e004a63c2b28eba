/**
 * The Snapshot hub's own limits, which every request Tribune builds stays within. Over a cap the hub answers an error
 * such as "The `first` argument must not be greater than 1000", so these are planning constants, not guesses.
 * @see https://github.com/snapshot-labs/snapshot-hub/blob/master/src/graphql/helpers.ts (ARG_LIMITS, checkLimits)
 * @see https://github.com/snapshot-labs/snapshot-hub/blob/master/src/graphql/index.ts (queryCountLimit(5, 5), depthLimit(5))
 */
export const hubLimits = {
  /** `first` on any list. */
  first: 1_000,
  /** `skip` on any list: paging must use cursors, never skip past this. */
  skip: 5_000,
  /** Any `*_in` filter (`id_in`, `voter_in`, `proposal_in`, `updated_in`, `space_in` outside proposals). */
  inList: 100,
  /** `proposals(where: {space_in})` alone takes this many spaces. */
  proposalSpaceIn: 10_000,
  /** Root fields in one query (the hub's queryCountLimit second argument). */
  rootFields: 5,
  /** Nesting depth of a query. */
  depth: 5,
} as const;

/** Splits `items` into chunks of at most `size`, keeping order. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  if (size < 1) throw new RangeError(`chunk size must be at least 1, got ${size}`);
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}
