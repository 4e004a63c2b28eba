import { resolve } from "node:path";
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
