// The stewards' web view over a large audit log: page latency (first, deep, filtered, searched) through the real
// HTTP server as a signed-in steward, and the export's throughput and memory. The target: with 1,000,000
// entries, an audit page and a filtered page answer p95 ≤ 100 ms. BENCH_WEB_ENTRIES changes the log's size.
import { randomBytes } from "node:crypto";
import { createAuditLog } from "../src/audit/auditLog.js";
import { type ChainedEntry, chainEntry } from "../src/audit/hashChain.js";
import { Secret } from "../src/config/secret.js";
import type { Database } from "../src/db/database.js";
import { DEFAULT_TAXONOMY } from "../src/values/taxonomy.js";
import { signLoginLink } from "../src/web/loginLink.js";
import { createRateLimiter } from "../src/web/loginRateLimiter.js";
import { createStewardWeb } from "../src/web/stewardWeb.js";
import { createWebServer } from "../src/web/webServer.js";
import { benchEngines, openBenchDatabase } from "./benchDatabase.js";
import type { BenchFigure } from "./benchFigure.js";

const ENTRIES = Number(process.env.BENCH_WEB_ENTRIES ?? 1_000_000);
const SPACES = 20;
const PROPOSALS = 2_000;
const MEMBERS = 50_000;
const INSERT_BATCH = 5_000;
const RUNS = 60;
const WARMUP = 5;
const STEWARD = "100000000000000001";
const MULTI_STEWARD = "100000000000000002";
/** Issue 9: with 1,000,000 entries, an audit page and a filtered page answer p95 ≤ 100 ms. */
const GOAL_P95_MS = 100;

/** What each action's share of the log is: decisions dominate, as they do with many members. */
const ACTIONS: [string, number][] = [
  ["decision.made", 0.5],
  ["proposal.ingested", 0.2],
  ["cast.announced", 0.1],
  ["cast.confirmed", 0.1],
  ["digest.created", 0.05],
  ["override.recorded", 0.04],
  ["config.changed", 0.01],
];
/** The action whose share of the cumulative distribution contains `u` (0 ≤ u < 1). */
function pickAction(u: number): string {
  let below = 0;
  for (const [action, share] of ACTIONS) {
    below += share;
    if (u < below) return action;
  }
  return "decision.made";
}

const WORDS = ["treasury", "grant", "quorum", "delegate", "budget", "audit", "security", "growth", "veto", "ballot"];

/** Prints page latencies and export throughput for each benchmarked engine, and returns them with issue 9's goal. */
export async function run(): Promise<BenchFigure[]> {
  const figures: BenchFigure[] = [];
  for (const engine of await benchEngines()) {
    const bench = await openBenchDatabase(engine);
    // BENCH_WEB_KEEP=1 leaves the PostgreSQL database behind, to EXPLAIN queries against a realistic log.
    const keep = process.env.BENCH_WEB_KEEP === "1" && bench.url !== null;
    try {
      console.log(`engine: ${bench.label}`);
      figures.push(...(await measure(bench.db, engine === "postgres" ? "PostgreSQL" : "PGlite")));
    } finally {
      if (keep) {
        await bench.db.close();
        console.log(`  kept the database for inspection: ${bench.url}`);
      } else {
        await bench.drop();
      }
    }
  }
  return figures;
}

