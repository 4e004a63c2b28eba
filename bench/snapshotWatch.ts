// Watching 1,000 Snapshot spaces while a new proposal appears every few seconds: how many hub requests a minute that
// costs, and how long from "the hub has it" to "its row and digest job exist", by polling and by webhook.
// BENCH_SNAPSHOT_SECONDS (default 60) sets the polling window; BENCH_SNAPSHOT_POLL (default 15) the poll interval.
import { createAuditLog } from "../src/audit/auditLog.js";
import { Secret } from "../src/config/secret.js";
import { jobCatalog } from "../src/jobs/jobCatalog.js";
import { createJobQueue } from "../src/jobs/jobQueue.js";
import { createHubClient } from "../src/sources/snapshot/hubClient.js";
import { createSnapshotWatcher } from "../src/sources/snapshot/snapshotWatcher.js";
import { createSnapshotWebhookRoute } from "../src/sources/snapshot/webhookRoute.js";
import { createWebServer } from "../src/web/webServer.js";
import { FakeSnapshotHub } from "../test/fakes/snapshotHub.js";
import { type BenchDatabase, benchEngines, openBenchDatabase } from "./benchDatabase.js";
import type { BenchFigure } from "./benchFigure.js";

const SPACES = 1_000;
const NEW_EVERY_MS = 3_000;
const WEBHOOK_EVENTS = 20;
/** Issue 3's goals: ≤ 6 hub requests a minute at ≤ 60 s freshness; a row and job ≤ 2 s after the poll or event. */
const GOAL_REQUESTS_PER_MINUTE = 6;
const GOAL_FRESHNESS_SECONDS = 60;
const GOAL_DELAY_MS = 2_000;

/** Prints hub requests per minute and hub-to-row-and-job delays, on the first benchmarked engine; returns them. */
export async function run(): Promise<BenchFigure[]> {
  const [engine] = await benchEngines();
  const bench = await openBenchDatabase(engine ?? "pglite");
  try {
    console.log(`engine: ${bench.label}`);
    return await measure(bench);
  } finally {
    await bench.drop();
  }
}

