import { z } from "zod";
import { boolVar, enumVar, intVar } from "./envFields.js";

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
};

/** Parses the runtime's variables. */
export const runtimeSchema = z
  .object({
    ROLE: enumVar(roles, "all"),
    WORKERS_ENABLED: boolVar(true),
    JOB_CONCURRENCY: intVar({ min: 1, max: 256, fallback: 4 }),
  })
  .transform(
    (env): RuntimeConfig => ({
      role: env.ROLE,
      workersEnabled: env.WORKERS_ENABLED,
      jobConcurrency: env.JOB_CONCURRENCY,
    }),
  );