async function measure(db: Database, on: string): Promise<BenchFigure[]> {
  const figures: BenchFigure[] = [];
  const entries = `${ENTRIES.toLocaleString("en-US")} entries, ${on}`;
  const spaces = await seedSpaces(db);
  let started = performance.now();
  const head = await seedLog(db, spaces);
  // A bulk load leaves the planner without statistics until autovacuum gets to it; an operator would ANALYZE.
  await db.sql.exec(`ANALYZE "AuditEntry"`);
  console.log(
    `  seeded ${ENTRIES.toLocaleString("en-US")} entries over ${SPACES} spaces in ${seconds(started)} ` +
      `(the steward's space holds ~${Math.round(ENTRIES / 4).toLocaleString("en-US")})`,
  );

  const secret = new Secret(randomBytes(24).toString("hex"));
  const server = createWebServer({
    routes: createStewardWeb({
      prisma: db.prisma,
      sql: db.sql,
      audit: createAuditLog({ prisma: db.prisma }),
      signingSecret: secret,
      loginLimiter: createRateLimiter({ burst: 100, perMinute: 100 }),
    }),
    onError: (error) => console.error("  server error:", error),
  });
  const url = await server.listen(0, "127.0.0.1");
  try {
    const cookie = await signIn(url, secret, STEWARD);
    const multi = await signIn(url, secret, MULTI_STEWARD);
    const own = spaces[0] as string;
    const rareWord = "zebra-marker";
    const pages: [string, string, string][] = [
      ["first page", "/audit", cookie],
      ["deep page (before entry 5,000)", "/audit?before=5000", cookie],
      ["page back (newer than entry 5,000)", "/audit?after=5000", cookie],
      ["filtered: action in space", `/audit?space=${own}&action=cast.confirmed`, cookie],
      ["filtered: rare action, deep", `/audit?action=config.changed&before=${Math.round(head / 2)}`, cookie],
      ["filtered: proposal", `/audit?proposal=${proposalId(0)}`, cookie],
      ["filtered: member", `/audit?member=${memberId(4)}`, cookie],
      ["filtered: one day", `/audit?from=${dayAt(head / 2)}&until=${dayAt(head / 2 + 86_400)}`, cookie],
      ["search: common word", "/audit?q=treasury", cookie],
      ["search: rare word", `/audit?q=${rareWord}`, cookie],
      ["steward of 3 spaces: first page", "/audit", multi],
      ["steward of 3 spaces: action filter", "/audit?action=override.recorded", multi],
    ];
    console.log(`  page latency over ${RUNS} requests (HTTP, signed in, full HTML page of 50 entries):`);
    for (const [name, path, who] of pages) {
      const times = await timeRequests(`${url}${path}`, who);
      const p95 = percentile(times, 0.95);
      console.log(`    ${name.padEnd(38)} p50 ${ms(percentile(times, 0.5))}  p95 ${ms(p95)}`);
      figures.push({
        figure: `Audit page p95, ${name} (${entries})`,
        goal: `≤ ${GOAL_P95_MS} ms`,
        measured: ms(p95).trim(),
        met: p95 <= GOAL_P95_MS,
      });
    }
    for (const [name, path] of [
      ["export CSV, one action", `/audit/export.csv?action=cast.confirmed`],
      ["export CSV, the whole space", "/audit/export.csv"],
      ["export JSON, the whole space", "/audit/export.json"],
    ] as const) {
      const exported = await exportFigures(name, `${url}${path}`, cookie, path.includes(".csv"));
      figures.push({
        figure: `${name[0]?.toUpperCase()}${name.slice(1)} (${entries})`,
        goal: "—",
        measured: `${exported.rowsPerSecond.toLocaleString("en-US")} rows/s, peak RSS +${mb(exported.peakRssGrowth)}`,
        met: null,
      });
    }
    started = performance.now();
    const verdict = await createAuditLog({ prisma: db.prisma }).verify();
    console.log(
      `  /verify's chain check: ${verdict.intact ? "intact" : "BROKEN"}, ${verdict.count} entries in ${seconds(started)}`,
    );
  } finally {
    await server.close();
  }
  return figures;
}

async function seedSpaces(db: Database): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < SPACES; i++) {
    const space = await db.prisma.space.create({
      data: { kind: "snapshot", externalId: `bench-${i}.eth`, name: `Bench space ${i}`, taxonomy: DEFAULT_TAXONOMY },
    });
    ids.push(space.id);
  }
  await db.prisma.steward.createMany({
    data: [
      { discordUserId: STEWARD, spaceId: ids[0] as string, grantedBy: "bench" },
      ...[0, 1, 2].map((i) => ({ discordUserId: MULTI_STEWARD, spaceId: ids[i] as string, grantedBy: "bench" })),
    ],
  });
  return ids;
}

const proposalId = (n: number) => `proposal-${n}`;
const memberId = (n: number) => `member-${n}`;
const START = Date.UTC(2026, 0, 1);
/** Entry n is appended n seconds after the start: a million entries span about twelve days. */
const dayAt = (seq: number) => new Date(START + Math.round(seq) * 1_000).toISOString().slice(0, 16);

/** Builds the chain with the same chainEntry appends use and bulk-inserts it; returns the last seq. */
async function seedLog(db: Database, spaces: string[]): Promise<number> {
  let prev: ChainedEntry | null = null;
  let random = 42;
  const next = () => {
    random = (random * 1_103_515_245 + 12_345) % 2_147_483_648;
    return random / 2_147_483_648;
  };
  for (let done = 0; done < ENTRIES; ) {
    const batch: ChainedEntry[] = [];
    for (let i = 0; i < INSERT_BATCH && done < ENTRIES; i++, done++) {
      const seq = done + 1;
      const system = next() < 0.01;
      // The steward's space (0) holds a quarter of the log; the rest is spread over the other spaces.
      const space = system ? null : next() < 0.25 ? 0 : 1 + Math.floor(next() * (SPACES - 1));
      const action = system ? "system.started" : pickAction(next());
      const proposal = space === null ? null : space + SPACES * Math.floor(next() * (PROPOSALS / SPACES));
      const member = action === "decision.made" || action.startsWith("cast.") || action === "override.recorded";
      const event = {
        action,
        actor: system ? "system" : "worker",
        spaceId: space === null ? null : (spaces[space] as string),
        proposalId: proposal === null ? null : proposalId(proposal),
        memberId: member && space !== null ? memberId(Math.floor(next() * MEMBERS)) : null,
        data: {
          note: `${WORDS[Math.floor(next() * WORDS.length)]} ${WORDS[Math.floor(next() * WORDS.length)]}`,
          ...(seq % 100_000 === 0 ? { marker: "zebra-marker" } : {}),
          ...(member ? { statement: "private words", weights: { treasury_prudence: 4 }, outcome: "vote" } : {}),
        },
      };
      const entry = chainEntry(event, new Date(START + seq * 1_000), prev);
      batch.push(entry);
      prev = entry;
    }
    await insert(db, batch);
  }
  return ENTRIES;
}

