import type { SqlRunner } from "../db/sqlRunner.js";

/** One pg-boss queue's jobs by what they wait for, and how long the oldest runnable one has waited. */
export interface QueueCounts {
  queue: string;
  /** Created or retrying, and due: a worker could take them now. */
  ready: number;
  /** Created or retrying, but not before a later time (a delayed job, a retry's back-off). */
  scheduled: number;
  active: number;
  /** Seconds since the oldest ready job became due (database clock); 0 when none is ready. */
  oldestReadySeconds: number;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]*$/i;

/**
 * Reads pg-boss 10's tables directly (`<schema>.queue`, `<schema>.job`, states ordered created < retry < active):
 * one query for every queue, where pg-boss's own API asks once per queue and cannot give the waiting time. The
 * `state < 'active'` part is what pg-boss's index job_i5 (name, start_after) covers.
 */
export async function readQueueCounts(sql: SqlRunner, schema: string): Promise<QueueCounts[]> {
  if (!SCHEMA_NAME.test(schema)) throw new Error(`Not a pg-boss schema name: ${JSON.stringify(schema)}`);
  const { rows } = await sql.query<Record<string, unknown>>(
    `SELECT q.name AS queue,
            count(j.id) FILTER (WHERE j.state < 'active' AND j.start_after <= now()) AS ready,
            count(j.id) FILTER (WHERE j.state < 'active' AND j.start_after > now()) AS scheduled,
            count(j.id) FILTER (WHERE j.state = 'active') AS active,
            COALESCE(EXTRACT(EPOCH FROM now() - min(j.start_after)
                     FILTER (WHERE j.state < 'active' AND j.start_after <= now())), 0)::float8 AS oldest
       FROM ${schema}.queue q
       LEFT JOIN ${schema}.job j ON j.name = q.name AND j.state <= 'active'
      GROUP BY q.name`,
  );
  return rows.map((r) => ({
    queue: String(r.queue),
    ready: Number(r.ready),
    scheduled: Number(r.scheduled),
    active: Number(r.active),
    oldestReadySeconds: Number(r.oldest),
  }));
}
