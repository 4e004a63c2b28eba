import type { Database } from "./database.js";
import { openPglite } from "./openPglite.js";
import { openPostgres } from "./openPostgres.js";

export interface DatabaseOptions {
  /** PostgreSQL URL; absent → the embedded database in `dataDir`. */
  url?: string | undefined;
  dataDir: string;
  poolSize: number;
  onIdleError?: (error: Error) => void;
}

/** PostgreSQL when a URL is configured, else the embedded PGlite database: the rest of Tribune cannot tell. */
export function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.url) {
    return openPostgres({ url: options.url, poolSize: options.poolSize, onIdleError: options.onIdleError });
  }
  return openPglite(options.dataDir);
}
