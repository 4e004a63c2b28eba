/**
 * The one raw-SQL surface Tribune uses beside Prisma: migrations, the audit chain's lock, pg-boss and health checks.
 * Both engines (PostgreSQL through `pg`, embedded PGlite) implement it, so those parts run unchanged on either.
 */
export interface SqlRunner {
  /** One statement, with `$1…` parameters. */
  query<Row = Record<string, unknown>>(text: string, values?: readonly unknown[]): Promise<{ rows: Row[] }>;
  /** A script of several statements, without parameters. */
  exec(script: string): Promise<void>;
  /** Runs `fn` in one transaction on one connection; a throw rolls everything back. */
  transaction<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T>;
}
