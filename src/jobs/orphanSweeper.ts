import type { SqlRunner } from "../db/sqlRunner.js";
import type { WorkerLiveness } from "./workerLiveness.js";

// Jobs whose worker process died, handed back for retry well before their timeout. A process writes its instance id
// on each job it starts (in pg-boss's `output`, which pg-boss overwrites with the result when the job ends); every
// process sweeps now and then for running jobs marked by another instance whose liveness lock is free
// (workerLiveness.ts). A holder found gone on two sweeps at least `graceMs` apart is dead, not reconnecting: its jobs
// are failed, so pg-boss retries them after their retry delay (as an attempt). A job claimed by one sweeper first (its
// mark swapped in one statement) is failed by that sweeper only, so two sweepers never fail a later run of it.

export interface OrphanSweeperOptions {
  sql: SqlRunner;
  /** pg-boss's schema. */
  schema: string;
  liveness: WorkerLiveness;
  /** Fails one job through pg-boss (its retry policy applies). */
  fail: (name: string, id: string, reason: string) => Promise<void>;
  /** How long a holder must stay gone before its jobs are taken from it (default 30 s). */
  graceMs?: number;
  now?: () => number;
}

export interface OrphanSweeper {
  /** Writes this process's id on a job it just started. */
  mark(jobId: string): Promise<void>;
  /** One sweep; returns the ids of the jobs it handed back. */
  sweep(): Promise<string[]>;
}

const MARK = "tribuneWorker";

export function createOrphanSweeper(options: OrphanSweeperOptions): OrphanSweeper {
  const { sql, schema, liveness } = options;
  const graceMs = options.graceMs ?? 30_000;
  const now = options.now ?? Date.now;
  const me = liveness.instanceId;
  /** Holders found gone, and since when (by this process's sweeps). */
  const goneSince = new Map<string, number>();

  return {
    async mark(jobId) {
      await sql.query(
        `UPDATE ${schema}.job SET output = jsonb_build_object('${MARK}', $2::text) WHERE id = $1::uuid AND state = 'active'`,
        [jobId, me],
      );
    },

    async sweep() {
      // A process that lost its own lock may be the one cut off: it judges no one until it holds it again.
      if (!liveness.holding()) return [];
      const { rows } = await sql.query<{ id: string; name: string; holder: string }>(
        `SELECT id::text AS id, name, output->>'${MARK}' AS holder FROM ${schema}.job
          WHERE state = 'active' AND output->>'${MARK}' IS NOT NULL AND output->>'${MARK}' <> $1`,
        [me],
      );
      const holders = [...new Set(rows.map((row) => row.holder))];
      const at = now();
      const dead = new Set<string>();
      for (const holder of holders) {
        if (await liveness.isAlive(sql, holder)) {
          goneSince.delete(holder);
          continue;
        }
        const since = goneSince.get(holder) ?? at;
        goneSince.set(holder, since);
        if (at - since >= graceMs) dead.add(holder);
      }
      for (const holder of goneSince.keys()) if (!holders.includes(holder)) goneSince.delete(holder);

      const handedBack: string[] = [];
      for (const row of rows) {
        if (!dead.has(row.holder)) continue;
        // The claim: only the sweeper whose statement swaps the dead holder's mark goes on to fail this run.
        const claimed = await sql.query(
          `UPDATE ${schema}.job SET output = jsonb_build_object('${MARK}', $3::text)
            WHERE id = $1::uuid AND state = 'active' AND output->>'${MARK}' = $2 RETURNING id`,
          [row.id, row.holder, `swept by ${me}`],
        );
        if (claimed.rows.length === 0) continue;
        await options.fail(row.name, row.id, `its worker process (${row.holder}) stopped; handed back by ${me}`);
        handedBack.push(row.id);
      }
      return handedBack;
    },
  };
}
