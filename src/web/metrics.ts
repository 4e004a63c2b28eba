import { collectDefaultMetrics, Registry } from "prom-client";
import type { SqlRunner } from "../db/sqlRunner.js";
import { type InteractionAck, interactionLatency } from "../metrics/interactionLatency.js";
import { registerTribuneMetrics } from "../metrics/tribuneMetrics.js";

export type { InteractionAck } from "../metrics/interactionLatency.js";

export interface MetricsOptions {
  /** The database the pipeline figures are read from at scrape time. */
  sql: SqlRunner;
  /** pg-boss's schema; "pgboss" unless the job queue was given another. */
  jobSchema?: string;
  /** How long a scrape-time query's answer is reused (default 5 s). */
  cacheMs?: number;
  /** How long a scrape waits for one query (default 3 s, under Prometheus's default 10 s scrape timeout). */
  readTimeoutMs?: number;
  /** Told about failed scrape-time reads; the scrape still answers. */
  onReadError: (family: string, error: unknown) => void;
  now?: () => number;
}

/** The process's metrics: the registry /metrics serves, and the observers other parts feed. */
export interface TribuneMetrics {
  readonly registry: Registry;
  /** Feed from the interaction router's `onAcknowledged` hook (Discord runs in the all and gateway roles). */
  observeInteraction(ack: InteractionAck): void;
}

/** Tribune's Prometheus registry: process metrics, pipeline figures read from the database, Discord latency. */
export function createMetrics(options: MetricsOptions): TribuneMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ app: "tribune" });
  collectDefaultMetrics({ register: registry });
  registerTribuneMetrics(registry, {
    sql: options.sql,
    jobSchema: options.jobSchema ?? "pgboss",
    cacheMs: options.cacheMs ?? 5_000,
    readTimeoutMs: options.readTimeoutMs ?? 3_000,
    onReadError: options.onReadError,
    now: options.now,
  });
  return { registry, observeInteraction: interactionLatency(registry) };
}
