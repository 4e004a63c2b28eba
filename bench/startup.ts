// Time to "ready" of the real start command, as an operator sees it: a fresh process, tsx compiling on load,
// migrations on a cold start, then SIGTERM and the graceful stop.
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { benchEngines, openBenchDatabase } from "./benchDatabase.js";
import type { BenchFigure } from "./benchFigure.js";

const ROOT = resolve(import.meta.dirname, "..");
const READY_LINE = "Tribune is ready.";
// Far above any sane start-up; only there so a hung child cannot hang the benchmark.
const GIVE_UP_MS = 120_000;

interface StartStop {
  readyMs: number;
  stopMs: number;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  peakRss: string;
}

/**
 * Prints cold and warm start-up, stop time and peak memory of `src/main.ts`, embedded and on PostgreSQL, and returns
 * them. Issue 2 asks that it reach ready and stop cleanly on SIGTERM; it names no time.
 */
export async function run(): Promise<BenchFigure[]> {
  const figures: BenchFigure[] = [];
  const report = (label: string, r: StartStop) => {
    print(label, r);
    figures.push(...figuresOf(label, r));
  };
  const engines = await benchEngines();
  if (engines.includes("pglite")) {
    const dataDir = await mkdtemp(join(tmpdir(), "tribune-bench-"));
    try {
      console.log("engine: PGlite (embedded, no DATABASE_URL)");
      report("PGlite, cold (fresh data dir, migrates)", await startAndStop({ dataDir }));
      report("PGlite, warm (same data dir)", await startAndStop({ dataDir }));
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
    // What a newcomer sees: nothing configured starts the demo, which replays and digests its bundled proposals.
    const demoDir = await mkdtemp(join(tmpdir(), "tribune-bench-"));
    try {
      report("PGlite, the zero-config demo, cold", await startAndStop({ dataDir: demoDir, demo: true }));
    } finally {
      await rm(demoDir, { recursive: true, force: true });
    }
  }
  if (engines.includes("postgres")) {
    const bench = await openBenchDatabase("postgres", { migrated: false, poolSize: 1 });
    const dataDir = await mkdtemp(join(tmpdir(), "tribune-bench-"));
    try {
      console.log(`engine: ${bench.label} (DATABASE_URL)`);
      const databaseUrl = bench.url as string;
      report("PostgreSQL, cold (empty database, migrates)", await startAndStop({ dataDir, databaseUrl }));
      report("PostgreSQL, warm (same database)", await startAndStop({ dataDir, databaseUrl }));
    } finally {
      await bench.drop();
      await rm(dataDir, { recursive: true, force: true });
    }
  }
  return figures;
}

function figuresOf(label: string, r: StartStop): BenchFigure[] {
  const clean = r.exitCode === 0;
  return [
    { figure: `Start to "ready", ${label}`, goal: "—", measured: `${Math.round(r.readyMs)} ms`, met: null },
    {
      figure: `SIGTERM to exit, ${label}`,
      goal: "exit code 0",
      measured: `${Math.round(r.stopMs)} ms, ${r.signal ? `signal ${r.signal}` : `exit code ${r.exitCode}`}`,
      met: clean,
    },
    { figure: `Peak RSS, ${label}`, goal: "—", measured: r.peakRss, met: null },
  ];
}

function print(label: string, r: StartStop): void {
  const exit = r.signal ? `signal ${r.signal}` : `exit code ${r.exitCode}`;
  console.log(
    `  ${label}: ready in ${Math.round(r.readyMs)} ms; stopped ${Math.round(r.stopMs)} ms after SIGTERM (${exit}); ` +
      `peak RSS ${r.peakRss}`,
  );
}

async function startAndStop(options: { dataDir: string; databaseUrl?: string; demo?: boolean }): Promise<StartStop> {
  const { dataDir, databaseUrl } = options;
  // DEMO=false: the operator's start, comparable across runs; the demo is measured on its own (its replay adds work).
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: "0",
    TRIBUNE_DATA_DIR: dataDir,
    LOG_LEVEL: "warn",
    DEMO: options.demo ? "true" : "false",
  };
  // The developer's own database settings must not leak into the embedded run.
  delete env.DATABASE_URL;
  delete env.DATABASE_URL_FILE;
  if (databaseUrl) env.DATABASE_URL = databaseUrl;

  const started = performance.now();
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], { cwd: ROOT, env });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((done) =>
    child.once("exit", (code, signal) => done({ code, signal, at: performance.now() })),
  );
  let stdout = "";
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const readyAt = await new Promise<number | null>((done) => {
    const timer = setTimeout(() => done(null), GIVE_UP_MS);
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes(`${READY_LINE}\n`)) {
        clearTimeout(timer);
        done(performance.now());
      }
    });
    exited.then(() => {
      clearTimeout(timer);
      done(null);
    });
  });
  if (readyAt === null) {
    child.kill("SIGKILL");
    await exited;
    throw new Error(`src/main.ts never printed "${READY_LINE}".\nstdout:\n${stdout}\nstderr:\n${stderr}`);
  }

  // Read while the child is still alive: /proc forgets the high-water mark at exit.
  const peakRss = await readPeakRss(child.pid);
  const stopping = performance.now();
  child.kill("SIGTERM");
  const exit = await exited;
  if (exit.code !== 0 && stderr) console.log(`  child stderr:\n${stderr}`);
  return { readyMs: readyAt - started, stopMs: exit.at - stopping, exitCode: exit.code, signal: exit.signal, peakRss };
}

async function readPeakRss(pid: number | undefined): Promise<string> {
  const status = await readFile(`/proc/${pid}/status`, "utf8").catch(() => "");
  const kb = /^VmHWM:\s+(\d+) kB/m.exec(status)?.[1];
  return kb ? `${Math.round(Number(kb) / 1024)} MiB` : "n/a (no /proc)";
}
