// Throwaway databases for benchmarks: the same idea as test/support/testDatabase.ts, without vitest's inject, so a
// plain `tsx` script can pick its engine itself.
import { randomBytes } from "node:crypto";
import { resolve } from "node:path";
import pg from "pg";
import type { Database } from "../src/db/database.js";
import { migrate, readMigrations } from "../src/db/migrate.js";
import { IN_MEMORY, openPglite } from "../src/db/openPglite.js";
import { openPostgres } from "../src/db/openPostgres.js";
import { adminQuery, withDatabase } from "../test/support/testEngine.js";

export type BenchEngine = "postgres" | "pglite";

/** A fresh database for one benchmark. */
export interface BenchDatabase {
  db: Database;
  engine: BenchEngine;
  /** What to print: engine, server version and where ("PostgreSQL 15.2 at postgres://127.0.0.1:5432/…"). */
  label: string;
  /** The database's URL (PostgreSQL only), for child processes. */
  url: string | null;
  /** Another handle on the same database: its own pool of `poolSize` on PostgreSQL, the same handle on PGlite. */
  connect(poolSize: number): Promise<Database>;
  /** Closes every handle and drops the database. */
  drop(): Promise<void>;
}

const LOCAL_SERVER = "postgres://postgres@127.0.0.1:5432/postgres";
const MIGRATIONS_DIR = resolve(import.meta.dirname, "../prisma/migrations");

let server: Promise<string | null> | undefined;

/** BENCH_DATABASE_URL (it must answer) or the local server if it answers; null means embedded only. Asked once. */
export function findBenchServer(): Promise<string | null> {
  server ??= probeServer();
  return server;
}

async function probeServer(): Promise<string | null> {
  const explicit = process.env.BENCH_DATABASE_URL;
  const client = new pg.Client({ connectionString: explicit || LOCAL_SERVER, connectionTimeoutMillis: 1_500 });
  try {
    await client.connect();
    return explicit || LOCAL_SERVER;
  } catch (error) {
    if (explicit) throw new Error(`BENCH_DATABASE_URL does not answer: ${(error as Error).message}`);
    return null;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The engines to measure: BENCH_ENGINE alone if set, else PostgreSQL (when one answers) and the embedded engine. */
export async function benchEngines(): Promise<BenchEngine[]> {
  const forced = process.env.BENCH_ENGINE;
  if (forced === "pglite" || forced === "postgres") return [forced];
  if (forced) throw new Error(`BENCH_ENGINE must be "postgres" or "pglite", got "${forced}"`);
  return (await findBenchServer()) ? ["postgres", "pglite"] : ["pglite"];
}

/** Opens a fresh database on `engine`; `migrated: false` leaves it empty (start-up benchmarks migrate it). */
export async function openBenchDatabase(
  engine: BenchEngine,
  { migrated = true, poolSize = 4 } = {},
): Promise<BenchDatabase> {
  if (engine === "pglite") {
    const db = await openPglite(IN_MEMORY);
    if (migrated) await migrate(db.sql, await readMigrations(MIGRATIONS_DIR));
    // One in-process engine: every "connection" is the same handle, and only the owner closes it.
    const shared: Database = { ...db, close: async () => undefined };
    const label = `PGlite ${await serverVersion(db)} (embedded, ${db.location})`;
    return { db, engine, label, url: null, connect: async () => shared, drop: () => db.close() };
  }

  const adminUrl = await findBenchServer();
  if (!adminUrl) throw new Error("BENCH_ENGINE=postgres, but no PostgreSQL answers (set BENCH_DATABASE_URL)");
  const name = `tribune_bench_${randomBytes(6).toString("hex")}`;
  await adminQuery(adminUrl, `CREATE DATABASE "${name}"`);
  const url = withDatabase(adminUrl, name);
  const handles: Database[] = [];
  const connect = async (size: number) => {
    const handle = await openPostgres({ url, poolSize: size });
    handles.push(handle);
    return handle;
  };
  const db = await connect(poolSize);
  if (migrated) await migrate(db.sql, await readMigrations(MIGRATIONS_DIR));
  return {
    db,
    engine,
    label: `PostgreSQL ${await serverVersion(db)} at ${db.location}`,
    url,
    connect,
    async drop() {
      await Promise.all(handles.map((h) => h.close()));
      // FORCE: a child process (start-up benchmark) may still hold a connection for a moment.
      await adminQuery(adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}

async function serverVersion(db: Database): Promise<string> {
  const { rows } = await db.sql.query<{ server_version: string }>("SHOW server_version");
  return rows[0]?.server_version ?? "?";
}
