// `npm run demo:reset`: the zero-config demo starts over (the embedded database folder is removed; the next
// `npm start` seeds it again). Refuses on PostgreSQL, on a configuration that is not the demo, and while Tribune runs.
import { ConfigError } from "../config/configError.js";
import { demoSchema } from "../config/demo.js";
import { loadConfig } from "../config/loadConfig.js";
import { loadEnvFile } from "../config/loadEnvFile.js";
import { resetDemo } from "../demo/resetDemo.js";
import { runCli } from "./runCli.js";

runCli("demo:reset", async () => {
  const args = process.argv.slice(2);
  const unknown = args.filter((arg) => arg !== "--force");
  if (unknown.length > 0) {
    process.stderr.write(`demo:reset: unknown argument ${unknown.join(" ")}\nusage: npm run demo:reset [-- --force]\n`);
    return 2;
  }
  loadEnvFile();
  const config = loadConfig(process.env);
  const demo = demoSchema.safeParse(process.env);
  if (!demo.success) throw new ConfigError(demo.error.issues.map((issue) => `DEMO ${issue.message}`));
  const outcome = await resetDemo(config, demo.data, { force: args.includes("--force") });
  if (outcome.status === "refused") {
    process.stderr.write(`demo:reset refused: ${outcome.reason}.\n${outcome.hint}.\n`);
    return 1;
  }
  process.stdout.write(
    outcome.status === "removed"
      ? `Removed the demo's embedded database (${outcome.folder}). The next npm start seeds the demo again.\n`
      : `Nothing to reset: there is no embedded database at ${outcome.folder}. npm start seeds the demo.\n`,
  );
  return 0;
});
