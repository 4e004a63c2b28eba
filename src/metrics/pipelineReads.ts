// The queries behind Tribune's pipeline metrics: one aggregate per family (several families may share one), run at
// scrape time on either engine. Counts come back from PostgreSQL as text (bigint), hence the Number() on every field.
// Prisma's DateTime columns are `timestamp` in UTC, so they are returned as epoch seconds and aged with the process's
// clock; pg-boss's are `timestamptz` and are aged with the database's own clock (see queueReads.ts).
import type { SqlRunner } from "../db/sqlRunner.js";

/** Proposals per space and source, and when the newest of them was first seen (epoch seconds). */
export interface ProposalCounts {
  space: string;
  source: string;
  proposals: number;
  newestSeenAt: number;
}

export async function readProposalCounts(sql: SqlRunner): Promise<ProposalCounts[]> {
  const { rows } = await sql.query<Record<string, unknown>>(
    `SELECT s."externalId" AS space, p.source::text AS source, count(*) AS proposals,
            EXTRACT(EPOCH FROM max(p."firstSeenAt")) AS newest
       FROM "Proposal" p JOIN "Space" s ON s.id = p."spaceId"
      GROUP BY s."externalId", p.source`,
  );
  return rows.map((r) => ({
    space: String(r.space),
    source: String(r.source),
    proposals: Number(r.proposals),
    newestSeenAt: Number(r.newest),
  }));
}

/** Digests stored per provider and model: how many, how many flagged or unreliable, and what they cost. */
export interface DigestTotals {
  provider: string;
  model: string;
  digests: number;
  suspect: number;
  costUsd: number;
}

export async function readDigestTotals(sql: SqlRunner): Promise<DigestTotals[]> {
  const { rows } = await sql.query<Record<string, unknown>>(
    `SELECT provider, model, count(*) AS digests, count(*) FILTER (WHERE flagged OR unreliable) AS suspect,
            COALESCE(sum("costUsd"), 0)::float8 AS cost
       FROM "Digest" GROUP BY provider, model`,
  );
  return rows.map((r) => ({
    provider: String(r.provider),
    model: String(r.model),
    digests: Number(r.digests),
    suspect: Number(r.suspect),
    costUsd: Number(r.cost),
  }));
}

/** Time from a proposal version being seen to its first digest, as cumulative counts per bucket bound. */
export interface DigestLatency {
  provider: string;
  model: string;
  /** `buckets[i]`: first digests that took ≤ `bounds[i]` seconds. */
  buckets: number[];
  sumSeconds: number;
  count: number;
}

/**
 * Only each version's first digest counts: a later one (a new prompt, model or taxonomy) re-reads an old version,
 * and its age says nothing about how fast the pipeline is.
 */
export async function readDigestLatency(sql: SqlRunner, bounds: readonly number[]): Promise<DigestLatency[]> {
  const buckets = bounds.map((b, i) => `count(*) FILTER (WHERE latency <= ${Number(b)}) AS b${i}`).join(", ");
  const { rows } = await sql.query<Record<string, unknown>>(
    `WITH firsts AS (
       SELECT DISTINCT ON (d."proposalVersionId") d.provider, d.model,
              GREATEST(EXTRACT(EPOCH FROM d."createdAt" - v."seenAt"), 0) AS latency
         FROM "Digest" d JOIN "ProposalVersion" v ON v.id = d."proposalVersionId"
        ORDER BY d."proposalVersionId", d."createdAt"
     )
     SELECT provider, model, count(*) AS n, COALESCE(sum(latency), 0)::float8 AS total, ${buckets}
       FROM firsts GROUP BY provider, model`,
  );
  return rows.map((r) => ({
    provider: String(r.provider),
    model: String(r.model),
    buckets: bounds.map((_, i) => Number(r[`b${i}`])),
    sumSeconds: Number(r.total),
    count: Number(r.n),
  }));
}

/** LLM calls (digests, profile compilation, wording) per purpose, provider, model and whether they succeeded. */
export interface LlmCallTotals {
  purpose: string;
  provider: string;
  model: string;
  ok: boolean;
  calls: number;
  costUsd: number;
  tokens: { input: number; output: number; cache_read: number; cache_write: number };
}

