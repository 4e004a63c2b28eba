import type { Migration } from "../db/migrate.js";
import { pendingMigrations } from "../db/migrate.js";
import type { SqlRunner } from "../db/sqlRunner.js";
import type { ReadinessCheck } from "../web/healthRoutes.js";
import { cachedRead, ReadTimeoutError } from "./cachedRead.js";

export interface ReadinessOptions {
  sql: SqlRunner;
  /** The migrations this build bundles: all of them must be recorded as applied. */
  migrations: readonly Migration[];
  /** Any call that goes through the job queue to its tables (e.g. `queue.depth()`). */
  queueReachable: () => Promise<unknown>;
  /** Per check: past it the check fails, so a hung database makes /readyz answer 503 rather than hang the probe. */
  timeoutMs: number;
}

/** A check's answer: undefined when fine, otherwise what is wrong. */
type Probe = () => Promise<string | undefined>;

/**
 * What /readyz asks: the database answers, every bundled migration is applied, the job queue's tables answer. The
 * three run at once, each with its own timeout and reason; a probe that arrives while a check is still stuck on a
 * hung database waits on that same check instead of queueing another query behind it.
 */
export function createReadinessCheck(options: ReadinessOptions): ReadinessCheck {
  const probes: [string, Probe][] = [
    [
      "database",
      async () => {
        await options.sql.query("SELECT 1");
        return undefined;
      },
    ],
    [
      "migrations",
      async () => {
        const pending = await pendingMigrations(options.sql, options.migrations);
        if (pending.length === 0) return undefined;
        return `${pending.length} of ${options.migrations.length} migrations not applied: ${pending.join(", ")}`;
      },
    ],
    [
      "queue",
      async () => {
        await options.queueReachable();
        return undefined;
      },
    ],
  ];
  const checks = probes.map(([name, probe]) => {
    const run = cachedRead(probe, { what: `the ${name} check`, ttlMs: 0, timeoutMs: options.timeoutMs });
    return async () => {
      try {
        const problem = await run();
        return problem === undefined ? { name, ok: true } : { name, ok: false, detail: problem };
      } catch (error) {
        return { name, ok: false, detail: describe(error) };
      }
    };
  });
  return () => Promise.all(checks.map((check) => check()));
}

/** One short line: /readyz is unauthenticated, so no stack and nothing longer than an operator needs. */
function describe(error: unknown): string {
  if (error instanceof ReadTimeoutError) return error.message;
  const message = error instanceof Error ? error.message : String(error);
  // Node reports a refused connection to every address of a host as an AggregateError with an empty message.
  const code = (error as { code?: unknown } | null)?.code;
  const line = message.split("\n")[0] || (typeof code === "string" ? code : "");
  return `failed: ${line.length > 200 ? `${line.slice(0, 200)}…` : line || "unknown error"}`;
}
