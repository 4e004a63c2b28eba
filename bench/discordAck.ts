// Discord's 3-second rule under load: 200 slash commands arrive at once (a mix of /proposals, /summary and /why from
// 200 members) through the fake Discord to the REAL discord.js client and Tribune's router, over a seeded database.
// Measured by the fake's clock, from each interaction's creation to its first answer: acknowledgement latency p50 and
// p99 (the issue's goal: p99 ≤ 300 ms), how many were deferred, and that none was lost (every one acknowledged and
// every final answer present). The fake runs in a worker thread (discordAckFake.ts), so what is measured is the bot.
// BENCH_DISCORD_COMMANDS changes how many arrive at once; BENCH_DISCORD_DEFER_MS the router's deferral delay.
import { once } from "node:events";
import os from "node:os";
import { Worker } from "node:worker_threads";
import type { Database } from "../src/db/database.js";
import { CHANNEL, connectTribune, GUILD, type TribuneOnDiscord } from "../test/discord/discordFace.js";
import { crowdMemberId, seedCrowd } from "../test/discord/memberCrowd.js";
import type { SlashCommandInput } from "../test/fakes/discord/interactions.js";
import { impact } from "../test/values/digestFixtures.js";
import { seedDigest, seedProposal } from "../test/values/seed.js";
import { benchEngines, openBenchDatabase } from "./benchDatabase.js";
import type { BurstOutcome, FakeMessage, FakeRequest } from "./discordAckFake.js";

const COMMANDS = Number(process.env.BENCH_DISCORD_COMMANDS ?? 200);
const PROPOSALS = 20;
/** Members with a profile and a decision on every proposal (the ones who ask /why). */
const DECIDED = 100;
const WARMUP = 20;
const SEQUENTIAL = 30;
const GOAL_P99_MS = 300;

/** Member n of the crowd; all of them are in the fake guild, the first DECIDED have profiles and decisions. */
const memberId = crowdMemberId;

/** Prints acknowledgement latency and losses for each benchmarked engine. */
export async function run(): Promise<void> {
  console.log(
    `  load average ${os.loadavg()[0]?.toFixed(1)} on ${os.availableParallelism()} cores; ` +
      `${COMMANDS} commands at once; goal p99 ≤ ${GOAL_P99_MS} ms`,
  );
  for (const engine of await benchEngines()) {
    const bench = await openBenchDatabase(engine);
    let fake: FakeWorker | undefined;
    let tribune: TribuneOnDiscord | undefined;
    try {
      console.log(`engine: ${bench.label}`);
      fake = await startFakeWorker(Array.from({ length: COMMANDS }, (_, n) => memberId(n)));
      tribune = await connectTribune(bench.db, fake.endpoint, {
        workAnnounce: false,
        deferAfterMs: process.env.BENCH_DISCORD_DEFER_MS ? Number(process.env.BENCH_DISCORD_DEFER_MS) : undefined,
      });
      const proposals = await seed(bench.db, tribune);
      await fake.burst(commandsFor(proposals, WARMUP));
      // One at a time first: what a command costs when nothing else is waiting.
      const alone: BurstOutcome[] = [];
      for (const command of commandsFor(proposals, SEQUENTIAL)) alone.push(...(await fake.burst([command])));
      console.log(line("one by one", alone));
      const loop = performance.eventLoopUtilization();
      const outcomes = await fake.burst(commandsFor(proposals, COMMANDS));
      const busy = performance.eventLoopUtilization(loop).utilization;
      report(outcomes);
      console.log(`  the bot's event loop was busy ${(busy * 100).toFixed(0)}% of the burst`);
    } finally {
      await tribune?.close();
      await fake?.close();
      await bench.drop();
    }
  }
}

type FakeWorker = Awaited<ReturnType<typeof startFakeWorker>>;

