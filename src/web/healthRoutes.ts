import type { Registry } from "prom-client";
import type { Route } from "./webServer.js";
import { sendText } from "./webServer.js";

/** What /readyz reports: each check's name and whether it passed (with a reason if not). */
export type ReadinessCheck = () => Promise<{ name: string; ok: boolean; detail?: string }[]>;

/** /healthz: the process is alive (no I/O, so a slow database never makes it look dead). */
export const healthzRoute: Route = (request, response, url) => {
  if (url.pathname !== "/healthz" || request.method !== "GET") return false;
  sendText(response, 200, "ok\n");
  return true;
};

/** /readyz: the database answers, migrations are applied and the queue is reachable; 503 with reasons if not. */
export function readyzRoute(check: ReadinessCheck): Route {
  return async (request, response, url) => {
    if (url.pathname !== "/readyz" || request.method !== "GET") return false;
    const results = await check();
    const ready = results.every((r) => r.ok);
    sendText(response, ready ? 200 : 503, `${JSON.stringify({ ready, checks: results })}\n`, "application/json");
    return true;
  };
}

/** /metrics in Prometheus' text format. */
export function metricsRoute(registry: Registry): Route {
  return async (request, response, url) => {
    if (url.pathname !== "/metrics" || request.method !== "GET") return false;
    sendText(response, 200, await registry.metrics(), registry.contentType);
    return true;
  };
}
