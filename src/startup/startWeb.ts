// Start-up wiring, split from main.ts by part: the web server with health, readiness and metrics.
import type { Database } from "../db/database.js";
import { pendingMigrations, type readMigrations } from "../db/migrate.js";
import type { JobQueue } from "../jobs/jobQueue.js";
import type { Logger } from "../log/logger.js";
import { healthzRoute, metricsRoute, readyzRoute } from "../web/healthRoutes.js";
import { createMetrics } from "../web/metrics.js";
import { createWebServer, type Route, type WebServer } from "../web/webServer.js";

export function startWeb(
  db: Database,
  queue: JobQueue,
  migrations: Awaited<ReturnType<typeof readMigrations>>,
  logger: Logger,
  extraRoutes: readonly Route[],
): WebServer {
  const metrics = createMetrics({
    queueDepth: () => queue.depth(),
    auditEntries: () => db.prisma.auditEntry.count(),
  });
  const readiness = async () => {
    const checks: { name: string; ok: boolean; detail?: string }[] = [];
    const attempt = async (name: string, check: () => Promise<string | undefined>) => {
      try {
        const problem = await check();
        checks.push(problem ? { name, ok: false, detail: problem } : { name, ok: true });
      } catch (error) {
        checks.push({ name, ok: false, detail: error instanceof Error ? error.message : String(error) });
      }
    };
    await attempt("database", async () => {
      await db.sql.query("SELECT 1");
      return undefined;
    });
    await attempt("migrations", async () => {
      const pending = await pendingMigrations(db.sql, migrations);
      return pending.length > 0 ? `pending: ${pending.join(", ")}` : undefined;
    });
    await attempt("queue", async () => {
      await queue.depth();
      return undefined;
    });
    return checks;
  };
  return createWebServer({
    routes: [healthzRoute, readyzRoute(readiness), metricsRoute(metrics), ...extraRoutes],
    onError: (error, errorId) => logger.error({ err: error, errorId }, "web request failed"),
  });
}
