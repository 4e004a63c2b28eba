import { join } from "node:path";
import { z } from "zod";
import { envField, fail, intVar, ok, type Parsed, stringVar } from "./envFields.js";
import { quoteScheme } from "./quoteValue.js";
import { Secret } from "./secret.js";

/** Where the data lives: PostgreSQL when a URL is given, otherwise the embedded PGlite under the data folder. */
export type DatabaseConfig = {
  /** `DATABASE_URL`; undefined means "use the embedded database". A secret: it usually holds a password. */
  readonly url: Secret | undefined;
  /** `TRIBUNE_DATA_DIR`: the folder for local state. */
  readonly dataDir: string;
  /** `<dataDir>/pglite`: the embedded database's folder. */
  readonly pgliteDir: string;
  /** `DATABASE_POOL_SIZE`: connections per process to PostgreSQL. */
  readonly poolSize: number;
};

/** The database's variables that hold secrets (and so may also come from `X_FILE`). */
export const databaseSecretVariables = ["DATABASE_URL"] as const;

function parsePostgresUrl(raw: string): Parsed<Secret> {
  // The whole URL is treated as secret, so a bad one is echoed by its scheme alone.
  const problem = `must be a postgres:// or postgresql:// URL, got ${quoteScheme(raw)}`;
  if (!/^postgres(ql)?:\/\//i.test(raw)) return fail(problem);
  try {
    new URL(raw);
  } catch {
    return fail(problem);
  }
  return ok(new Secret(raw));
}

/** Parses the database's variables. */
export const databaseSchema = z
  .object({
    DATABASE_URL: envField(parsePostgresUrl, undefined),
    TRIBUNE_DATA_DIR: stringVar("./data"),
    DATABASE_POOL_SIZE: intVar({ min: 1, max: 1000, fallback: 10 }),
  })
  .transform(
    (env): DatabaseConfig => ({
      url: env.DATABASE_URL,
      dataDir: env.TRIBUNE_DATA_DIR,
      pgliteDir: join(env.TRIBUNE_DATA_DIR, "pglite"),
      poolSize: env.DATABASE_POOL_SIZE,
    }),
  );