/** The fake Discord in its worker thread, and the way to ask it for a burst. */
async function startFakeWorker(members: string[]) {
  // A worker does not inherit tsx's loader on Node 20, so its entry asks tsx to load the TypeScript file.
  const entry = new URL("./discordAckFake.ts", import.meta.url).href;
  const boot = `import("tsx/esm/api").then(({ tsImport }) => tsImport(${JSON.stringify(entry)}, ${JSON.stringify(entry)}))`;
  const worker = new Worker(boot, { eval: true, workerData: { members } });
  const next = async (): Promise<FakeMessage> => (await once(worker, "message"))[0] as FakeMessage;
  const ask = (request: FakeRequest) => worker.postMessage(request);
  const ready = await next();
  if (ready.type !== "ready") throw new Error(`the fake worker said ${ready.type} first`);
  return {
    endpoint: { apiUrl: ready.apiUrl, token: ready.token },
    async burst(commands: { label: string; input: SlashCommandInput }[]): Promise<BurstOutcome[]> {
      ask({ type: "burst", commands });
      const answer = await next();
      if (answer.type !== "burst") throw new Error(`the fake worker answered ${answer.type}`);
      return answer.outcomes;
    },
    async close() {
      ask({ type: "close" });
      await next();
      await worker.terminate();
    },
  };
}

/** A followed space, its proposals with digests, and members whose decisions on each are stored. */
async function seed(db: Database, face: TribuneOnDiscord): Promise<string[]> {
  const prisma = db.prisma;
  const added = await face.services.spaces.add({
    ref: "bench.eth",
    guildId: GUILD,
    channelId: CHANNEL,
    actor: "bench",
  });
  await seedCrowd(prisma, added.id, DECIDED, (n) => (n % 2 === 0 ? "public" : "private"));
  const ids: string[] = [];
  for (let p = 0; p < PROPOSALS; p += 1) {
    const { proposal, version } = await seedProposal(prisma, added.id);
    const digest = await seedDigest(prisma, proposal, version.id, {
      impacts: [
        impact(1, "treasury_prudence", -2),
        impact(2, "treasury_prudence", 2),
        impact(1, "public_goods_community", 2),
      ],
    });
    await face.decider.decideDigest({ proposalId: proposal.id, digestId: digest.id });
    ids.push(proposal.id);
  }
  return ids;
}

/** A mix of /proposals, /summary and /why; /why from members with a stored decision, so it reads and explains one. */
function commandsFor(proposals: readonly string[], count: number): { label: string; input: SlashCommandInput }[] {
  return Array.from({ length: count }, (_, n) => {
    const where = { guildId: GUILD, channelId: CHANNEL, userId: memberId(n % COMMANDS) };
    const proposal = proposals[n % proposals.length] as string;
    if (n % 3 === 0) return { label: "proposals", input: { ...where, name: "proposals" } };
    if (n % 3 === 1) return { label: "summary", input: { ...where, name: "summary", options: { proposal } } };
    return { label: "why", input: { ...where, userId: memberId(n % DECIDED), name: "why", options: { proposal } } };
  });
}

function report(outcomes: readonly BurstOutcome[]): void {
  console.log(line("all", outcomes));
  for (const command of ["proposals", "summary", "why"]) {
    console.log(
      line(
        `/${command}`,
        outcomes.filter((o) => o.label === command),
      ),
    );
  }
  const lost = outcomes.filter((o) => !o.answered);
  const p99 = percentile(latenciesOf(outcomes), 0.99);
  console.log(
    `  lost: ${lost.length} of ${outcomes.length}${lost[0]?.failure ? ` (first: ${lost[0].failure})` : ""}; ` +
      `p99 ${p99 <= GOAL_P99_MS ? "within" : "OVER"} the ${GOAL_P99_MS} ms goal`,
  );
}

function line(label: string, list: readonly BurstOutcome[]): string {
  const latencies = latenciesOf(list);
  const deferred = list.filter((o) => o.type === 5).length;
  return (
    `  ${label.padEnd(10)} ${String(list.length).padStart(4)} commands: ack p50 ${ms(percentile(latencies, 0.5))}, ` +
    `p99 ${ms(percentile(latencies, 0.99))}, max ${ms(latencies.at(-1) ?? Number.NaN)}; ` +
    `${deferred} deferred (type 5), ${list.length - deferred} answered directly`
  );
}

function latenciesOf(list: readonly BurstOutcome[]): number[] {
  return list.flatMap((o) => (o.latencyMs === null ? [] : [o.latencyMs])).sort((a, b) => a - b);
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
}

function ms(value: number): string {
  return `${value.toFixed(0)} ms`;
}
