import pg from "pg";

/** Which database engine the suite runs on, decided once per run in the global setup. */
export type TestEngine =
  | { engine: "postgres"; adminUrl: string; template: string; serverVersion: string }
  | { engine: "pglite" };

declare module "vitest" {
  export interface ProvidedContext {
    testEngine: TestEngine;
  }
}

const LOCAL_SERVER = "postgres://postgres@127.0.0.1:5432/postgres";

/**
 * TEST_DATABASE_URL if set (it must answer), else the local server if one answers, else null (embedded).
 * The URL must let its user create databases: every test file gets its own.
 */
export async function findTestServer(): Promise<{ url: string; version: string } | null> {
  const explicit = process.env.TEST_DATABASE_URL;
  const url = explicit || LOCAL_SERVER;
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_500 });
  try {
    await client.connect();
    const { rows } = await client.query<{ server_version: string }>("SHOW server_version");
    return { url, version: rows[0]?.server_version ?? "?" };
  } catch (error) {
    if (explicit) throw new Error(`TEST_DATABASE_URL does not answer: ${(error as Error).message}`);
    return null;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The same server with another database name. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** Runs one admin statement (CREATE/DROP DATABASE cannot run inside a pool's transaction). */
export async function adminQuery(url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
