// `npm run bench [-- name…]`: runs the benchmarks one after another, each printing its details as it goes, then prints
// one table of every figure with its goal (from the issue that set it) and whether it was met. Asserts nothing: speed
// is measured, not assumed; compare runs on the same machine, since absolute numbers depend on it. A benchmark that
// throws is reported in the table and the others still run; the exit code is then non-zero.
import { run as auditAppend } from "./auditAppend.js";
import type { BenchFigure } from "./benchFigure.js";
import { run as decide } from "./decide.js";
import { run as digest } from "./digest.js";
import { run as discordAck } from "./discordAck.js";
import { run as governorRead } from "./governorRead.js";
import { run as jobQueue } from "./jobQueue.js";
import { run as snapshotCast } from "./snapshotCast.js";
import { run as snapshotWatch } from "./snapshotWatch.js";
import { run as startup } from "./startup.js";
import { run as webAudit } from "./webAudit.js";

/** A benchmark: one that returns its figures (`BenchRun`), or an older one that only prints them. */
type Benchmark = () => Promise<unknown>;

const benchmarks: Record<string, Benchmark> = {
  auditAppend,
  decide,
  digest,
  discordAck,
  governorRead,
  jobQueue,
  snapshotCast,
  snapshotWatch,
  startup,
  webAudit,
};

/** A table row: a figure and the benchmark it came from. */
type Row = BenchFigure & { bench: string };

/** Runs the named benchmarks (all of them without arguments), one after another so they don't skew each other. */
async function main(names: string[]): Promise<void> {
  const unknown = names.filter((name) => !(name in benchmarks));
  if (unknown.length > 0) {
    console.error(`Unknown benchmark(s): ${unknown.join(", ")}. Available: ${Object.keys(benchmarks).join(", ")}`);
    process.exitCode = 2;
    return;
  }
  const rows: Row[] = [];
  for (const name of names.length > 0 ? names : Object.keys(benchmarks)) {
    console.log(`\n== ${name} ==`);
    const started = performance.now();
    rows.push(...(await runOne(name, benchmarks[name] as Benchmark)));
    console.log(`(${name} took ${((performance.now() - started) / 1_000).toFixed(1)} s)`);
  }
  console.log(`\n${renderTable(rows)}`);
}

/** One benchmark's rows: its figures, a row saying it returned none, or a row saying it failed and why. */
async function runOne(name: string, benchmark: Benchmark): Promise<Row[]> {
  try {
    const returned = await benchmark();
    const figures = Array.isArray(returned) ? (returned as BenchFigure[]) : [];
    if (figures.length === 0) {
      return [
        {
          bench: name,
          figure: "(returns no figures: see its printed output above)",
          goal: "—",
          measured: "—",
          met: null,
        },
      ];
    }
    return figures.map((figure) => ({ bench: name, ...figure }));
  } catch (error) {
    process.exitCode = 1;
    const message = error instanceof Error ? error.message : String(error);
    console.error(`${name} failed:`, error);
    return [{ bench: name, figure: `FAILED: ${firstLine(message)}`, goal: "—", measured: "—", met: false }];
  }
}

/** A Markdown table (pasteable into an issue), padded so that it also reads as columns on a terminal. */
function renderTable(rows: readonly Row[]): string {
  const header = ["bench", "figure", "goal", "measured", "met"];
  const cells = rows.map((r) => [r.bench, r.figure, r.goal, r.measured, r.met === null ? "—" : r.met ? "yes" : "NO"]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? "").length)));
  const line = (values: string[]) => `| ${values.map((v, i) => v.padEnd(widths[i] ?? 0)).join(" | ")} |`;
  const met = rows.filter((r) => r.met === true).length;
  const missed = rows.filter((r) => r.met === false).length;
  return [
    line(header),
    `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`,
    ...cells.map(line),
    "",
    `${rows.length} figures: ${met} goals met, ${missed} missed or failed, ${rows.length - met - missed} without a goal.`,
  ].join("\n");
}

function firstLine(text: string): string {
  const line = text.split("\n")[0] ?? "";
  return line.length > 100 ? `${line.slice(0, 100)}…` : line;
}

await main(process.argv.slice(2));
