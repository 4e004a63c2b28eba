// The decision engine at scale: 100,000 members deciding one proposal (goal: under a second on one core, and no LLM
// or network call at all), and pooling 100,000 members' decisions by voting power. The digest is computed once per
// proposal, so these figures are the whole per-member cost of Tribune's votes.
import http from "node:http";
import https from "node:https";
import net from "node:net";
import os from "node:os";
import { type DigestContent, digestSchema } from "../src/digest/digestSchema.js";
import { type Decision, decideMany, decidePrepared } from "../src/values/decideVote.js";
import type { HardRule } from "../src/values/hardRules.js";
import { poolDecisions } from "../src/values/poolDecisions.js";
import { type EngineDigest, type EngineProposal, prepareProposal } from "../src/values/preparedProposal.js";
import { DEFAULT_TAXONOMY } from "../src/values/taxonomy.js";
import type { EngineProfile } from "../src/values/valueProfile.js";
import type { VotingType } from "../src/values/votingTypes.js";
import type { BenchFigure } from "./benchFigure.js";

const MEMBERS = 100_000;
/** Timed runs per case; the best is reported, as the others measure the machine's other work more than ours. */
const RUNS = 3;
const OPTIONS = { taxonomy: DEFAULT_TAXONOMY, taxonomyVersion: 1 };
/** Issue 6: 100,000 members' decisions in under a second on one core (the engine is single-threaded). */
const GOAL_MS = 1_000;

/** A decision as the pooling step reads it back: what was chosen, not why. */
type Ballot = Pick<Decision, "outcome" | "choice" | "votingType">;

/** Prints decision and pooling throughput, and returns them with issue 6's goals. */
export async function run(): Promise<BenchFigure[]> {
  const figures: BenchFigure[] = [];
  let networkCalls = 0;
  const random = seeded(20_261_124);
  const profiles = Array.from({ length: MEMBERS }, (_, i) => randomProfile(random, i));
  console.log(
    `  load average ${os.loadavg()[0]?.toFixed(1)} on ${os.availableParallelism()} cores; best of ${RUNS} runs`,
  );
  for (const [type, choices] of [
    ["basic", ["For", "Against", "Abstain"]],
    ["weighted", ["Stablecoins", "ETH", "Keep as is", "Abstain"]],
    ["ranked-choice", ["Plan A", "Plan B", "Plan C", "Plan D", "Plan E"]],
  ] as [VotingType, string[]][]) {
    const proposal: EngineProposal = { id: "bench", choices, votingType: type, author: null };
    const digest = benchDigest(choices.length, random);
    decideStreamed(proposal, digest, profiles.slice(0, 5_000)); // warm-up: let the JIT compile the engine
    let best = { wall: Number.POSITIVE_INFINITY, cpu: 0, calls: 0, ballots: [] as Ballot[] };
    for (let i = 0; i < RUNS; i++) {
      const network = countNetworkCalls();
      const cpu = process.cpuUsage();
      const started = performance.now();
      const ballots = decideStreamed(proposal, digest, profiles);
      const wall = performance.now() - started;
      const used = process.cpuUsage(cpu);
      const calls = network.stop();
      if (wall < best.wall) best = { wall, cpu: (used.user + used.system) / 1_000, calls, ballots };
      else best.calls = Math.max(best.calls, calls);
    }
    console.log(
      `  ${type.padEnd(13)} ${MEMBERS.toLocaleString("en-US")} decisions in ${best.wall.toFixed(0)} ms wall, ` +
        `${best.cpu.toFixed(0)} ms CPU (${((best.wall * 1_000) / MEMBERS).toFixed(2)} µs each, explanations included); ` +
        `network/LLM calls: ${best.calls}; outcomes ${JSON.stringify(tally(best.ballots))}`,
    );
    networkCalls += best.calls;
    figures.push({
      // CPU time is what "on one core" means; wall time on a shared machine measures its other work as well.
      figure: `Decisions for ${MEMBERS.toLocaleString("en-US")} members on one proposal, ${type} (CPU, one core)`,
      goal: `< ${GOAL_MS / 1_000} s`,
      measured: `${best.cpu.toFixed(0)} ms (${best.wall.toFixed(0)} ms wall)`,
      met: best.cpu < GOAL_MS,
    });
    if (type === "basic" || type === "weighted") {
      const pooledMs = measurePooling(type, best.ballots, random);
      figures.push({
        figure: `Pooling ${MEMBERS.toLocaleString("en-US")} members' decisions by voting power, ${type}`,
        goal: "—",
        measured: `${pooledMs.toFixed(0)} ms`,
        met: null,
      });
    }
  }
  figures.push({
    figure: "Network or LLM calls made by the decision engine",
    goal: "0",
    measured: String(networkCalls),
    met: networkCalls === 0,
  });
  // Last, because it changes what follows: once V8 sees an allocation site's objects survive en masse, it allocates
  // them straight into the old generation from then on (pretenuring), and every later run pays for that.
  const basic: EngineProposal = {
    id: "bench",
    choices: ["For", "Against", "Abstain"],
    votingType: "basic",
    author: null,
  };
  measureHeldInMemory(basic, benchDigest(3, random), profiles);
  return figures;
}