async function measure(bench: BenchDatabase): Promise<BenchFigure[]> {
  const windowSeconds = Number(process.env.BENCH_SNAPSHOT_SECONDS ?? 60);
  const pollSeconds = Number(process.env.BENCH_SNAPSHOT_POLL ?? 15);
  const hub = new FakeSnapshotHub();
  const tick = () => {
    hub.now = Math.floor(Date.now() / 1000);
  };
  tick();
  const spaces = Array.from({ length: SPACES }, (_, i) => `dao-${i}.eth`);
  for (let i = 0; i < 100; i++)
    hub.createProposal({ space: spaces[i * 10] as string, title: `Open before start ${i}` });
  const url = await hub.listen();
  const queue = createJobQueue({ sql: bench.db.sql, catalog: jobCatalog, onError: () => undefined });
  await queue.start();
  const sent: { operation: string; at: number }[] = [];
  const watcher = createSnapshotWatcher({
    hub: createHubClient({ url, onRequestSent: (operation) => sent.push({ operation, at: Date.now() }) }),
    prisma: bench.db.prisma,
    audit: createAuditLog({ prisma: bench.db.prisma }),
    jobs: queue,
    spaces,
  });
  const web = createWebServer({
    routes: [
      createSnapshotWebhookRoute({ secret: new Secret("bench"), spaces, onHint: (h) => watcher.hint(h.proposalId) }),
    ],
    onError: (error) => console.error(error),
  });
  const webUrl = await web.listen(0, "127.0.0.1");

  try {
    const started = performance.now();
    await watcher.pollOnce();
    console.log(`  first poll (backfill of ${SPACES} spaces, 100 open proposals): ${ms(performance.now() - started)}`);

    // Polling: proposals appear on the hub while the watcher polls on its own schedule.
    const created = new Map<string, number>();
    const windowStart = Date.now();
    sent.length = 0;
    watcher.start(pollSeconds);
    while (Date.now() - windowStart < windowSeconds * 1000) {
      tick();
      created.set(
        hub.createProposal({
          space: spaces[Math.floor(Math.random() * SPACES)] as string,
          title: `New ${created.size}`,
        }),
        Date.now(),
      );
      await new Promise((r) => setTimeout(r, NEW_EVERY_MS));
    }
    // One more interval so the last proposals are seen, then stop.
    await new Promise((r) => setTimeout(r, pollSeconds * 1000 + 2_000));
    await watcher.stop();
    const windowMs = Date.now() - windowStart;
    const feedSends = sent.filter((s) => s.operation === "proposalFeed").map((s) => s.at);
    console.log(
      `  polling every ${pollSeconds} s for ${Math.round(windowMs / 1000)} s, a new proposal every ${NEW_EVERY_MS / 1000} s ` +
        `(${created.size} proposals): ${sent.length} hub requests = ${((sent.length * 60_000) / windowMs).toFixed(1)} per minute ` +
        `(${summarise(sent.map((s) => s.operation))})`,
    );
    const landed = await landedAt(bench, [...created.keys()]);
    const fresh: number[] = [];
    const afterPoll: number[] = [];
    for (const [id, hubAt] of created) {
      const at = landed.get(id);
      if (at === undefined) continue;
      fresh.push(at - hubAt);
      const poll = feedSends.find((t) => t >= hubAt);
      if (poll !== undefined) afterPoll.push(at - poll);
    }
    console.log(`  seen: ${fresh.length}/${created.size} proposals with their row and digest job`);
    console.log(`  hub has it → row and job exist: ${percentiles(fresh)}`);
    console.log(`  poll that sees it → row and job exist: ${percentiles(afterPoll)}`);

    // Webhook: each event makes the watcher fetch that proposal at once.
    const hooked = new Map<string, number>();
    for (let i = 0; i < WEBHOOK_EVENTS; i++) {
      tick();
      const id = hub.createProposal({ space: spaces[i] as string, title: `Hooked ${i}` });
      hooked.set(id, Date.now());
      await fetch(`${webUrl}/webhooks/snapshot`, {
        method: "POST",
        headers: { authentication: "bench" },
        body: JSON.stringify({ id: `proposal/${id}`, event: "proposal/created", space: spaces[i], expire: hub.now }),
      });
      await new Promise((r) => setTimeout(r, 500));
    }
    await new Promise((r) => setTimeout(r, 2_000));
    const hookedLanded = await landedAt(bench, [...hooked.keys()]);
    const hookDelays = [...hooked].flatMap(([id, at]) =>
      hookedLanded.has(id) ? [(hookedLanded.get(id) as number) - at] : [],
    );
    console.log(
      `  webhook event → row and job exist (${hookDelays.length}/${WEBHOOK_EVENTS}): ${percentiles(hookDelays)}`,
    );
    const perMinute = (sent.length * 60_000) / windowMs;
    const where = `${SPACES.toLocaleString("en-US")} spaces, polled every ${pollSeconds} s`;
    return [
      {
        figure: `Snapshot hub requests per minute (${where})`,
        goal: `≤ ${GOAL_REQUESTS_PER_MINUTE} at ≤ ${GOAL_FRESHNESS_SECONDS} s freshness`,
        measured: perMinute.toFixed(1),
        met: perMinute <= GOAL_REQUESTS_PER_MINUTE && pollSeconds <= GOAL_FRESHNESS_SECONDS,
      },
      seenFigure(`New proposals seen with their row and digest job (${where})`, fresh.length, created.size),
      {
        figure: `Poll that sees a proposal → its row and digest job exist, max (${where})`,
        goal: `≤ ${GOAL_DELAY_MS / 1_000} s`,
        measured: maxOf(afterPoll),
        met: afterPoll.length > 0 && Math.max(...afterPoll) <= GOAL_DELAY_MS,
      },
      {
        figure: "Webhook event → the proposal's row and digest job exist, max",
        goal: `≤ ${GOAL_DELAY_MS / 1_000} s`,
        measured: `${maxOf(hookDelays)} (${hookDelays.length}/${WEBHOOK_EVENTS} seen)`,
        met: hookDelays.length === WEBHOOK_EVENTS && Math.max(...hookDelays) <= GOAL_DELAY_MS,
      },
    ];
  } finally {
    await watcher.stop();
    await web.close();
    await queue.stop(5_000);
    await hub.close();
  }
}

/** When each proposal had both its row and its digest job: the later of the two, in epoch ms (database clock). */
async function landedAt(bench: BenchDatabase, externalIds: string[]): Promise<Map<string, number>> {
  const { rows } = await bench.db.sql.query<{ external_id: string; row_at: Date; job_at: Date }>(
    `SELECT p."externalId" AS external_id, p."firstSeenAt" AS row_at, j.created_on AS job_at
       FROM "Proposal" p
       JOIN "ProposalVersion" v ON v."proposalId" = p.id
       JOIN pgboss.job j ON j.name = 'digest.proposal' AND j.singleton_key = v.id
      WHERE p."externalId" = ANY($1)`,
    [externalIds],
  );
  return new Map(
    rows.map((r) => [r.external_id, Math.max(new Date(r.row_at).getTime(), new Date(r.job_at).getTime())]),
  );
}

/** How many of the proposals put on the hub were seen: all of them is the goal. */
function seenFigure(figure: string, seen: number, created: number): BenchFigure {
  return { figure, goal: "all", measured: `${seen}/${created}`, met: seen === created };
}

function maxOf(values: number[]): string {
  return values.length === 0 ? "no data" : ms(Math.max(...values));
}

function summarise(operations: string[]): string {
  const counts = new Map<string, number>();
  for (const op of operations) counts.set(op, (counts.get(op) ?? 0) + 1);
  return [...counts].map(([op, n]) => `${op} ${n}`).join(", ") || "none";
}

function percentiles(values: number[]): string {
  if (values.length === 0) return "no data";
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number;
  return `p50 ${ms(at(0.5))}, p95 ${ms(at(0.95))}, max ${ms(sorted[sorted.length - 1] as number)}`;
}

function ms(value: number): string {
  return value >= 1_000 ? `${(value / 1000).toFixed(2)} s` : `${Math.round(value)} ms`;
}
