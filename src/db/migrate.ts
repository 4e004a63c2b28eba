import { createHash, randomUUID } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { DatabaseError } from "./databaseError.js";
import type { SqlRunner } from "./sqlRunner.js";

/** One folder of prisma/migrations: `<timestamp>_<name>/migration.sql`. */
export interface Migration {
  name: string;
  sql: string;
  /** sha256 of the file, hex: what Prisma records as the checksum. */
  checksum: string;
}

export interface MigrationReport {
  applied: string[];
  alreadyApplied: number;
  /** Applied migrations whose file changed since (Prisma warns about these too). */
  modified: string[];
}

/** Prisma's own lock id (migrate deploy takes the same one), so Tribune and the Prisma CLI never migrate at once. */
const PRISMA_MIGRATE_LOCK = 72_707_369;

// The table exactly as Prisma creates it, so `prisma migrate status/deploy` agree with Tribune's runner.
const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

/** Reads prisma/migrations in name order (Prisma's order: the timestamp prefix). */
export async function readMigrations(dir: string): Promise<Migration[]> {
  const folders = (await readdir(dir, { withFileTypes: true }))
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  return Promise.all(
    folders.map(async (name) => {
      const sql = await readFile(join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    }),
  );
}

/**
 * Applies pending migrations, each in its own transaction together with its `_prisma_migrations` row: a migration
 * that fails leaves the database exactly as it was before it, and the error names it.
 */
export async function migrate(sql: SqlRunner, migrations: readonly Migration[]): Promise<MigrationReport> {
  await sql.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(${PRISMA_MIGRATE_LOCK})`);
    await tx.exec(CREATE_MIGRATIONS_TABLE);
  });
  const report: MigrationReport = { applied: [], alreadyApplied: 0, modified: [] };
  for (const migration of migrations) {
    const outcome = await sql.transaction(async (tx) => {
      // Re-read under the lock: another process may have applied it while this one waited.
      await tx.query(`SELECT pg_advisory_xact_lock(${PRISMA_MIGRATE_LOCK})`);
      const row = await appliedRow(tx, migration.name);
      if (row === "failed") throw failedByPrisma(migration.name);
      if (row) return row.checksum === migration.checksum ? "present" : "modified";
      const startedAt = new Date();
      try {
        await tx.exec(migration.sql);
      } catch (error) {
        throw new DatabaseError(
          "db.migration_failed",
          `Migration ${migration.name} failed and was rolled back: ${error instanceof Error ? error.message : String(error)}`,
          "The database is as it was before this migration; fix the migration (or the data it trips on) and start again",
          { cause: error },
        );
      }
      await tx.query(
        `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, logs, started_at, applied_steps_count)
         VALUES ($1, $2, now(), $3, NULL, $4, 1)`,
        [randomUUID(), migration.checksum, migration.name, startedAt],
      );
      return "applied";
    });
    if (outcome === "applied") report.applied.push(migration.name);
    else report.alreadyApplied += 1;
    if (outcome === "modified") report.modified.push(migration.name);
  }
  return report;
}

/** Names of migrations in `migrations` that the database has not applied (for readiness checks). */
export async function pendingMigrations(sql: SqlRunner, migrations: readonly Migration[]): Promise<string[]> {
  const exists = await sql.query<{ present: boolean }>(
    `SELECT to_regclass('"_prisma_migrations"') IS NOT NULL AS present`,
  );
  if (!exists.rows[0]?.present) return migrations.map((m) => m.name);
  const { rows } = await sql.query<{ migration_name: string }>(
    `SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
  );
  const applied = new Set(rows.map((r) => r.migration_name));
  return migrations.filter((m) => !applied.has(m.name)).map((m) => m.name);
}

async function appliedRow(tx: SqlRunner, name: string): Promise<{ checksum: string } | "failed" | null> {
  const { rows } = await tx.query<{ checksum: string; finished_at: Date | null }>(
    `SELECT checksum, finished_at FROM "_prisma_migrations" WHERE migration_name = $1 AND rolled_back_at IS NULL`,
    [name],
  );
  if (rows.length === 0) return null;
  const finished = rows.find((r) => r.finished_at !== null);
  return finished ? { checksum: finished.checksum } : "failed";
}

function failedByPrisma(name: string): DatabaseError {
  return new DatabaseError(
    "db.migration_marked_failed",
    `Migration ${name} is recorded as failed in _prisma_migrations (by an earlier \`prisma migrate deploy\`)`,
    `Inspect the database, then run \`npx prisma migrate resolve --rolled-back ${name}\` (or --applied) and start again`,
  );
}
