import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "../generated/prisma/client.js";
import type { Database } from "./database.js";
import { DatabaseError } from "./databaseError.js";
import type { SqlRunner } from "./sqlRunner.js";

export interface PostgresOptions {
  url: string;
  poolSize: number;
  connectTimeoutMs?: number;
  /** Idle-connection errors (a server restart) arrive here instead of crashing the process. */
  onIdleError?: (error: Error) => void;
}

/** Opens PostgreSQL through one `pg` pool shared by Prisma (adapter-pg) and raw SQL; fails fast if unreachable. */
export async function openPostgres(options: PostgresOptions): Promise<Database> {
  const location = describePostgresUrl(options.url);
  // First one connection with a short timeout, so a wrong URL or a dead server fails start-up fast and clearly.
  const probe = new pg.Client({
    connectionString: options.url,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
  });
  try {
    await probe.connect();
    await probe.query("SELECT 1");
  } catch (error) {
    throw connectError(location, error);
  } finally {
    await probe.end().catch(() => undefined);
  }
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize,
    // Bounds the wait for a free connection too: long enough for bursts (a thousand audit appends queue here).
    connectionTimeoutMillis: 60_000,
    application_name: "tribune",
  });
  pool.on("error", (error) => options.onIdleError?.(error));
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    prisma,
    sql: poolRunner(pool),
    engine: "postgres",
    location,
    async close() {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

function poolRunner(pool: pg.Pool): SqlRunner {
  return {
    async query(text, values) {
      const result = await pool.query(text, values as unknown[] | undefined);
      return { rows: result.rows };
    },
    async exec(script) {
      await pool.query(script);
    },
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        const result = await fn(clientRunner(client));
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
  };
}

function clientRunner(client: pg.PoolClient): SqlRunner {
  const runner: SqlRunner = {
    async query(text, values) {
      const result = await client.query(text, values as unknown[] | undefined);
      return { rows: result.rows };
    },
    async exec(script) {
      await client.query(script);
    },
    // Already inside a transaction on this connection: nesting joins it.
    transaction: (fn) => fn(runner),
  };
  return runner;
}

/** "postgres://host:port/db": the URL without user or password, for start-up summaries and errors. */
export function describePostgresUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `postgres://${parsed.hostname}:${parsed.port || "5432"}${parsed.pathname}`;
  } catch {
    return "postgres://(unparseable URL)";
  }
}

function connectError(location: string, error: unknown): DatabaseError {
  const code = (error as { code?: string }).code;
  const detail = error instanceof Error ? error.message : String(error);
  const reasons: Record<string, [string, string]> = {
    ECONNREFUSED: ["nothing is listening there", "Start PostgreSQL or fix DATABASE_URL"],
    ENOTFOUND: ["the host name does not resolve", "Fix the host in DATABASE_URL"],
    "28P01": ["the password was rejected", "Fix the user and password in DATABASE_URL (or its _FILE)"],
    "28000": ["the server refused this user", "Allow the user in pg_hba.conf or fix DATABASE_URL"],
    "3D000": ["the database does not exist", "Create it (createdb) or fix the database name in DATABASE_URL"],
  };
  const [why, hint] = (code && reasons[code]) || [
    detail,
    "Check that PostgreSQL is running and DATABASE_URL is right, or unset DATABASE_URL to use the embedded database",
  ];
  return new DatabaseError("db.unreachable", `Cannot open PostgreSQL at ${location}: ${why}`, hint, { cause: error });
}
