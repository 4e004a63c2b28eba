// How fast the audit chain takes entries and checks them. Every append serialises on one advisory lock, so these
// figures bound how many audited actions per second Tribune can take, whatever the number of workers.
import { type AuditLog, createAuditLog } from "../src/audit/auditLog.js";
import { chainEntry } from "../src/audit/hashChain.js";
import { type BenchDatabase, benchEngines, openBenchDatabase } from "./benchDatabase.js";
import type { BenchFigure } from "./benchFigure.js";

const SEQUENTIAL = 1_000;
const CONNECTIONS = 8;
const CONCURRENT = 1_000;
const VERIFY_LOG = 10_000;
const BULK_BATCH = 1_000;

/**
 * Prints append and verify throughput of the audit log on each benchmarked engine, and returns them. Issue 2 names
 * no speed goal; its goal is that concurrent appends from 8 connections leave one unbroken chain.
 */
export async function run(): Promise<BenchFigure[]> {
  const figures: BenchFigure[] = [];
  for (const engine of await benchEngines()) {
    const bench = await openBenchDatabase(engine);
    try {
      console.log(`engine: ${bench.label}`);
      figures.push(...(await measure(bench)));
    } finally {
      await bench.drop();
    }
  }
  return figures;
}

async function measure(bench: BenchDatabase): Promise<BenchFigure[]> {
  const on = bench.engine === "postgres" ? "PostgreSQL" : "PGlite";
  const noGoal = (figure: string, measured: string): BenchFigure => ({ figure, goal: "—", measured, met: null });
  const audit = createAuditLog({ prisma: bench.db.prisma });
  // One untimed append per handle, so connecting and Prisma's first-query setup are not counted as appends.
  await audit.append({ action: "bench.warmup", actor: "bench" });

  let started = performance.now();
  for (let i = 0; i < SEQUENTIAL; i++) await audit.append({ action: "bench.sequential", actor: "bench", data: { i } });
  const sequential = rate(SEQUENTIAL, performance.now() - started);
  console.log(`  sequential: ${sequential} appends/s (${SEQUENTIAL}, one writer)`);

  // A batch (one decision per member, say) takes the lock once and inserts once.
  const batch = Array.from({ length: SEQUENTIAL * 10 }, (_, i) => ({
    action: "bench.batch",
    actor: "bench",
    data: { i },
  }));
  started = performance.now();
  await audit.appendMany(batch);
  const batched = rate(batch.length, performance.now() - started);
  console.log(`  batched: ${batched} appends/s (${batch.length} in one appendMany)`);

  // One connection per handle, as separate processes would have: the lock, not a shared pool, decides the order.
  const handles = await Promise.all(Array.from({ length: CONNECTIONS }, () => bench.connect(1)));
  const logs = handles.map((db) => createAuditLog({ prisma: db.prisma }));
  await Promise.all(logs.map((log) => log.append({ action: "bench.warmup", actor: "bench" })));
  const latencies: number[] = [];
  started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENT }, async (_, i) => {
      const log = logs[i % CONNECTIONS] as AuditLog;
      const t0 = performance.now();
      await log.append({ action: "bench.concurrent", actor: `writer-${i % CONNECTIONS}`, data: { i } });
      latencies.push(performance.now() - t0);
    }),
  );
  const elapsed = performance.now() - started;
  latencies.sort((a, b) => a - b);
  console.log(
    `  concurrent: ${rate(CONCURRENT, elapsed)} appends/s (${CONCURRENT} over ${CONNECTIONS} connections); ` +
      `latency p50 ${ms(percentile(latencies, 0.5))}, p99 ${ms(percentile(latencies, 0.99))} ` +
      "(includes waiting for the connection and the chain lock)",
  );

  await extendChain(bench, VERIFY_LOG);
  started = performance.now();
  const verdict = await audit.verify();
  const verifyMs = performance.now() - started;
  const outcome = verdict.intact ? "intact" : `BROKEN at ${verdict.brokenAt}: ${verdict.reason}`;
  console.log(
    `  verify: ${rate(verdict.count, verifyMs)} entries/s (${verdict.count} entries, ${ms(verifyMs)}, ${outcome})`,
  );
  return [
    noGoal(`Audit appends, one writer (${on})`, `${sequential}/s`),
    noGoal(`Audit appends in one appendMany of ${batch.length.toLocaleString("en-US")} (${on})`, `${batched}/s`),
    noGoal(`Audit appends, ${CONNECTIONS} connections at once (${on})`, `${rate(CONCURRENT, elapsed)}/s`),
    noGoal(
      `Audit append latency p99, ${CONCURRENT} queued on ${CONNECTIONS} connections (${on})`,
      ms(percentile(latencies, 0.99)),
    ),
    noGoal(`Audit verify() (${on})`, `${rate(verdict.count, verifyMs)} entries/s`),
    {
      figure: `Audit chain after ${CONCURRENT} concurrent appends from ${CONNECTIONS} connections (${on})`,
      goal: "one unbroken chain",
      measured: outcome,
      met: verdict.intact,
    },
  ];
}

/**
 * Grows the log to `total` entries with bulk inserts: the chain is built by the same `chainEntry` that `append`
 * uses, so verify() sees exactly what appends would have written, minutes sooner.
 */
async function extendChain(bench: BenchDatabase, total: number): Promise<void> {
  let prev = await bench.db.prisma.auditEntry.findFirst({
    orderBy: { seq: "desc" },
    select: { seq: true, hash: true },
  });
  while ((prev?.seq ?? 0) < total) {
    const batch = [];
    for (let i = 0; i < BULK_BATCH && (prev?.seq ?? 0) < total; i++) {
      const entry = chainEntry({ action: "bench.bulk", actor: "bench", data: { i } }, new Date(), prev);
      batch.push(entry);
      prev = entry;
    }
    await bench.db.prisma.auditEntry.createMany({ data: batch });
  }
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
}

function rate(count: number, elapsedMs: number): string {
  return Math.round((count * 1_000) / elapsedMs).toLocaleString("en-US");
}

function ms(value: number): string {
  return `${value.toFixed(1)} ms`;
}