/**
 * What the decision service does: decide a chunk, hand it on (here: keep its ballots), drop the rest. Each decision
 * is complete, with its contributions and its three explanations; only the ballot outlives the chunk.
 */
function decideStreamed(proposal: EngineProposal, digest: EngineDigest, profiles: EngineProfile[]): Ballot[] {
  const prepared = prepareProposal(proposal, digest, OPTIONS);
  const ballots: Ballot[] = [];
  for (const profile of profiles) {
    const { outcome, choice, votingType } = decidePrepared(prepared, profile);
    ballots.push({ outcome, choice, votingType });
  }
  return ballots;
}

/** The same 100,000 decisions all kept in memory at once: the cost of holding them, not of deciding them. */
function measureHeldInMemory(proposal: EngineProposal, digest: EngineDigest, profiles: EngineProfile[]): void {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const decisions = decideMany(proposal, digest, profiles, OPTIONS);
  const wall = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const bytes = JSON.stringify(decisions[0]).length;
  console.log(
    `  basic, all ${decisions.length.toLocaleString("en-US")} decisions held in memory at once (decideMany): ` +
      `${wall.toFixed(0)} ms wall, ${((used.user + used.system) / 1_000).toFixed(0)} ms CPU; ` +
      `one decision is ${bytes.toLocaleString("en-US")} bytes as JSON (why the service decides a chunk at a time)`,
  );
}

/** Prints pooling's figures; returns its best time in ms. */
function measurePooling(type: VotingType, ballots: Ballot[], random: () => number): number {
  const entries = ballots.map((decision, i) => ({
    memberId: `member-${i.toString().padStart(6, "0")}`,
    // Token units with 18 decimals: up to a million tokens each, far past 2^53.
    votingPower: BigInt(Math.floor(random() * 1_000_000)) * 10n ** 18n + BigInt(Math.floor(random() * 1e9)),
    decision,
  }));
  let elapsed = Number.POSITIVE_INFINITY;
  let pooled = poolDecisions(entries, { votingType: type, fractional: type === "basic" });
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    pooled = poolDecisions(entries, { votingType: type, fractional: type === "basic" });
    elapsed = Math.min(elapsed, performance.now() - started);
  }
  const sum = Object.values(pooled.amounts).reduce((a, b) => a + BigInt(b), 0n);
  const exact = sum === BigInt(pooled.countedPower) ? "exact" : "NOT EXACT";
  console.log(
    `  pooled ${type} over ${MEMBERS.toLocaleString("en-US")} members: ${elapsed.toFixed(0)} ms ` +
      `(${pooled.method}${type === "basic" ? ", fractional" : ""}; split sums to the counted power: ${exact}; ` +
      `${pooled.contributions.length.toLocaleString("en-US")} contributions kept)`,
  );
  return elapsed;
}

