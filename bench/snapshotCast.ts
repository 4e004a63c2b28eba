// The figure: sign and submit 10,000 personal-agent votes to the local sequencer (goal: at least 200 votes/s),
// and the memory it takes. Then the same number of votes through the whole casting outbox, end to end: rows announced
// and due in the database are claimed by `drainDueCasts` with the production runner, which reads the hub (a fake one
// answering `votes` and `vp`), takes its last look, signs with snapshot.js, submits, and records every transition as
// an audited row change. The hub and the sequencer (which verifies every signature and signs every receipt) run in a
// child process, as they are other machines on Snapshot; on a small machine they share its cores with Tribune and
// PostgreSQL, so the outbox run prints where the machine's CPU went, a vote at a time.
// BENCH_CAST_VOTES (10000), BENCH_CAST_CONCURRENCY (16: rows cast at once), BENCH_CAST_BATCH (100: rows per claim),
// BENCH_CAST_ALONE (as many as BENCH_CAST_VOTES: votes signed and submitted alone), BENCH_ENGINE (postgres when one
// answers) change the run.
import { type ChildProcess, fork } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import os from "node:os";
import v8 from "node:v8";
import { runInNewContext } from "node:vm";
import { entropyToMnemonic } from "@ethersproject/hdnode";
import { createAuditLog } from "../src/audit/auditLog.js";
import { Secret } from "../src/config/secret.js";
import type { PrismaClient } from "../src/generated/prisma/client.js";
import { createHubClient } from "../src/sources/snapshot/hubClient.js";
import { createRateLimiter } from "../src/sources/snapshot/rateLimiter.js";
import { createSnapshotVoteReader } from "../src/sources/snapshot/voteReader.js";
import { createCastingSwitch } from "../src/spaces/castingSwitch.js";
import { DEFAULT_TAXONOMY } from "../src/values/taxonomy.js";
import { drainDueCasts } from "../src/voting/castJob.js";
import { createCastOutbox } from "../src/voting/castOutbox.js";
import { createKeyring, type Keyring } from "../src/voting/keyring.js";
import { createSnapshotCaster, type SnapshotCaster } from "../src/voting/snapshot/snapshotCaster.js";
import { snapshotVoteReason } from "../src/voting/snapshot/voteMessage.js";
import { createVotingPowers } from "../src/voting/snapshot/votingPowers.js";
import { createSnapshotCastRunner } from "../src/voting/snapshotCastRunner.js";
import { digestContent } from "../test/values/digestFixtures.js";
import { benchEngines, openBenchDatabase } from "./benchDatabase.js";
import type { BenchFigure } from "./benchFigure.js";
import { machineCpuBetween, readMachineCpu } from "./machineCpu.js";

const SPACE = "bench.eth";
const GOAL_PER_SECOND = 200;

