import { resolve } from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { migrate, readMigrations } from "../../src/db/migrate.js";
import { openPostgres } from "../../src/db/openPostgres.js";
import { adminQuery, findTestServer, type TestEngine, withDatabase } from "./testEngine.js";

/** Picks the engine, prepares a migrated template database once, and says which engine the suite used. */
export default async function setup(project: TestProject) {
  const forceEmbedded = process.env.TEST_DATABASE_ENGINE === "embedded";
  const server = forceEmbedded ? null : await findTestServer();
  if (!server) {
    project.provide("testEngine", { engine: "pglite" } satisfies TestEngine);
    const why = forceEmbedded ? "TEST_DATABASE_ENGINE=embedded" : "no PostgreSQL answered; set TEST_DATABASE_URL";
    console.log(`[tribune tests] database engine: embedded PGlite, one in-memory database per file (${why})`);
    return;
  }
  await dropAbandonedDatabases(server.url);
  const template = `tribune_tpl_${process.pid}_${Date.now().toString(36)}`;
  await adminQuery(server.url, `CREATE DATABASE "${template}"`);
  const db = await openPostgres({ url: withDatabase(server.url, template), poolSize: 2 });
  try {
    await migrate(db.sql, await readMigrations(resolve("prisma/migrations")));
  } finally {
    await db.close();
  }
  project.provide("testEngine", {
    engine: "postgres",
    adminUrl: server.url,
    template,
    serverVersion: server.version,
  } satisfies TestEngine);
  const where = new URL(server.url);
  console.log(`[tribune tests] database engine: PostgreSQL ${server.version} at ${where.host} (one database per file)`);

  return async () => {
    await adminQuery(server.url, `DROP DATABASE IF EXISTS "${template}" WITH (FORCE)`);
  };
}

/**
 * Drops databases left by runs that were killed before their teardown: their names carry the run's pid
 * (`tribune_tpl_<pid>_…`, `tribune_t_<pid>_…`), and a pid that no longer lives on this machine owns nothing.
 */
async function dropAbandonedDatabases(adminUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>(
      String.raw`SELECT datname FROM pg_database WHERE datname ~ '^tribune_(tpl|t)_\d+_'`,
    );
    for (const { datname } of rows) {
      const pid = Number(/^tribune_(?:tpl|t)_(\d+)_/.exec(datname)?.[1]);
      if (isAlive(pid)) continue;
      await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
  } finally {
    await client.end();
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
