// Start-up wiring, split from main.ts by part: the web server with health, readiness and metrics.
import type { Database } from "../db/database.js";
import type { readMigrations } from "../db/migrate.js";
import type { JobQueue } from "../jobs/jobQueue.js";
import type { Logger } from "../log/logger.js";
import { createReadinessCheck } from "../metrics/readiness.js";
import { healthzRoute, metricsRoute, readyzRoute } from "../web/healthRoutes.js";
import { createMetrics, type TribuneMetrics } from "../web/metrics.js";
import { createWebServer, type Route, type WebServer } from "../web/webServer.js";

export interface StartWebOptions {
  /** pg-boss's schema, if the job queue was given one other than "pgboss". */
  jobSchema?: string;
  /** How long scrape-time queries are reused (default 5 s). */
  metricsCacheMs?: number;
  /** Per readiness check and per scrape-time query (default 3 s). */
  checkTimeoutMs?: number;
}

/** The web server, and the metrics it serves (hand `metrics.observeInteraction` to the Discord router). */
export type StartedWeb = WebServer & { readonly metrics: TribuneMetrics };

/** A failing scrape-time query is logged at most this often per family, so a database outage does not flood logs. */
const READ_ERROR_LOG_EVERY_MS = 60_000;

export function startWeb(
  db: Database,
  queue: JobQueue,
  migrations: Awaited<ReturnType<typeof readMigrations>>,
  logger: Logger,
  extraRoutes: readonly Route[],
  options: StartWebOptions = {},
): StartedWeb {
  const timeoutMs = options.checkTimeoutMs ?? 3_000;
  const lastLogged = new Map<string, number>();
  const metrics = createMetrics({
    sql: db.sql,
    jobSchema: options.jobSchema,
    cacheMs: options.metricsCacheMs,
    readTimeoutMs: timeoutMs,
    onReadError: (family, error) => {
      const now = Date.now();
      if (now - (lastLogged.get(family) ?? 0) < READ_ERROR_LOG_EVERY_MS) return;
      lastLogged.set(family, now);
      logger.warn({ err: error, family }, "a metric could not be read; /metrics leaves it out until it can");
    },
  });
  const readiness = createReadinessCheck({
    sql: db.sql,
    migrations,
    queueReachable: () => queue.depth(),
    timeoutMs,
  });
  const server = createWebServer({
    routes: [healthzRoute, readyzRoute(readiness), metricsRoute(metrics.registry), ...extraRoutes],
    onError: (error, errorId) => logger.error({ err: error, errorId }, "web request failed"),
  });
  return { listen: server.listen, close: server.close, metrics };
}
