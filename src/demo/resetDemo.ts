import { existsSync } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import { type DemoConfig, whyNotDemo } from "../config/demo.js";
import type { Config } from "../config/loadConfig.js";

// `npm run demo:reset`: the demo starts over by removing the embedded database folder, which holds nothing but what
// the demo (and the newcomer trying it) made. It refuses whenever that folder could hold anything else: a PostgreSQL
// URL (the demo never runs there, and a shared database is not ours to wipe), a configuration that is not the demo,
// or a Tribune still running on the folder.

export type ResetOutcome =
  | { status: "removed"; folder: string }
  | { status: "nothing"; folder: string }
  | { status: "refused"; reason: string; hint: string };

/** Decides and, when allowed, removes the embedded database folder. `force` skips only the not-the-demo check. */
export async function resetDemo(
  config: Pick<Config, "database" | "sources">,
  demo: DemoConfig,
  options: { force?: boolean } = {},
): Promise<ResetOutcome> {
  if (config.database.url !== undefined) {
    return {
      status: "refused",
      reason: "DATABASE_URL points at a PostgreSQL database, and demo:reset removes only the embedded demo's data",
      hint: "The demo never runs on PostgreSQL; unset DATABASE_URL to reset the embedded demo. Nothing was removed",
    };
  }
  const folder = resolve(config.database.pgliteDir);
  // DEMO=false counts as "not the demo": whatever that folder holds was not made by the demo.
  const notDemo = whyNotDemo({ database: config.database, sources: config.sources, demo });
  if (notDemo && !options.force) {
    return {
      status: "refused",
      reason: `this configuration is not the demo (${notDemo.replace(/^off: /, "")}), so ${folder} may hold real data`,
      hint: "Run it without that variable, or add --force to remove the embedded database anyway. Nothing was removed",
    };
  }
  // The same lock file openPglite writes: a live Tribune would go on writing into a folder removed underneath it.
  const dataDir = resolve(config.database.dataDir);
  const holder = await readFile(join(dataDir, "tribune.pid"), "utf8").then(Number, () => undefined);
  if (holder && holder !== process.pid && isAlive(holder)) {
    return {
      status: "refused",
      reason: `Tribune (process ${holder}) is using the embedded database in ${dataDir}`,
      hint: "Stop it first (Ctrl-C in its terminal), then run npm run demo:reset again. Nothing was removed",
    };
  }
  if (!existsSync(folder)) return { status: "nothing", folder };
  await rm(folder, { recursive: true, force: true });
  return { status: "removed", folder };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
