// Integer splits that sum exactly to a total (the largest-remainder method), for weighted and quadratic ballots and
// for pooled votes. Snapshot counts a split by its proportions; a Governor with fractional counting needs amounts that
// add up to the voter's whole weight, so "exactly" matters: one unit lost to rounding is a vote not cast.

/**
 * Splits `total` units in proportion to `parts` (non-negative numbers). Each part gets the floor of its quota; the
 * units left over go one each to the largest fractional remainders, ties to the earlier part, so the result is
 * deterministic. All parts zero → all zero.
 */
export function splitByLargestRemainder(parts: readonly number[], total: number): number[] {
  if (!Number.isSafeInteger(total) || total < 0) throw new RangeError(`total must be a non-negative integer: ${total}`);
  const sum = parts.reduce((a, b) => a + b, 0);
  if (!(sum > 0)) return parts.map(() => 0);
  const quotas = parts.map((part) => (part > 0 ? (part / sum) * total : 0));
  const shares = quotas.map((q) => Math.floor(q));
  // Float error may make the floors fall short by more than the part count in theory; clamp keeps the sum exact.
  let left = Math.min(total - shares.reduce((a, b) => a + b, 0), parts.length);
  const order = quotas
    .map((q, i) => ({ i, rest: q - Math.floor(q) }))
    .filter(({ i }) => (parts[i] ?? 0) > 0)
    .sort((a, b) => b.rest - a.rest || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    shares[i] = (shares[i] ?? 0) + 1;
    left -= 1;
  }
  return shares;
}

/** The same method on exact integers: splits `total` in proportion to `parts` (bigints ≥ 0) with no rounding error. */
export function splitBigByLargestRemainder(parts: readonly bigint[], total: bigint): bigint[] {
  if (total < 0n) throw new RangeError("total must be non-negative");
  const sum = parts.reduce((a, b) => a + b, 0n);
  if (sum === 0n) return parts.map(() => 0n);
  const shares = parts.map((part) => (part * total) / sum);
  const rests = parts.map((part, i) => ({ i, rest: (part * total) % sum }));
  let left = total - shares.reduce((a, b) => a + b, 0n);
  rests.sort((a, b) => (a.rest === b.rest ? a.i - b.i : a.rest > b.rest ? -1 : 1));
  for (const { i, rest } of rests) {
    if (left <= 0n) break;
    if (rest === 0n && (parts[i] ?? 0n) === 0n) continue;
    shares[i] = (shares[i] ?? 0n) + 1n;
    left -= 1n;
  }
  return shares;
}
