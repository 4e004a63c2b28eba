import type { SqlRunner } from "../db/sqlRunner.js";
import type { AuditRow } from "./auditQuery.js";

// A member's value profile is private unless the member made it public (the default is private). A private
// profile's details — the statement, the weights, the rules, and the numbers that would give the weights away — are
// hidden from every page a steward reads, in audit entries as on proposal pages. The hash chain still covers the
// full entry, and /verify checks it on the server; an export marks which rows were redacted.

/** Keys under an entry's `data` that carry a profile's details or what they can be read back from. */
export const PRIVATE_PROFILE_KEYS: ReadonlySet<string> = new Set([
  "statement",
  "weights",
  "rules",
  "rulesFired",
  "contributions",
  "utilities",
  "explanation",
  "paragraph",
]);

export const HIDDEN = "[private profile: hidden]";

/** An entry ready to show, with private details replaced. */
export interface ShownEntry extends AuditRow {
  /** The content: indented for a page; for an export, the canonical bytes themselves unless something was hidden. */
  shown: string;
  redacted: boolean;
}

/** The (member, space) pairs among `pairs` whose newest profile in that space is public. */
export async function publicProfiles(
  sql: SqlRunner,
  pairs: readonly { memberId: string; spaceId: string }[],
): Promise<Set<string>> {
  const members = [...new Set(pairs.map((p) => p.memberId))];
  if (members.length === 0) return new Set();
  // DISTINCT ON over the (memberId, spaceId, version) unique index: one newest row per pair, for these members only.
  const { rows } = await sql.query<{ memberId: string; spaceId: string; privacy: string }>(
    `SELECT DISTINCT ON ("memberId", "spaceId") "memberId", "spaceId", privacy::text AS privacy
     FROM "ValueProfile" WHERE "memberId" = ANY($1::text[])
     ORDER BY "memberId", "spaceId", version DESC`,
    [members],
  );
  return new Set(rows.filter((r) => r.privacy === "public").map((r) => pairKey(r.memberId, r.spaceId)));
}

export function pairKey(memberId: string, spaceId: string | null): string {
  return `${memberId}\u0000${spaceId ?? ""}`;
}

/**
 * Reads the privacy of the members in `rows` and returns the rows as they may be shown: `indent` 2 for a page,
 * 0 for an export (which then keeps the exact canonical bytes of every row that hides nothing).
 */
export async function showEntries(sql: SqlRunner, rows: readonly AuditRow[], indent = 2): Promise<ShownEntry[]> {
  const pairs = rows.flatMap((r) => (r.memberId && r.spaceId ? [{ memberId: r.memberId, spaceId: r.spaceId }] : []));
  const open = await publicProfiles(sql, pairs);
  return rows.map((row) =>
    showEntry(row, row.memberId === null || open.has(pairKey(row.memberId, row.spaceId)), indent),
  );
}

/** One row as shown; `profilePublic` false hides the private keys under `data`. */
export function showEntry(row: AuditRow, profilePublic: boolean, indent = 2): ShownEntry {
  if (profilePublic && indent === 0) return { ...row, shown: row.canonical, redacted: false };
  let parsed: unknown;
  try {
    parsed = JSON.parse(row.canonical);
  } catch {
    // Not JSON (an altered row): show the bytes as stored; /verify names it.
    return { ...row, shown: row.canonical, redacted: false };
  }
  let redacted = false;
  if (!profilePublic && isObject(parsed) && "data" in parsed) {
    const hide = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map(hide);
      if (!isObject(value)) return value;
      return Object.fromEntries(
        Object.entries(value).map(([key, inner]) => {
          if (!PRIVATE_PROFILE_KEYS.has(key)) return [key, hide(inner)];
          redacted = true;
          return [key, HIDDEN];
        }),
      );
    };
    parsed = { ...parsed, data: hide(parsed.data) };
  }
  if (indent === 0 && !redacted) return { ...row, shown: row.canonical, redacted };
  return { ...row, shown: JSON.stringify(parsed, null, indent === 0 ? undefined : indent), redacted };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
