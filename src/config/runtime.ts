import { z } from "zod";
import { boolVar, enumVar, envField, fail, intVar, ok } from "./envFields.js";
import { quoteValue } from "./quoteValue.js";

/**
 * What this process does: everything (one machine), or one part when the deployment scales out: the Discord
 * gateway, pipeline workers, or the web view.
 */
export const roles = ["all", "gateway", "worker", "web"] as const;
export type Role = (typeof roles)[number];

/** The process's role and its share of the job queue. */
export type RuntimeConfig = {
  /** `ROLE`. */
  readonly role: Role;
  /** `WORKERS_ENABLED`: false keeps this process from taking jobs even in the "all" role. */
  readonly workersEnabled: boolean;
  /** `JOB_CONCURRENCY`: jobs handled at once by this process. */
  readonly jobConcurrency: number;
  /**
   * `HEALTH_PORT`: where a worker (which serves no web view) answers /healthz, /readyz and /metrics; null: it does
   * not. Other roles serve them on `PORT`. Off by default, so workers beside a gateway on one machine never collide.
   */
  readonly healthPort: number | null;
};

/** A port number, or "off". */
const optionalPort = envField((raw) => {
  if (raw.toLowerCase() === "off") return ok(null);
  const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  return Number.isSafeInteger(value) && value >= 0 && value <= 65_535
    ? ok(value)
    : fail(`must be a port (0–65535) or off, got ${quoteValue(raw)}`);
}, null);

/** Parses the runtime's variables. */
export const runtimeSchema = z
  .object({
    ROLE: enumVar(roles, "all"),
    WORKERS_ENABLED: boolVar(true),
    JOB_CONCURRENCY: intVar({ min: 1, max: 256, fallback: 4 }),
    HEALTH_PORT: optionalPort,
  })
  .transform(
    (env): RuntimeConfig => ({
      role: env.ROLE,
      workersEnabled: env.WORKERS_ENABLED,
      jobConcurrency: env.JOB_CONCURRENCY,
      healthPort: env.HEALTH_PORT,
    }),
  );
