import type { Config } from "../config/loadConfig.js";
import type { Database } from "../db/database.js";
import { openDatabase } from "../db/openDatabase.js";

/** Opens the database the configuration names, as `npm start` would. */
export function openConfiguredDatabase(config: Config): Promise<Database> {
  return openDatabase({
    url: config.database.url?.reveal(),
    dataDir: config.database.dataDir,
    poolSize: Math.min(config.database.poolSize, 4),
  });
}
