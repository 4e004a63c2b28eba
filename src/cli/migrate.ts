// `npm run db:migrate`: applies pending migrations to the configured database and says what it did.
// Production deploys run it once before starting new processes; `npm start` also applies them itself.
import { resolve } from "node:path";
import { loadConfig } from "../config/loadConfig.js";
import { loadEnvFile } from "../config/loadEnvFile.js";
import { migrate, readMigrations } from "../db/migrate.js";
import { openConfiguredDatabase } from "./openConfiguredDatabase.js";
import { runCli } from "./runCli.js";

runCli("db:migrate", async () => {
  loadEnvFile();
  const db = await openConfiguredDatabase(loadConfig(process.env));
  try {
    const report = await migrate(db.sql, await readMigrations(resolve(import.meta.dirname, "../../prisma/migrations")));
    process.stdout.write(`Database ${db.location}\n`);
    for (const name of report.applied) process.stdout.write(`  applied ${name}\n`);
    for (const name of report.modified) {
      process.stdout.write(
        `  warning: ${name} was edited after it was applied; the database keeps the applied version\n`,
      );
    }
    process.stdout.write(
      report.applied.length === 0
        ? `Already up to date (${report.alreadyApplied} migrations).\n`
        : `${report.applied.length} migration(s) applied.\n`,
    );
    return 0;
  } finally {
    await db.close();
  }
});