/** Casts through the outbox, then with the caster alone; prints details and returns the figures. */
export async function run(): Promise<BenchFigure[]> {
  const votes = Number(process.env.BENCH_CAST_VOTES ?? 10_000);
  const concurrency = Number(process.env.BENCH_CAST_CONCURRENCY ?? 16);
  const batchSize = Number(process.env.BENCH_CAST_BATCH ?? 100);
  const alone = Math.min(votes, Number(process.env.BENCH_CAST_ALONE ?? votes));
  const [engine] = await benchEngines();
  console.log(`  load average ${os.loadavg()[0]?.toFixed(1)} on ${os.availableParallelism()} cores`);
  const warmUp = 50;
  const keyring = createKeyring(new Secret(entropyToMnemonic(randomBytes(16))), { cacheSize: votes + warmUp });
  let started = performance.now();
  const voters = Array.from({ length: votes + warmUp }, (_, i) => keyring.address(i));
  console.log(
    `  derived ${votes.toLocaleString("en-US")} agents in ${ms(performance.now() - started)} (kept in the keyring's cache)`,
  );

  const child = fork(new URL("./snapshotSequencerProcess.ts", import.meta.url), [], {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const bench = await openBenchDatabase(engine ?? "pglite", { poolSize: 10 });
  try {
    const remote = await ask<{ sequencerUrl: string; hubUrl: string; proposals: [string, string] }>(child, {
      space: SPACE,
      voters,
      proposals: 2,
    });
    const [outboxProposal, aloneProposal] = remote.proposals;
    const prisma = bench.db.prisma;
    console.log(`  database: ${bench.label}`);
    started = performance.now();
    await seedDueRows(prisma, keyring, votes, outboxProposal);
    console.log(
      `  seeded ${votes.toLocaleString("en-US")} announced rows, due now, in ${ms(performance.now() - started)}`,
    );

    const caster = createSnapshotCaster({ keyring, sequencerUrl: remote.sequencerUrl });
    // Warm-up on agents outside the measured set: JIT, the connection pools, the sequencer's first verify.
    for (let i = 0; i < warmUp; i++) await caster.cast(votes + i, ballot(aloneProposal, i));

    const audit = createAuditLog({ prisma });
    const casting = createCastingSwitch({ prisma, audit });
    const outbox = createCastOutbox({ prisma, sql: bench.db.sql, audit, leaseMs: 600_000 });
    let hubRequests = 0;
    const hub = createHubClient({
      url: remote.hubUrl,
      rateLimiter: createRateLimiter({ requests: 1_000_000 }),
      onRequestSent: () => {
        hubRequests += 1;
      },
    });
    const runner = createSnapshotCastRunner({
      prisma,
      sql: bench.db.sql,
      outbox,
      votes: createSnapshotVoteReader({ hub }),
      powers: createVotingPowers(hub),
      caster,
      safetyMarginSeconds: 600,
    });
    const memory = sampleMemory();
    const serverBefore = await ask<{ cpuMs: number }>(child, "count");
    const machineBefore = readMachineCpu();
    const cpu = process.cpuUsage();
    started = performance.now();
    // drainDueCasts calls runner.prepare once per claimed batch: one hub read for its votes, one per five powers.
    const report = await drainDueCasts({ outbox, runner, casting, batchSize, concurrency });
    const wallMs = performance.now() - started;
    const used = process.cpuUsage(cpu);
    const machineAfter = readMachineCpu();
    const peak = memory.stop();
    const rate = (votes * 1000) / wallMs;
    const states = await prisma.cast.groupBy({ by: ["state"], _count: true });
    const server = await ask<{ stored: number; cpuMs: number; hubRequests: Record<string, number> }>(child, "count");
    console.log(
      `  ${votes.toLocaleString("en-US")} votes through the outbox in ${ms(wallMs)}: ${rate.toFixed(0)} votes/s ` +
        `(exactly once, every move audited); batches of ${batchSize}, ${concurrency} at once; Tribune's CPU ` +
        `${ms((used.user + used.system) / 1000)} (${((used.user + used.system) / votes).toFixed(0)} µs a vote)`,
    );
    console.log(
      `  rows ${JSON.stringify(Object.fromEntries(states.map((s) => [s.state, s._count])))}; results ` +
        `${JSON.stringify(report.results)}; hub requests ${hubRequests} (${JSON.stringify(server.hubRequests)}); ` +
        `the sequencer stored ${server.stored.toLocaleString("en-US")} messages, warm-up included`,
    );
    if (machineBefore && machineAfter) {
      const machine = machineCpuBetween(machineBefore, machineAfter);
      const perVote = (seconds: number) => `${((seconds * 1000) / votes).toFixed(1)} ms`;
      const tribune = (used.user + used.system) / 1e6;
      const remote = (server.cpuMs - serverBefore.cpuMs) / 1000;
      const rest = machine.busySeconds - tribune - remote - machine.postgresSeconds;
      console.log(
        `  the machine's CPU a vote: Tribune ${perVote(tribune)}, the local hub and sequencer ${perVote(remote)}, ` +
          `PostgreSQL ${perVote(machine.postgresSeconds)}, the rest ${perVote(Math.max(0, rest))}; ` +
          `${((100 * machine.busySeconds) / machine.totalSeconds).toFixed(0)}% of all ${os.availableParallelism()} cores busy`,
      );
    }
    const entries = await prisma.auditEntry.count();
    const verdict = await audit.verify();
    console.log(
      `  audit: ${entries.toLocaleString("en-US")} entries (${(entries / votes).toFixed(1)} a vote), chain ${verdict.intact ? "intact" : "BROKEN"}`,
    );
    console.log(
      `  memory during the outbox run: live heap ${mb(peak.liveStart)} before, at most ${mb(peak.livePeak)} during ` +
        `(after full collections); used heap peak ${mb(peak.heapPeak)} (garbage included), rss peak ${mb(peak.rssPeak)}`,
    );

    const aloneMemory = sampleMemory();
    const aloneRate = await castAlone(caster, aloneProposal, alone, concurrency);
    const alonePeak = aloneMemory.stop();
    console.log(
      `  memory signing and submitting: live heap ${mb(alonePeak.liveStart)} before, at most ${mb(alonePeak.livePeak)} ` +
        `during; used heap peak ${mb(alonePeak.heapPeak)}, rss peak ${mb(alonePeak.rssPeak)}`,
    );
    const cpuPerVoteMs = (used.user + used.system) / votes / 1000;
    return [
      {
        figure: `Snapshot votes signed and submitted (${alone.toLocaleString("en-US")} personal agents, local sequencer), per second`,
        goal: `≥ ${GOAL_PER_SECOND}/s`,
        measured: `${aloneRate.toFixed(0)}/s`,
        met: aloneRate >= GOAL_PER_SECOND,
      },
      {
        figure: "Peak RSS signing and submitting them",
        goal: "—",
        measured: mb(alonePeak.rssPeak),
        met: null,
      },
      {
        figure:
          "Snapshot votes through the whole outbox (claim, hub checks, last look, sign, submit, audited moves), per second",
        goal: "—",
        measured: `${rate.toFixed(0)}/s`,
        met: null,
      },
      {
        figure: "Tribune's CPU per vote through the outbox (this process: database, hub reads, signing, HTTP)",
        goal: "—",
        measured: `${cpuPerVoteMs.toFixed(1)} ms`,
        met: null,
      },
      {
        figure: "One casting process's ceiling through the outbox: votes a second per core (1000 ms ÷ its CPU a vote)",
        goal: "—",
        measured: `${(1000 / cpuPerVoteMs).toFixed(0)}/s`,
        met: null,
      },
      {
        figure: `Peak RSS casting ${votes.toLocaleString("en-US")} votes through the outbox`,
        goal: "—",
        measured: mb(peak.rssPeak),
        met: null,
      },
      {
        figure: `Live heap while casting ${votes.toLocaleString("en-US")} votes (after full collections): before → peak`,
        goal: "—",
        measured: `${mb(peak.liveStart)} → ${mb(peak.livePeak)}`,
        met: null,
      },
    ];
  } finally {
    child.send("stop");
    await bench.drop();
  }
}

/** A space, a proposal with a digest, and per agent a member, a confirmed profile, a decision and an announced row. */
async function seedDueRows(prisma: PrismaClient, keyring: Keyring, votes: number, externalId: string): Promise<void> {
  const now = Date.now();
  const space = await prisma.space.create({
    data: { kind: "snapshot", externalId: SPACE, name: "Bench DAO", taxonomy: DEFAULT_TAXONOMY, mode: "live" },
  });
  const contentHash = randomUUID();
  const proposal = await prisma.proposal.create({
    data: {
      spaceId: space.id,
      source: "snapshot",
      externalId,
      title: "Benchmark 1: fund the security audit",
      body: "Pay for an audit.",
      choices: ["For", "Against", "Abstain"],
      votingType: "basic",
      startAt: new Date(now - 60_000),
      endAt: new Date(now + 86_400_000),
      state: "active",
      contentHash,
    },
  });
  const version = await prisma.proposalVersion.create({
    data: { proposalId: proposal.id, version: 1, contentHash, title: proposal.title, body: proposal.body, choices: [] },
  });
  const digest = await prisma.digest.create({
    data: {
      proposalId: proposal.id,
      proposalVersionId: version.id,
      contentHash,
      promptVersion: "bench",
      provider: "offline",
      model: "extractive",
      taxonomyVersion: 1,
      content: digestContent({}),
      confidence: 0.8,
    },
  });
  const reason = "Security and treasury prudence decided it: +1.8 against −0.6.";
  for (let from = 0; from < votes; from += 2_000) {
    const ids = Array.from({ length: Math.min(2_000, votes - from) }, (_, k) => {
      const i = from + k;
      return { i, member: randomUUID(), profile: randomUUID(), decision: randomUUID() };
    });
    await prisma.member.createMany({
      data: ids.map(({ i, member }) => ({
        id: member,
        discordUserId: `bench-${member}`,
        agentIndex: i,
        agentAddress: keyring.address(i),
      })),
    });
    await prisma.valueProfile.createMany({
      data: ids.map(({ member, profile }) => ({
        id: profile,
        memberId: member,
        spaceId: space.id,
        version: 1,
        statement: "bench",
        weights: {},
        rules: { rules: [], whenUnsure: "ask" },
        taxonomyVersion: 1,
        compiledBy: "bench",
        confirmedAt: new Date(now),
      })),
    });
    await prisma.decision.createMany({
      data: ids.map(({ i, member, profile, decision }) => ({
        id: decision,
        proposalId: proposal.id,
        memberId: member,
        digestId: digest.id,
        profileId: profile,
        taxonomyVersion: 1,
        outcome: "vote" as const,
        choice: 1 + (i % 3),
        utilities: {},
        contributions: {},
        rulesFired: [],
        explanation: { line: reason, threadLine: reason, paragraph: reason, reason },
      })),
    });
    await prisma.cast.createMany({
      data: ids.map(({ i, member, decision }) => ({
        proposalId: proposal.id,
        spaceId: space.id,
        voterAddress: keyring.address(i),
        memberId: member,
        decisionId: decision,
        announcedDecisionId: decision,
        state: "announced" as const,
        choice: 1 + (i % 3),
        dryRun: false,
        agentIndex: i,
        announcedAt: new Date(now - 60_000),
        dueAt: new Date(now - 30_000),
      })),
    });
  }
}

/** The caster alone: sign and submit `count` votes on another proposal, `concurrency` at once. Returns votes/s. */
async function castAlone(caster: SnapshotCaster, proposal: string, count: number, concurrency: number) {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const kinds = new Map<string, number>();
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < count; i = next++) {
      const outcome = await caster.cast(i, ballot(proposal, i));
      const key = outcome.kind === "accepted" ? "accepted" : `${outcome.kind}:${outcome.code}`;
      kinds.set(key, (kinds.get(key) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const wallMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const rate = (count * 1000) / wallMs;
  console.log(
    `  the caster alone: ${count.toLocaleString("en-US")} votes signed and submitted in ${ms(wallMs)}: ` +
      `${rate.toFixed(0)} votes/s (goal ≥ ${GOAL_PER_SECOND}), ${concurrency} in flight; Tribune's CPU ${((used.user + used.system) / count).toFixed(0)} ` +
      `µs a vote; outcomes ${JSON.stringify(Object.fromEntries(kinds))}`,
  );
  return rate;
}

function ballot(proposal: string, i: number) {
  return {
    space: SPACE,
    proposal,
    votingType: "basic" as const,
    privacy: "",
    choice: 1 + (i % 3),
    reason: snapshotVoteReason("Security and treasury prudence decided it: +1.8 against −0.6.", "ab".repeat(32)),
    digestHash: "cd".repeat(32),
  };
}

function ask<T>(child: ChildProcess, message: unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`the sequencer process exited (${code})`));
    child.once("exit", onExit);
    child.once("message", (answer) => {
      child.off("exit", onExit);
      resolve(answer as T);
    });
    child.send(message as never);
  });
}

