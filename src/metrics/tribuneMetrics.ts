// Tribune's own metric families. Figures about the pipeline are read from the database when Prometheus scrapes, not
// counted in memory: every process (gateway, workers, web) reports the same truth, a restart loses nothing, and no
// module outside this folder needs instrumenting. Each query is cached for a few seconds and shared by the families
// that use it, so a scrape storm costs one query per family group, and a hung database holds one query, not hundreds.
import { Counter, type Registry } from "prom-client";
import type { SqlRunner } from "../db/sqlRunner.js";
import { CastState, DecisionOutcome } from "../generated/prisma/enums.js";
import { cachedRead } from "./cachedRead.js";
import { DatabaseFamily, histogramSamples, type Sample } from "./databaseFamily.js";
import {
  readAuditHead,
  readCastCounts,
  readDecisionCounts,
  readDigestLatency,
  readDigestTotals,
  readLlmCallTotals,
  readProposalCounts,
  readSourceProgress,
} from "./pipelineReads.js";
import { readQueueCounts } from "./queueReads.js";

export interface TribuneMetricsOptions {
  sql: SqlRunner;
  /** pg-boss's schema (the job queue's `schema` option). */
  jobSchema: string;
  /** How long a query's answer is reused. */
  cacheMs: number;
  /** How long a scrape waits for one query before leaving its families empty. */
  readTimeoutMs: number;
  /** Told about every failed read (logged by the caller); the scrape still answers. */
  onReadError: (family: string, error: unknown) => void;
  /** Epoch milliseconds; ages of Prisma's UTC timestamps are measured with it. */
  now?: () => number;
}

/** Upper bounds of the digest latency histogram, in seconds: from an instant offline digest to a backlog of hours. */
export const DIGEST_LATENCY_BOUNDS = [1, 5, 15, 30, 60, 120, 300, 600, 1_800, 3_600, 21_600];

