import type { SqlRunner } from "../db/sqlRunner.js";
import type { AuditFilter, AuditPosition } from "./auditFilter.js";
import {
  type AuditRow,
  type AuditScope,
  auditPageQueries,
  type BranchSearch,
  DISTINCT_ACTIONS_SQL,
  type SeqBounds,
  type SqlQuery,
  seqBoundsQueries,
} from "./auditQuery.js";

/** A search first reads this many of a branch's entries in order: enough to find a common word's page. */
const WALK_FIRST = 500;
/**
 * At most this many entries are read in order per branch; when the matches found so far say more would be needed,
 * the word is rare enough (under ~0.3% of entries) that the text index returns its few matches faster.
 */
const WALK_MAX = 20_000;

/**
 * Planner settings for a search that the recent window could not satisfy: with plain index scans and sequential
 * scans off, PostgreSQL must answer from the text indexes (a bitmap plan, alone or intersected with the branch's
 * index) and read only the rows that match, instead of walking the branch newest-first testing each row, which for
 * a word the branch does not contain is the whole branch (seconds on a million entries).
 */
const BITMAP_ONLY = [
  "SET LOCAL enable_indexscan = off",
  "SET LOCAL enable_indexonlyscan = off",
  "SET LOCAL enable_seqscan = off",
];

const args = (query: SqlQuery) => [query.text, query.values] as const;

/** One page of the log, newest first, with the cursors of the pages beside it (null where there is none). */
export interface AuditPage {
  entries: AuditRow[];
  /** `after` for the newer page. */
  newer: number | null;
  /** `before` for the older page. */
  older: number | null;
}

/** Reads the audit log the way the web view shows it: scoped to a steward, filtered, by keyset pages. */
export interface AuditReader {
  page(scope: AuditScope, filter: AuditFilter, position: AuditPosition, limit: number): Promise<AuditPage>;
  /** Every matching entry, newest first, `batchSize` at a time: exports stream these without holding them all. */
  batches(scope: AuditScope, filter: AuditFilter, batchSize: number): AsyncGenerator<AuditRow[]>;
  /** The action names in the log, sorted (for the filter's list). */
  actions(): Promise<string[]>;
}

export interface AuditReaderOptions {
  sql: SqlRunner;
  /** How a search walks a branch (defaults WALK_FIRST and WALK_MAX; tests make them small to reach every path). */
  walk?: { first: number; max: number };
}

/** Builds the reader over raw SQL (both engines). */
export function createAuditReader({
  sql,
  walk = { first: WALK_FIRST, max: WALK_MAX },
}: AuditReaderOptions): AuditReader {
  async function bounds(filter: AuditFilter): Promise<SeqBounds> {
    const queries = seqBoundsQueries(filter);
    const read = async (query: { text: string; values: unknown[] } | null) => {
      if (!query) return undefined;
      const { rows } = await sql.query<{ seq: number | null }>(query.text, query.values);
      return rows[0]?.seq ?? null;
    };
    const [min, max] = await Promise.all([read(queries.min), read(queries.max)]);
    // A bound that was asked for but found no entry means nothing falls in the range.
    if (min === null || max === null) return "empty";
    if (min !== undefined && max !== undefined && min > max) return "empty";
    return { min: min ?? null, max: max ?? null };
  }

  async function fetch(
    scope: AuditScope,
    filter: AuditFilter,
    range: SeqBounds,
    position: AuditPosition,
    limit: number,
  ): Promise<AuditRow[]> {
    const queries = auditPageQueries(scope, filter, range, position, limit);
    if (!queries) return [];
    if (queries.kind === "merged") return run(queries.query);
    const found: AuditRow[] = [];
    for (const branch of queries.branches) found.push(...(await searchBranch(branch, position, limit)));
    const ascending = position !== null && "after" in position;
    found.sort((a, b) => (ascending ? a.seq - b.seq : b.seq - a.seq));
    return found.slice(0, limit);
  }

  /**
   * The first `limit` matches in one branch: walk it in order while the density of matches seen so far says the
   * page is near, and hand over to the text index once it says otherwise. Either way the work is bounded: at most
   * `walk.max` entries read in order, and the index only when matches are rare.
   */
  async function searchBranch(branch: BranchSearch, position: AuditPosition, limit: number): Promise<AuditRow[]> {
    const ascending = position !== null && "after" in position;
    const found: AuditRow[] = [];
    let from = position;
    let walked = 0;
    let window = walk.first;
    for (;;) {
      const hits = await run(branch.walk(from, window, limit - found.length));
      found.push(...hits);
      if (found.length >= limit) return found;
      // Fewer than asked: the whole window was read. Where did it end, and was the branch exhausted?
      const { rows } = await sql.query<{ rows: number; edge: number | null }>(...args(branch.windowEdge(from, window)));
      const read = Number(rows[0]?.rows ?? 0);
      const edge = rows[0]?.edge;
      walked += read;
      if (read < window || edge === null || edge === undefined) return found;
      from = ascending ? { after: Number(edge) } : { before: Number(edge) };
      const need = limit - found.length;
      const predicted = found.length === 0 ? Number.POSITIVE_INFINITY : Math.ceil((need * walked) / found.length);
      if (walked + predicted > walk.max) return [...found, ...(await indexed(branch.indexed(from, need)))];
      window = Math.min(walk.max - walked, Math.max(walk.first, 2 * predicted));
    }
  }

  async function run(query: SqlQuery): Promise<AuditRow[]> {
    return (await sql.query<AuditRow>(...args(query))).rows.map((row) => ({ ...row, seq: Number(row.seq) }));
  }

  function indexed(query: SqlQuery): Promise<AuditRow[]> {
    return sql.transaction(async (tx) => {
      for (const setting of BITMAP_ONLY) await tx.query(setting);
      const { rows } = await tx.query<AuditRow>(query.text, query.values);
      return rows.map((row) => ({ ...row, seq: Number(row.seq) }));
    });
  }

  return {
    async page(scope, filter, position, limit) {
      const range = await bounds(filter);
      const rows = await fetch(scope, filter, range, position, limit + 1);
      const more = rows.length > limit;
      const shown = rows.slice(0, limit);
      if (position && "after" in position) {
        shown.reverse();
        const oldest = shown.at(-1)?.seq ?? position.after + 1;
        const older = (await fetch(scope, filter, range, { before: oldest }, 1)).length > 0 ? oldest : null;
        return { entries: shown, newer: more ? (shown[0]?.seq ?? null) : null, older };
      }
      const newest = shown[0]?.seq ?? (position ? position.before - 1 : null);
      const newer =
        position && newest !== null && (await fetch(scope, filter, range, { after: newest }, 1)).length > 0
          ? newest
          : null;
      return { entries: shown, newer, older: more ? (shown.at(-1)?.seq ?? null) : null };
    },

    async *batches(scope, filter, batchSize) {
      const range = await bounds(filter);
      let position: AuditPosition = null;
      for (;;) {
        const rows = await fetch(scope, filter, range, position, batchSize);
        if (rows.length > 0) yield rows;
        if (rows.length < batchSize) return;
        position = { before: (rows.at(-1) as AuditRow).seq };
      }
    },

    async actions() {
      const { rows } = await sql.query<{ action: string }>(DISTINCT_ACTIONS_SQL);
      return rows.map((row) => row.action);
    },
  };
}