/** Peaks of RSS and heap, sampled every 100 ms (the cheap calls: `memoryUsage()` itself reads /proc). */
/**
 * Peaks while casting: of RSS and of the heap as used (garbage included), sampled every 100 ms; and the live heap,
 * what a full collection leaves, every 5 s: a live heap that grows with the votes cast is memory held, a used heap
 * that grows is only garbage not yet collected. The collections cost the run about 1% of its time.
 */
function sampleMemory(): { stop(): { heapPeak: number; rssPeak: number; liveStart: number; livePeak: number } } {
  v8.setFlagsFromString("--expose-gc");
  const collect = runInNewContext("gc") as () => void;
  collect();
  const liveStart = v8.getHeapStatistics().used_heap_size;
  let livePeak = liveStart;
  let heapPeak = liveStart;
  let rssPeak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    heapPeak = Math.max(heapPeak, v8.getHeapStatistics().used_heap_size);
    rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
  }, 100);
  const live = setInterval(() => {
    collect();
    livePeak = Math.max(livePeak, v8.getHeapStatistics().used_heap_size);
  }, 5_000);
  return {
    stop() {
      clearInterval(timer);
      clearInterval(live);
      collect();
      livePeak = Math.max(livePeak, v8.getHeapStatistics().used_heap_size);
      return { heapPeak, rssPeak, liveStart, livePeak };
    },
  };
}

const ms = (value: number) => (value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${value.toFixed(0)} ms`);
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
