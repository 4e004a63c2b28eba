import { collectDefaultMetrics, Gauge, Registry } from "prom-client";

export interface MetricsSources {
  /** Jobs waiting or running per queue, read at scrape time. */
  queueDepth?: () => Promise<Record<string, number>>;
  /** Entries in the audit log, read at scrape time. */
  auditEntries?: () => Promise<number>;
}

/** Tribune's Prometheus registry: process metrics plus gauges read from the system when scraped. */
export function createMetrics(sources: MetricsSources): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ app: "tribune" });
  collectDefaultMetrics({ register: registry });
  if (sources.queueDepth) {
    const read = sources.queueDepth;
    new Gauge({
      name: "tribune_job_queue_depth",
      help: "Jobs waiting or running, per queue",
      labelNames: ["queue"],
      registers: [registry],
      async collect() {
        for (const [queue, depth] of Object.entries(await read())) this.set({ queue }, depth);
      },
    });
  }
  if (sources.auditEntries) {
    const read = sources.auditEntries;
    new Gauge({
      name: "tribune_audit_entries",
      help: "Entries in the hash-chained audit log",
      registers: [registry],
      async collect() {
        this.set(await read());
      },
    });
  }
  return registry;
}