async function insert(db: Database, batch: ChainedEntry[]): Promise<void> {
  const column = <T>(pick: (e: ChainedEntry) => T) => batch.map(pick);
  await db.sql.query(
    `INSERT INTO "AuditEntry" (seq, "at", action, actor, "spaceId", "proposalId", "memberId", canonical, "prevHash", hash)
     SELECT * FROM unnest($1::int[], $2::timestamp[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                          $8::text[], $9::text[], $10::text[])`,
    [
      column((e) => e.seq),
      column((e) => e.at.toISOString().replace("Z", "")),
      column((e) => e.action),
      column((e) => e.actor),
      column((e) => e.spaceId),
      column((e) => e.proposalId),
      column((e) => e.memberId),
      column((e) => e.canonical),
      column((e) => e.prevHash),
      column((e) => e.hash),
    ],
  );
}

async function signIn(url: string, secret: Secret, user: string): Promise<string> {
  const link = new URL(signLoginLink({ secret, baseUrl: url, discordUserId: user }));
  const response = await fetch(`${url}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: new URL(url).origin },
    body: new URLSearchParams({ link: link.searchParams.get("link") ?? "" }),
  });
  if (response.status !== 303) throw new Error(`sign-in failed: ${response.status}`);
  return (response.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
}

async function timeRequests(url: string, cookie: string): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < WARMUP + RUNS; i++) {
    const t0 = performance.now();
    const response = await fetch(url, { headers: { cookie } });
    const body = await response.text();
    if (response.status !== 200) throw new Error(`${url} answered ${response.status}: ${body.slice(0, 200)}`);
    if (i >= WARMUP) times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b);
}

/** Streams an export through HTTP, counting rows as they arrive, while sampling this process's memory. */
async function exportFigures(
  name: string,
  url: string,
  cookie: string,
  csv: boolean,
): Promise<{ rowsPerSecond: number; peakRssGrowth: number }> {
  globalThis.gc?.();
  const base = process.memoryUsage();
  let peakRss = base.rss;
  let peakHeap = base.heapUsed;
  const sampler = setInterval(() => {
    const now = process.memoryUsage();
    peakRss = Math.max(peakRss, now.rss);
    peakHeap = Math.max(peakHeap, now.heapUsed);
  }, 20);
  const t0 = performance.now();
  let rows = 0;
  let bytes = 0;
  try {
    const response = await fetch(url, { headers: { cookie } });
    if (!response.body) throw new Error("no body");
    const decoder = new TextDecoder();
    for await (const chunk of response.body) {
      bytes += chunk.byteLength;
      const text = decoder.decode(chunk, { stream: true });
      for (let at = text.indexOf("\n"); at >= 0; at = text.indexOf("\n", at + 1)) rows++;
    }
  } finally {
    clearInterval(sampler);
  }
  const elapsed = performance.now() - t0;
  // CSV: one line per row plus the header; JSON: one line per entry plus the opening and closing lines.
  rows -= csv ? 1 : 2;
  console.log(
    `  ${name}: ${rows.toLocaleString("en-US")} rows, ${(bytes / 1e6).toFixed(0)} MB in ${(elapsed / 1_000).toFixed(1)} s = ` +
      `${Math.round((rows * 1_000) / elapsed).toLocaleString("en-US")} rows/s; peak RSS +${mb(peakRss - base.rss)} ` +
      `(${mb(peakRss)} total), peak heap +${mb(peakHeap - base.heapUsed)}`,
  );
  return { rowsPerSecond: Math.round((rows * 1_000) / elapsed), peakRssGrowth: peakRss - base.rss };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
}

function ms(value: number): string {
  return `${value.toFixed(1).padStart(7)} ms`;
}

function mb(bytes: number): string {
  return `${Math.max(0, bytes / 1_048_576).toFixed(0)} MB`;
}

function seconds(since: number): string {
  return `${((performance.now() - since) / 1_000).toFixed(1)} s`;
}
