import { constants } from "node:fs";
import { access, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { PGlite, type Transaction } from "@electric-sql/pglite";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { PrismaClient } from "../generated/prisma/client.js";
import type { Database } from "./database.js";
import { DatabaseError } from "./databaseError.js";
import type { SqlRunner } from "./sqlRunner.js";

/** "memory://" keeps the embedded database in memory (tests, one-off CLI runs); anything else is a folder. */
export const IN_MEMORY = "memory://";

/**
 * Opens the embedded PGlite database in `<dataDir>/pglite` (created if missing), or in memory.
 * One process at a time: PGlite has no server to arbitrate, so a lock file keeps a second `npm start` out.
 */
export async function openPglite(dataDir: string): Promise<Database> {
  if (dataDir === IN_MEMORY) return wrap(await PGlite.create(), "in memory", async () => undefined);

  const folder = resolve(dataDir);
  await prepareFolder(folder);
  const releaseLock = await takeLock(folder);
  let pglite: PGlite;
  try {
    pglite = await PGlite.create(join(folder, "pglite"));
  } catch (error) {
    await releaseLock();
    throw new DatabaseError(
      "db.embedded_open_failed",
      `Cannot open the embedded database in ${folder}: ${error instanceof Error ? error.message : String(error)}`,
      "Move the folder aside (or run `npm run demo:reset`) to start fresh, or set TRIBUNE_DATA_DIR to another folder",
      { cause: error },
    );
  }
  return wrap(pglite, join(folder, "pglite"), releaseLock);
}

function wrap(pglite: PGlite, location: string, releaseLock: () => Promise<void>): Database {
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
  return {
    prisma,
    sql: pgliteRunner(pglite),
    engine: "pglite",
    location,
    async close() {
      await prisma.$disconnect();
      await pglite.close();
      await releaseLock();
    },
  };
}

function pgliteRunner(pglite: PGlite): SqlRunner {
  return {
    async query(text, values) {
      const result = await pglite.query(text, values as unknown[] | undefined);
      return { rows: result.rows as never[] };
    },
    async exec(script) {
      await pglite.exec(script);
    },
    transaction: (fn) => pglite.transaction((tx) => fn(transactionRunner(tx))),
  };
}

function transactionRunner(tx: Transaction): SqlRunner {
  const runner: SqlRunner = {
    async query(text, values) {
      const result = await tx.query(text, values as unknown[] | undefined);
      return { rows: result.rows as never[] };
    },
    async exec(script) {
      await tx.exec(script);
    },
    transaction: (fn) => fn(runner),
  };
  return runner;
}

async function prepareFolder(folder: string): Promise<void> {
  try {
    // PGlite creates only the last folder of its path, so the parent must exist.
    await mkdir(folder, { recursive: true });
    await access(folder, constants.W_OK);
  } catch (error) {
    throw new DatabaseError(
      "db.data_dir_unwritable",
      `The data folder ${folder} is not writable (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
      "Set TRIBUNE_DATA_DIR to a folder Tribune may write, or set DATABASE_URL to use PostgreSQL",
      { cause: error },
    );
  }
}

async function takeLock(folder: string): Promise<() => Promise<void>> {
  const lockPath = join(folder, "tribune.pid");
  const holder = await readFile(lockPath, "utf8").then(Number, () => undefined);
  if (holder && holder !== process.pid && isAlive(holder)) {
    throw new DatabaseError(
      "db.embedded_in_use",
      `The embedded database in ${folder} is in use by process ${holder}`,
      "Stop that process, or set TRIBUNE_DATA_DIR to another folder (or DATABASE_URL to share PostgreSQL)",
    );
  }
  await writeFile(lockPath, String(process.pid));
  return () => rm(lockPath, { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
