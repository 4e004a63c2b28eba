import { setTimeout as sleepFor } from "node:timers/promises";
import pg from "pg";
import type { SqlRunner } from "../db/sqlRunner.js";

// Whether the process that took a job is still alive. pg-boss 10 has no heartbeat: a job whose worker was killed stays
// `active` until its timeout (5 minutes for a digest). So each process holds one PostgreSQL session lock, keyed by its
// own instance id, on a connection of its own; PostgreSQL drops that lock the moment the connection dies with its
// process. Another process asks whether the lock is free with a transaction-scoped try, released as its transaction
// ends: free means the holder is gone. A holder whose connection broke while it lives (a database restart) takes its
// lock again as soon as it reconnects; whoever acts on a free lock waits a grace period first (jobQueue.ts), so that
// reconnect has time.

/** The first of the two advisory-lock keys ("trib"); the second is hashtext(instance id). */
const LOCK_SPACE = 0x74726962;

export interface WorkerLiveness {
  /** This process's id, written on the jobs it works. */
  readonly instanceId: string;
  /** Whether this process holds its own lock right now: one that lost it (reconnecting) must not judge others. */
  holding(): boolean;
  /** Whether process `instanceId` holds its lock: false when it is gone (or, briefly, reconnecting). */
  isAlive(sql: SqlRunner, instanceId: string): Promise<boolean>;
  /** Releases the lock and closes the connection. */
  close(): Promise<void>;
}

export interface WorkerLivenessOptions {
  /** The PostgreSQL URL; the lock needs a connection of its own, outside the pool. */
  url: string;
  instanceId: string;
  /** A lost connection, or a failed attempt to reconnect; reconnecting goes on. */
  onError: (error: Error) => void;
  /** Pause between reconnect attempts (default 1 s). */
  retryMs?: number;
}

/** Connects and takes this process's lock; from then on keeps it, reconnecting whenever the connection is lost. */
export async function startWorkerLiveness(options: WorkerLivenessOptions): Promise<WorkerLiveness> {
  const retryMs = options.retryMs ?? 1_000;
  let client: pg.Client | null = null;
  let closed = false;
  let reconnecting = false;

  async function connect(): Promise<void> {
    const next = new pg.Client({
      connectionString: options.url,
      connectionTimeoutMillis: 10_000,
      application_name: "tribune-liveness",
    });
    next.on("error", (error) => lost(next, error));
    next.on("end", () => lost(next));
    try {
      await next.connect();
      await next.query("SELECT pg_advisory_lock($1::int, hashtext($2::text))", [LOCK_SPACE, options.instanceId]);
    } catch (error) {
      next.removeAllListeners();
      await next.end().catch(() => undefined);
      throw error;
    }
    client = next;
  }

  function lost(which: pg.Client, error?: Error): void {
    if (client !== which) return;
    client = null;
    which.removeAllListeners();
    which.on("error", () => undefined);
    if (closed) return;
    options.onError(error ?? new Error("the job-liveness connection closed"));
    void reconnect();
  }

  async function reconnect(): Promise<void> {
    if (reconnecting) return;
    reconnecting = true;
    try {
      while (!closed && client === null) {
        await sleepFor(retryMs);
        if (closed) return;
        await connect().catch((error: unknown) =>
          options.onError(error instanceof Error ? error : new Error(String(error))),
        );
      }
    } finally {
      reconnecting = false;
    }
  }

  await connect();
  return {
    instanceId: options.instanceId,
    holding: () => client !== null,
    async isAlive(sql, instanceId) {
      return sql.transaction(async (tx) => {
        const { rows } = await tx.query<{ free: boolean }>(
          "SELECT pg_try_advisory_xact_lock($1::int, hashtext($2::text)) AS free",
          [LOCK_SPACE, instanceId],
        );
        return rows[0]?.free === false;
      });
    },
    async close() {
      closed = true;
      const last = client;
      client = null;
      if (last) {
        last.removeAllListeners();
        last.on("error", () => undefined);
        await last.end().catch(() => undefined);
      }
    },
  };
}
