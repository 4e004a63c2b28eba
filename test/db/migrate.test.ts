import { createHash } from "node:crypto";
import { resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DatabaseError } from "../../src/db/databaseError.js";
import { type Migration, migrate, pendingMigrations, readMigrations } from "../../src/db/migrate.js";
import { createTestDatabase, type TestDatabase } from "../support/testDatabase.js";

const open: TestDatabase[] = [];
async function emptyDatabase(): Promise<TestDatabase> {
  const t = await createTestDatabase({ migrated: false });
  open.push(t);
  return t;
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((t) => t.drop()));
});

const migrationsDir = resolve("prisma/migrations");

function migration(name: string, sql: string): Migration {
  return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
}

async function tableExists(t: TestDatabase, table: string): Promise<boolean> {
  const { rows } = await t.db.sql.query<{ present: boolean }>(`SELECT to_regclass($1) IS NOT NULL AS present`, [
    `"${table}"`,
  ]);
  return rows[0]?.present === true;
}

describe("migration runner", () => {
  it("applies every migration once and records it as Prisma does", async () => {
    const t = await emptyDatabase();
    const migrations = await readMigrations(migrationsDir);
    expect(migrations.length).toBeGreaterThan(0);

    const first = await migrate(t.db.sql, migrations);
    expect(first.applied).toEqual(migrations.map((m) => m.name));
    expect(await tableExists(t, "AuditEntry")).toBe(true);

    const { rows } = await t.db.sql.query<{
      id: string;
      checksum: string;
      migration_name: string;
      finished_at: Date | null;
      applied_steps_count: number;
      rolled_back_at: Date | null;
    }>(`SELECT * FROM "_prisma_migrations" ORDER BY migration_name`);
    expect(rows.map((r) => r.migration_name)).toEqual(migrations.map((m) => m.name));
    for (const [i, row] of rows.entries()) {
      expect(row.checksum).toBe(migrations[i]?.checksum);
      expect(row.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.rolled_back_at).toBeNull();
      expect(row.applied_steps_count).toBe(1);
    }

    const again = await migrate(t.db.sql, migrations);
    expect(again).toEqual({ applied: [], alreadyApplied: migrations.length, modified: [] });
    expect(await pendingMigrations(t.db.sql, migrations)).toEqual([]);
  });

  it("rolls a failing migration back entirely and names it", async () => {
    const t = await emptyDatabase();
    const good = migration("20260101000000_good", `CREATE TABLE "Kept" (id INT PRIMARY KEY);`);
    const bad = migration(
      "20260102000000_bad",
      `CREATE TABLE "HalfWay" (id INT PRIMARY KEY);\nINSERT INTO "Kept" VALUES (1);\nSELECT 1 / 0;`,
    );
    const error = await migrate(t.db.sql, [good, bad]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseError);
    expect((error as DatabaseError).message).toContain("20260102000000_bad failed and was rolled back");
    expect((error as DatabaseError).message).toContain("division by zero");

    expect(await tableExists(t, "Kept")).toBe(true);
    expect(await tableExists(t, "HalfWay")).toBe(false);
    expect((await t.db.sql.query(`SELECT * FROM "Kept"`)).rows).toEqual([]);
    expect(await pendingMigrations(t.db.sql, [good, bad])).toEqual(["20260102000000_bad"]);
  });

  it("reports an applied migration whose file was edited afterwards", async () => {
    const t = await emptyDatabase();
    await migrate(t.db.sql, [migration("20260101000000_a", `CREATE TABLE "A" (id INT);`)]);
    const edited = await migrate(t.db.sql, [migration("20260101000000_a", `CREATE TABLE "A" (id BIGINT);`)]);
    expect(edited).toEqual({ applied: [], alreadyApplied: 1, modified: ["20260101000000_a"] });
  });

  it("refuses to go on past a migration Prisma recorded as failed", async () => {
    const t = await emptyDatabase();
    const a = migration("20260101000000_a", `CREATE TABLE "A" (id INT);`);
    await migrate(t.db.sql, []);
    await t.db.sql.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at) VALUES ($1, $2, $3, now())`,
      ["00000000-0000-4000-8000-000000000000", a.checksum, a.name],
    );
    await expect(migrate(t.db.sql, [a])).rejects.toThrow(/recorded as failed.*prisma migrate deploy/);
  });

  it("lets several processes start at once: each migration is applied exactly once", async () => {
    const t = await emptyDatabase();
    const migrations = await readMigrations(migrationsDir);
    const handles = await Promise.all([t.connect(2), t.connect(2), t.connect(2)]);
    const reports = await Promise.all(handles.map((h) => migrate(h.sql, migrations)));
    expect(reports.flatMap((r) => r.applied).sort()).toEqual(migrations.map((m) => m.name).sort());
    const { rows } = await t.db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM "_prisma_migrations"`);
    expect(rows[0]?.n).toBe(migrations.length);
  });
});
