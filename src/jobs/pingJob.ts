import { hostname } from "node:os";
import type { AuditLog } from "../audit/auditLog.js";
import type { systemPing } from "./jobCatalog.js";
import type { JobHandler } from "./jobQueue.js";

/**
 * Handles `system.ping`: records that a worker received it, which proves enqueue → worker → database. The entry names
 * the worker (host and process) so an operator running several can see which one answered.
 */
export function createPingHandler({
  audit,
  workerId = `${hostname()}:${process.pid}`,
}: {
  audit: AuditLog;
  workerId?: string;
}): JobHandler<typeof systemPing> {
  return async (payload, { jobId }) => {
    const latencyMs = Date.now() - Date.parse(payload.requestedAt);
    await audit.append({
      action: "system.ping",
      actor: "worker",
      data: { jobId, note: payload.note, latencyMs, worker: workerId },
    });
  };
}
