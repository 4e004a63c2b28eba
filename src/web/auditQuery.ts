import type { ChainedEntry } from "../audit/hashChain.js";
import { type AuditFilter, type AuditPosition, searchQuery } from "./auditFilter.js";

// SQL for one page of the audit log as a steward may see it. Every page is a bounded query: each "branch" (one of
// the steward's spaces, or Tribune's own space-less entries) is an index range scan on (spaceId, …, seq) that stops
// after `limit` rows, and the branches are merged by seq. Never OFFSET: a deep page costs what the first one does.

/** What a steward may see: entries of these spaces, plus Tribune's own entries (no space, proposal or member). */
export interface AuditScope {
  spaceIds: readonly string[];
}

/** An audit entry as the web view reads it (`at` as an ISO string, so no driver guesses its time zone). */
export type AuditRow = Omit<ChainedEntry, "at"> & { at: string };

/** The stretch of seq a time range covers (see `seqBoundsQueries`); `empty` when no entry falls in it. */
export type SeqBounds = { min: number | null; max: number | null } | "empty";

export interface SqlQuery {
  text: string;
  values: unknown[];
}

const COLUMNS = `seq, to_char("at", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "at", action, actor, "spaceId", "proposalId",
  "memberId", canonical, "prevHash", hash`;

/**
 * The SQL for one page. Without a search: one query, every branch an index range scan in seq order, merged by seq.
 * With a search, the reader decides per branch between two bounded plans (see auditReader): `walk` reads the
 * branch's next entries in order and keeps those that match (cheap for a common word), `indexed` asks the text index
 * for the matching entries only (cheap for a rare word).
 */
export type PageQueries = { kind: "merged"; query: SqlQuery } | { kind: "search"; branches: BranchSearch[] };

/** The ways to search one branch from a position. */
export interface BranchSearch {
  /**
   * The first `limit` matches among the next `window` entries. Lazy: it stops reading as soon as it has them, so a
   * common word costs a few hundred rows.
   */
  walk(position: AuditPosition, window: number, limit: number): SqlQuery;
  /** How many entries the same window holds and the last seq in it (`{ rows, edge }`), read from the index only. */
  windowEdge(position: AuditPosition, window: number): SqlQuery;
  /** The first `limit` matches, through the text index; run with plain index scans off (see auditReader). */
  indexed(position: AuditPosition, limit: number): SqlQuery;
}

/**
 * One page in the direction `position` asks: newest first from the top or `before`, oldest first after `after`
 * (the caller reverses those). Null when the filter cannot match anything the steward may see.
 */
export function auditPageQueries(
  scope: AuditScope,
  filter: AuditFilter,
  bounds: SeqBounds,
  position: AuditPosition,
  limit: number,
): PageQueries | null {
  if (bounds === "empty") return null;
  const branches = visibleBranches(scope, filter);
  if (branches.length === 0) return null;
  const tsquery = filter.q ? searchQuery(filter.q) : null;

  /** The WHERE conditions shared by every plan, for one branch (or several), from a position. */
  const where = (from: AuditPosition, param: Param, searchIndex: boolean) => (branch: Branch) => {
    const conditions = [branch.sql(param, searchIndex)];
    if (filter.proposalId) conditions.push(`"proposalId" = ${param(filter.proposalId)}`);
    if (filter.memberId) conditions.push(`"memberId" = ${param(filter.memberId)}`);
    if (filter.action) conditions.push(`action = ${param(filter.action)}`);
    if (bounds.min !== null) conditions.push(`seq >= ${param(bounds.min)}`);
    if (bounds.max !== null) conditions.push(`seq <= ${param(bounds.max)}`);
    if (from) conditions.push("after" in from ? `seq > ${param(from.after)}` : `seq < ${param(from.before)}`);
    return conditions.join(" AND ");
  };
  const order = (from: AuditPosition) => (from !== null && "after" in from ? "ASC" : "DESC");
  // The same expression as the GIN indexes of migration *_audit_web_view_indexes, so the planner can use them.
  const matches = (param: Param) => `to_tsvector('simple', canonical) @@ to_tsquery('simple', ${param(tsquery)})`;

  if (!tsquery) {
    const { param, values } = parameters();
    const conditions = where(position, param, false);
    const take = param(limit);
    const parts = branches.map(
      (b) => `SELECT ${COLUMNS} FROM "AuditEntry" WHERE ${conditions(b)} ORDER BY seq ${order(position)} LIMIT ${take}`,
    );
    const text =
      parts.length === 1
        ? (parts[0] as string)
        : `SELECT * FROM (${parts.map((p) => `(${p})`).join(" UNION ALL ")}) AS page ORDER BY seq ${order(position)} LIMIT ${take}`;
    return { kind: "merged", query: { text, values } };
  }

  return {
    kind: "search",
    branches: branches.map((branch) => ({
      walk(from, window, take) {
        const { param, values } = parameters();
        const dir = order(from);
        const text = `SELECT * FROM (
            SELECT ${COLUMNS} FROM "AuditEntry" WHERE ${where(from, param, false)(branch)} ORDER BY seq ${dir} LIMIT ${param(window)}
          ) AS win WHERE ${matches(param)} ORDER BY seq ${dir} LIMIT ${param(take)}`;
        return { text, values };
      },
      windowEdge(from, window) {
        const { param, values } = parameters();
        const dir = order(from);
        const text = `SELECT count(*)::int AS rows, ${dir === "ASC" ? "max" : "min"}(seq) AS edge FROM (
            SELECT seq FROM "AuditEntry" WHERE ${where(from, param, false)(branch)} ORDER BY seq ${dir} LIMIT ${param(window)}
          ) AS win`;
        return { text, values };
      },
      indexed(from, take) {
        const { param, values } = parameters();
        const text = `SELECT ${COLUMNS} FROM "AuditEntry" WHERE ${where(from, param, true)(branch)} AND ${matches(param)}
          ORDER BY seq ${order(from)} LIMIT ${param(take)}`;
        return { text, values };
      },
    })),
  };
}