/** Counts every outgoing HTTP(S) request and socket connection until stopped. */
function countNetworkCalls(): { stop(): number } {
  let calls = 0;
  const originals = {
    fetch: globalThis.fetch,
    http: http.request,
    https: https.request,
    connect: net.Socket.prototype.connect,
  };
  globalThis.fetch = ((...args: Parameters<typeof fetch>) => {
    calls += 1;
    return originals.fetch(...args);
  }) as typeof fetch;
  http.request = ((...args: unknown[]) => {
    calls += 1;
    return (originals.http as (...a: unknown[]) => http.ClientRequest)(...args);
  }) as typeof http.request;
  https.request = ((...args: unknown[]) => {
    calls += 1;
    return (originals.https as (...a: unknown[]) => http.ClientRequest)(...args);
  }) as typeof https.request;
  net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
    calls += 1;
    return (originals.connect as (...a: unknown[]) => net.Socket).apply(this, args);
  } as typeof net.Socket.prototype.connect;
  return {
    stop() {
      globalThis.fetch = originals.fetch;
      http.request = originals.http;
      https.request = originals.https;
      net.Socket.prototype.connect = originals.connect;
      return calls;
    },
  };
}

function benchDigest(choices: number, random: () => number): EngineDigest {
  const impacts: DigestContent["impacts"] = [];
  for (let c = 1; c <= choices; c++) {
    for (const dim of DEFAULT_TAXONOMY) {
      if (random() < 0.3) continue;
      const quoted = random() < 0.8;
      impacts.push({
        choice: c,
        dimension: dim.id,
        impact: Math.floor(random() * 5) - 2,
        reason: `choice ${c} and ${dim.name}`,
        evidence: quoted ? { quote: `the proposal says so about ${dim.name}`, source: { kind: "proposal" } } : null,
      });
    }
  }
  const content = digestSchema.parse({
    tldr: "A treasury proposal",
    whatChanges: [],
    money: [{ amount: "2,000,000", token: "USDC", recipient: null, direction: "outflow", usdEstimate: 2_000_000 }],
    risks: [],
    arguments: { for: [], against: [] },
    impacts,
    confidence: 0.85,
    whatWouldChange: "",
    category: "treasury",
    extractive: false,
  });
  return {
    id: "bench",
    content,
    assessment: { confidence: 0.85, flagged: false, unreliable: false },
    taxonomyVersion: 1,
  };
}

const RULES: HardRule[] = [
  { id: "r1", when: [{ kind: "treasury_outflow_above", usd: 5_000_000 }], action: { kind: "ask" } },
  { id: "r2", when: [{ kind: "category", in: ["election"] }], action: { kind: "never" } },
  { id: "r3", when: [{ kind: "category", in: ["treasury"] }], action: { kind: "vote", choice: { intent: "against" } } },
];

function randomProfile(random: () => number, i: number): EngineProfile {
  const weights = Object.fromEntries(DEFAULT_TAXONOMY.map((d) => [d.id, Math.floor(random() * 6)]));
  // About one member in five has rules, as the offline compiler's users tend to.
  const rules = random() < 0.2 ? RULES.filter(() => random() < 0.5) : [];
  return {
    id: `profile-${i}`,
    version: 1,
    weights,
    rules: { rules, whenUnsure: random() < 0.5 ? "ask" : "abstain" },
    privacy: random() < 0.5 ? "public" : "private",
    taxonomyVersion: 1,
  };
}

function tally(decisions: readonly Ballot[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const d of decisions) counts[d.outcome] = (counts[d.outcome] ?? 0) + 1;
  return counts;
}

/** A small deterministic generator (mulberry32), so every run measures the same members. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