export async function readLlmCallTotals(sql: SqlRunner): Promise<LlmCallTotals[]> {
  const { rows } = await sql.query<Record<string, unknown>>(
    `SELECT purpose, provider, model, (failure IS NULL) AS ok, count(*) AS calls,
            COALESCE(sum("costUsd"), 0)::float8 AS cost, COALESCE(sum("inputTokens"), 0) AS input,
            COALESCE(sum("outputTokens"), 0) AS output, COALESCE(sum("cacheReadTokens"), 0) AS cache_read,
            COALESCE(sum("cacheWriteTokens"), 0) AS cache_write
       FROM "LlmCall" GROUP BY purpose, provider, model, (failure IS NULL)`,
  );
  return rows.map((r) => ({
    purpose: String(r.purpose),
    provider: String(r.provider),
    model: String(r.model),
    ok: r.ok === true || r.ok === "t",
    calls: Number(r.calls),
    costUsd: Number(r.cost),
    tokens: {
      input: Number(r.input),
      output: Number(r.output),
      cache_read: Number(r.cache_read),
      cache_write: Number(r.cache_write),
    },
  }));
}

/** Decisions per outcome: every one recorded, and those not yet superseded. */
export interface DecisionCounts {
  outcome: string;
  total: number;
  current: number;
}

export async function readDecisionCounts(sql: SqlRunner): Promise<DecisionCounts[]> {
  const { rows } = await sql.query<Record<string, unknown>>(
    `SELECT outcome::text AS outcome, count(*) AS total, count(*) FILTER (WHERE "staleAt" IS NULL) AS current
       FROM "Decision" GROUP BY outcome`,
  );
  return rows.map((r) => ({ outcome: String(r.outcome), total: Number(r.total), current: Number(r.current) }));
}

/** Outbox rows per state and mode, and the oldest `dueAt` among those due (epoch seconds, null if none). */
export interface CastCounts {
  state: string;
  dryRun: boolean;
  casts: number;
  oldestDueAt: number | null;
}

export async function readCastCounts(sql: SqlRunner): Promise<CastCounts[]> {
  const { rows } = await sql.query<Record<string, unknown>>(
    `SELECT state::text AS state, "dryRun" AS dry_run, count(*) AS casts,
            EXTRACT(EPOCH FROM min("dueAt") FILTER (WHERE state = 'due')) AS oldest_due
       FROM "Cast" GROUP BY state, "dryRun"`,
  );
  return rows.map((r) => ({
    state: String(r.state),
    dryRun: r.dry_run === true || r.dry_run === "t",
    casts: Number(r.casts),
    oldestDueAt: r.oldest_due === null || r.oldest_due === undefined ? null : Number(r.oldest_due),
  }));
}

/**
 * When each watched space's source last confirmed it current (epoch seconds): a Governor space by its own block
 * cursor (`SourceCursor` "governor"/<space id>), a Snapshot space by the hub feed's cursor, which one poll advances
 * for every space it has backfilled ("snapshot.space" marks). A space no watcher has read has no lag to report (a
 * replayed demo space, a watcher turned off): it is left out rather than shown as ever more behind.
 */
export interface SourceProgress {
  space: string;
  source: string;
  confirmedAt: number;
}

export async function readSourceProgress(sql: SqlRunner): Promise<SourceProgress[]> {
  const { rows } = await sql.query<Record<string, unknown>>(
    `SELECT s."externalId" AS space, s.kind::text AS source,
            EXTRACT(EPOCH FROM CASE WHEN s.kind = 'governor' THEN g."updatedAt" ELSE f."updatedAt" END) AS confirmed
       FROM "Space" s
       LEFT JOIN "SourceCursor" g ON g.source = 'governor' AND g.key = s."externalId"
       LEFT JOIN "SourceCursor" m ON m.source = 'snapshot.space' AND m.key = s."externalId"
       LEFT JOIN "SourceCursor" f ON f.source = 'snapshot' AND f.key = 'feed'
      WHERE s."removedAt" IS NULL
        AND CASE WHEN s.kind = 'governor' THEN g.id IS NOT NULL ELSE m.id IS NOT NULL AND f.id IS NOT NULL END`,
  );
  return rows.map((r) => ({ space: String(r.space), source: String(r.source), confirmedAt: Number(r.confirmed) }));
}

/** Entries in the audit chain: its head's seq, which is gapless from 1 (an index lookup, not a count). */
export async function readAuditHead(sql: SqlRunner): Promise<number> {
  const { rows } = await sql.query<{ head: unknown }>(`SELECT COALESCE(max(seq), 0) AS head FROM "AuditEntry"`);
  return Number(rows[0]?.head ?? 0);
}