type Param = (value: unknown) => string;

function parameters(): { param: Param; values: unknown[] } {
  const values: unknown[] = [];
  return {
    values,
    param: (value) => {
      values.push(value);
      return `$${values.length}`;
    },
  };
}

/** One part of what a steward may see, as a condition that one index answers in seq order. */
interface Branch {
  /** `searchIndex`: the form that the text indexes' predicates match (see Tribune's own entries below). */
  sql(param: Param, searchIndex: boolean): string;
}

function visibleBranches(scope: AuditScope, filter: AuditFilter): Branch[] {
  const space = (id: string): Branch => ({ sql: (param) => `"spaceId" = ${param(id)}` });
  if (filter.spaceId) return scope.spaceIds.includes(filter.spaceId) ? [space(filter.spaceId)] : [];
  const branches = scope.spaceIds.map(space);
  // Tribune's own entries (start-ups, configuration) belong to no space and concern every steward. An entry about a
  // proposal or a member always names its space, so one without a space is never shown here. Two partial indexes
  // serve them: on seq for pages, written with IS NULLs, and a text index for searches, written with coalesce. The
  // two spellings are the same condition, but the planner matches predicates by form, so each query can name the
  // index it needs (otherwise a search may pick the seq index and test every one of these entries).
  if (!filter.proposalId && !filter.memberId) {
    branches.push({
      sql: (_param, searchIndex) =>
        searchIndex
          ? `coalesce("spaceId", "proposalId", "memberId") IS NULL`
          : `"spaceId" IS NULL AND "proposalId" IS NULL AND "memberId" IS NULL`,
    });
  }
  return branches;
}

/**
 * The two lookups that turn a time range into a range of seq. The log's order is seq; `at` is the appender's clock,
 * in order within a process, so the range is "from the first entry at or after `from` to the last before `until`".
 * Each is an index probe on (at) plus a probe for the other entries of the same instant (a batch shares one `at`).
 */
export function seqBoundsQueries(filter: AuditFilter): { min: SqlQuery | null; max: SqlQuery | null } {
  const utc = (date: Date) => date.toISOString().replace("Z", "");
  return {
    min: filter.from
      ? {
          text: `SELECT min(seq) AS seq FROM "AuditEntry" WHERE "at" = (SELECT "at" FROM "AuditEntry"
                 WHERE "at" >= $1::timestamp ORDER BY "at" ASC LIMIT 1)`,
          values: [utc(filter.from)],
        }
      : null,
    max: filter.until
      ? {
          text: `SELECT max(seq) AS seq FROM "AuditEntry" WHERE "at" = (SELECT "at" FROM "AuditEntry"
                 WHERE "at" < $1::timestamp ORDER BY "at" DESC LIMIT 1)`,
          values: [utc(filter.until)],
        }
      : null,
  };
}

/**
 * The distinct actions in the log, for the filter's list: a loose index scan on (action, seq), one probe per
 * action, so it costs the number of distinct actions, not the number of entries.
 */
export const DISTINCT_ACTIONS_SQL = `WITH RECURSIVE actions AS (
    (SELECT action FROM "AuditEntry" ORDER BY action LIMIT 1)
    UNION ALL
    SELECT (SELECT e.action FROM "AuditEntry" e WHERE e.action > a.action ORDER BY e.action LIMIT 1)
    FROM actions a WHERE a.action IS NOT NULL
  )
  SELECT action FROM actions WHERE action IS NOT NULL LIMIT 500`;
