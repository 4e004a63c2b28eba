import { randomBytes } from "node:crypto";
import { resolve } from "node:path";
import { inject } from "vitest";
import type { Database } from "../../src/db/database.js";
import { migrate, readMigrations } from "../../src/db/migrate.js";
import { IN_MEMORY, openPglite } from "../../src/db/openPglite.js";
import { openPostgres } from "../../src/db/openPostgres.js";
import { adminQuery, withDatabase } from "./testEngine.js";

/** A fresh, migrated database for one test file, on the engine the global setup chose. */
export interface TestDatabase {
  db: Database;
  engine: "postgres" | "pglite";
  /** The database's URL (PostgreSQL only): for child processes and extra connections. */
  url: string | null;
  /** Another, independent handle on the same database (PostgreSQL: its own pool of `poolSize` connections). */
  connect(poolSize?: number): Promise<Database>;
  /** Closes every handle and drops the database. */
  drop(): Promise<void>;
}

/**
 * Creates the file's own database from the migrated template (PostgreSQL) or migrates a fresh in-memory one.
 * `{ migrated: false }` gives an empty database instead, for tests of the migration runner itself.
 */
export async function createTestDatabase({ migrated = true } = {}): Promise<TestDatabase> {
  const chosen = inject("testEngine");
  if (chosen.engine === "pglite") {
    const db = await openPglite(IN_MEMORY);
    if (migrated) await migrate(db.sql, await readMigrations(resolve("prisma/migrations")));
    // One in-process engine: every "connection" is the same handle, and only the owner closes it.
    const shared: Database = { ...db, close: async () => undefined };
    return { db, engine: "pglite", url: null, connect: async () => shared, drop: () => db.close() };
  }

  // The run's pid (from the template's name) lets a later run drop this database if this run is killed.
  const runPid = /^tribune_tpl_(\d+)_/.exec(chosen.template)?.[1] ?? String(process.pid);
  const name = `tribune_t_${runPid}_${randomBytes(6).toString("hex")}`;
  await adminQuery(
    chosen.adminUrl,
    migrated ? `CREATE DATABASE "${name}" TEMPLATE "${chosen.template}"` : `CREATE DATABASE "${name}"`,
  );
  const url = withDatabase(chosen.adminUrl, name);
  const handles: Database[] = [];
  const connect = async (poolSize = 4) => {
    const handle = await openPostgres({ url, poolSize });
    handles.push(handle);
    return handle;
  };
  const db = await connect();
  return {
    db,
    engine: "postgres",
    url,
    connect,
    async drop() {
      await Promise.all(handles.map((h) => h.close()));
      await adminQuery(chosen.adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}