/** Registers every pipeline family on `registry`. */
export function registerTribuneMetrics(registry: Registry, options: TribuneMetricsOptions): void {
  const now = options.now ?? Date.now;
  const failures: { inc(labels: { family: string }): void }[] = [];
  const onReadError = (family: string, error: unknown) => {
    for (const counter of failures) counter.inc({ family });
    options.onReadError(family, error);
  };
  // Reads of the current scrape, so the failure counter (registered last) can wait for them before it is read.
  const pending = new Set<Promise<Sample[]>>();
  const cached = <T>(what: string, read: () => Promise<T>) =>
    cachedRead(read, { what, ttlMs: options.cacheMs, timeoutMs: options.readTimeoutMs, now });
  const family = (name: string, type: "counter" | "gauge" | "histogram", help: string, read: () => Promise<Sample[]>) =>
    new DatabaseFamily({
      name,
      type,
      help,
      read: () => {
        const reading = read().catch((error: unknown): Sample[] => {
          onReadError(name, error);
          return [];
        });
        pending.add(reading);
        void reading.finally(() => pending.delete(reading));
        return reading;
      },
      onReadError,
    }).registerIn(registry);
  const ageSeconds = (epochSeconds: number) => Math.max(0, now() / 1_000 - epochSeconds);
  const { sql } = options;

  const proposals = cached("the proposals query", () => readProposalCounts(sql));
  family("tribune_proposals_seen", "gauge", "Proposals stored, per space and source", async () =>
    (await proposals()).map((r) => ({ labels: { space: r.space, source: r.source }, value: r.proposals })),
  );
  family(
    "tribune_proposal_newest_seen_timestamp_seconds",
    "gauge",
    "When the newest proposal of a space and source was first seen (Unix seconds)",
    async () =>
      (await proposals()).map((r) => ({ labels: { space: r.space, source: r.source }, value: r.newestSeenAt })),
  );

  const digests = cached("the digests query", () => readDigestTotals(sql));
  family("tribune_digests_total", "counter", "Digests stored, per provider and model", async () =>
    (await digests()).map((r) => ({ labels: { provider: r.provider, model: r.model }, value: r.digests })),
  );
  family(
    "tribune_digests_suspect_total",
    "counter",
    "Digests flagged by the injection screen or marked unreliable (they never yield an automatic vote)",
    async () => (await digests()).map((r) => ({ labels: { provider: r.provider, model: r.model }, value: r.suspect })),
  );
  family("tribune_digest_cost_usd_total", "counter", "Estimated LLM cost of the stored digests, in USD", async () =>
    (await digests()).map((r) => ({ labels: { provider: r.provider, model: r.model }, value: r.costUsd })),
  );
  const latency = cached("the digest latency query", () => readDigestLatency(sql, DIGEST_LATENCY_BOUNDS));
  family(
    "tribune_digest_latency_seconds",
    "histogram",
    "Time from a proposal version being seen to its first digest being stored",
    async () =>
      (await latency()).flatMap((r) =>
        histogramSamples(
          { provider: r.provider, model: r.model },
          DIGEST_LATENCY_BOUNDS,
          r.buckets,
          r.sumSeconds,
          r.count,
        ),
      ),
  );

  const llm = cached("the LLM calls query", () => readLlmCallTotals(sql));
  const llmLabels = (r: { purpose: string; provider: string; model: string }) => ({
    purpose: r.purpose,
    provider: r.provider,
    model: r.model,
  });
  family("tribune_llm_calls_total", "counter", "LLM calls, per purpose, model and outcome (ok or failed)", async () =>
    (await llm()).map((r) => ({ labels: { ...llmLabels(r), outcome: r.ok ? "ok" : "failed" }, value: r.calls })),
  );
  // Rows differ by outcome too; the families below have no outcome label, so those rows are summed into one series.
  family("tribune_llm_cost_usd_total", "counter", "Estimated cost of LLM calls, in USD", async () =>
    sumBy(await llm(), llmLabels, (r) => r.costUsd),
  );
  family(
    "tribune_llm_tokens_total",
    "counter",
    "LLM tokens, per kind (input, output, cache_read, cache_write)",
    async () =>
      sumBy(
        (await llm()).flatMap((r) =>
          Object.entries(r.tokens).map(([kind, value]) => ({ ...llmLabels(r), kind, value })),
        ),
        ({ value: _, ...labels }) => labels,
        (r) => r.value,
      ),
  );

  const decisions = cached("the decisions query", () => readDecisionCounts(sql));
  const outcomes = Object.values(DecisionOutcome);
  family("tribune_decisions_total", "counter", "Decisions made, per outcome (superseded ones included)", async () =>
    zeroFilled(outcomes, await decisions(), (r) => r.total),
  );
  family("tribune_decisions_current", "gauge", "Decisions not superseded by a newer digest or profile", async () =>
    zeroFilled(outcomes, await decisions(), (r) => r.current),
  );

  const casts = cached("the casts query", () => readCastCounts(sql));
  family("tribune_casts", "gauge", "Votes in the casting outbox, per state and mode (dry_run or live)", async () => {
    const rows = await casts();
    return Object.values(CastState).flatMap((state) =>
      [true, false].map((dryRun) => ({
        labels: { state, mode: dryRun ? "dry_run" : "live" },
        value: rows.find((r) => r.state === state && r.dryRun === dryRun)?.casts ?? 0,
      })),
    );
  });
  family(
    "tribune_casts_oldest_due_seconds",
    "gauge",
    "How long the oldest vote that is due has waited to be cast (0 when none is due)",
    async () => {
      const due = (await casts()).flatMap((r) => (r.oldestDueAt === null ? [] : [r.oldestDueAt]));
      return [{ labels: {}, value: due.length > 0 ? ageSeconds(Math.min(...due)) : 0 }];
    },
  );

  const queues = cached("the job queue query", () => readQueueCounts(sql, options.jobSchema));
  family("tribune_job_queue_depth", "gauge", "Jobs per queue: ready to run, scheduled for later, or active", async () =>
    (await queues()).flatMap((q) =>
      (["ready", "scheduled", "active"] as const).map((state) => ({
        labels: { queue: q.queue, state },
        value: q[state],
      })),
    ),
  );
  family(
    "tribune_job_queue_oldest_ready_seconds",
    "gauge",
    "How long the oldest runnable job of a queue has waited for a worker (0 when none waits)",
    async () => (await queues()).map((q) => ({ labels: { queue: q.queue }, value: q.oldestReadySeconds })),
  );

  const progress = cached("the source progress query", () => readSourceProgress(sql));
  family(
    "tribune_source_lag_seconds",
    "gauge",
    "Time since a space's source last confirmed it current (its watcher's cursor advanced), per watched space",
    async () =>
      (await progress()).map((r) => ({
        labels: { space: r.space, source: r.source },
        value: ageSeconds(r.confirmedAt),
      })),
  );

  const audit = cached("the audit head query", () => readAuditHead(sql));
  family("tribune_audit_entries", "gauge", "Entries in the hash-chained audit log", async () => [
    { labels: {}, value: await audit() },
  ]);

  // Last, so that in a scrape its collect runs after every family above has started reading, and it counts this
  // scrape's failures rather than only the previous one's.
  failures.push(
    new Counter({
      name: "tribune_metrics_read_failures_total",
      help: "Scrape-time database reads that failed or timed out, per family (the family was left empty)",
      labelNames: ["family"],
      registers: [registry],
      async collect() {
        await Promise.allSettled([...pending]);
      },
    }),
  );
}

function zeroFilled<R extends { outcome: string }>(keys: readonly string[], rows: R[], value: (r: R) => number) {
  return keys.map((outcome) => {
    const row = rows.find((r) => r.outcome === outcome);
    return { labels: { outcome }, value: row ? value(row) : 0 };
  });
}

function sumBy<R>(rows: R[], labels: (r: R) => Record<string, string>, value: (r: R) => number): Sample[] {
  const sums = new Map<string, Sample>();
  for (const row of rows) {
    const key = JSON.stringify(labels(row));
    const sample = sums.get(key) ?? { labels: labels(row), value: 0 };
    sample.value += value(row);
    sums.set(key, sample);
  }
  return [...sums.values()];
}
