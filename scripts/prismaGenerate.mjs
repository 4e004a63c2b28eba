#!/usr/bin/env node
// Generates the Prisma client (src/generated/prisma) on machines with and without internet.
// The Prisma CLI wants its native schema engine even for `generate`, which never runs it; where the engine could not
// be downloaded (an offline machine), any existing file stands in for it. See README, "Database".
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);
const env = { ...process.env, CHECKPOINT_DISABLE: "1", PRISMA_HIDE_UPDATE_MESSAGE: "1" };

if (!env.PRISMA_SCHEMA_ENGINE_BINARY) {
  const enginesDir = dirname(require.resolve("@prisma/engines/package.json"));
  const hasEngine = readdirSync(enginesDir).some((name) => name.startsWith("schema-engine"));
  if (!hasEngine) env.PRISMA_SCHEMA_ENGINE_BINARY = process.execPath;
}

const cli = join(dirname(require.resolve("prisma/package.json")), "build", "index.js");
const result = spawnSync(process.execPath, [cli, "generate"], { env, stdio: ["ignore", "pipe", "pipe"] });
if (result.status !== 0) {
  process.stderr.write(result.stdout);
  process.stderr.write(result.stderr);
  process.stderr.write(
    "\nTribune: `prisma generate` failed (see above). Fix prisma/schema.prisma and run `npm run db:generate`.\n",
  );
  process.exit(result.status ?? 1);
}
process.stdout.write("Tribune: Prisma client generated in src/generated/prisma\n");
