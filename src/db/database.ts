import type { PrismaClient } from "../generated/prisma/client.js";
import type { SqlRunner } from "./sqlRunner.js";

/** An open database: Prisma for the domain, raw SQL for the parts that need it, and where it lives. */
export interface Database {
  readonly prisma: PrismaClient;
  readonly sql: SqlRunner;
  readonly engine: "postgres" | "pglite";
  /** Where the data is, safe to print: "postgres://host:5432/db" (no credentials) or the embedded folder. */
  readonly location: string;
  close(): Promise<void>;
}
