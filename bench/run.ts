// `npm run bench [-- name…]`: prints figures, asserts nothing. Speed is measured, not assumed; compare runs by eye
// on the same machine, since absolute numbers depend on it.
import { run as auditAppend } from "./auditAppend.js";
import { run as decide } from "./decide.js";
import { run as digest } from "./digest.js";
import { run as discordAck } from "./discordAck.js";
import { run as governorRead } from "./governorRead.js";
import { run as snapshotCast } from "./snapshotCast.js";
import { run as snapshotWatch } from "./snapshotWatch.js";
import { run as startup } from "./startup.js";
import { run as webAudit } from "./webAudit.js";

const benchmarks: Record<string, () => Promise<void>> = {
  auditAppend,
  decide,
  digest,
  discordAck,
  governorRead,
  snapshotCast,
  snapshotWatch,
  startup,
  webAudit,
};

/** Runs the named benchmarks (all of them without arguments), one after another so they don't skew each other. */
async function main(names: string[]): Promise<void> {
  const unknown = names.filter((name) => !(name in benchmarks));
  if (unknown.length > 0) {
    console.error(`Unknown benchmark(s): ${unknown.join(", ")}. Available: ${Object.keys(benchmarks).join(", ")}`);
    process.exitCode = 2;
    return;
  }
  for (const name of names.length > 0 ? names : Object.keys(benchmarks)) {
    console.log(`\n== ${name} ==`);
    const started = performance.now();
    await benchmarks[name]?.();
    console.log(`(${name} took ${((performance.now() - started) / 1_000).toFixed(1)} s)`);
  }
}

await main(process.argv.slice(2));
