import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createAuditLog } from "../../src/audit/auditLog.js";
import { errorReply } from "../fakes/anthropicApi.js";
import { eventually } from "../support/eventually.js";
import { createTestDatabase, type TestDatabase } from "../support/testDatabase.js";
import { killAllTribunes, startTribune, type TribuneProcess } from "../support/tribuneProcess.js";
import { faultCasting, queueReadingFaults } from "./support/chainFaults.js";
import { FaultTable } from "./support/faultTable.js";
import { CHANNEL, type FaultWorld, GOVERNOR_CHANNEL, startFaultWorld } from "./support/faultWorld.js";
import { type FaultPostgres, startFaultPostgres } from "./support/privatePostgres.js";

// The fault suite: Tribune as it is deployed past one machine (a gateway process, two worker processes, one
// PostgreSQL) runs the whole pipeline — a proposal seen on the hub or on a Governor's chain, its forum debate read,
// digested by the model, decided, announced in its Discord thread, cast on the sequencer or on chain after the veto
// window — while every outside system fails in turn: outages, 429s, timeouts, malformed and slow answers, PostgreSQL
// restarting, workers and the gateway killed with SIGKILL. Afterwards: every proposal present once, one digest per
// version, every thread message once, every due vote cast once, the audit chain intact. The table of faults and
// outcomes is printed. The Governor's part runs alongside the Snapshot part, so the crashes may hit either.
// A worker killed while it holds a job has the job handed back by the orphan sweeper (30 s after its liveness lock
// went); a vote it was signing waits out its 2-minute cast lease, so the run takes a few minutes by design.
vi.setConfig({ testTimeout: 900_000, hookTimeout: 120_000 });

let t: TestDatabase;
let postgres: FaultPostgres;
let world: FaultWorld;
const table = new FaultTable();

beforeAll(async () => {
  t = await createTestDatabase({ migrated: false });
  if (!t.url) return;
  postgres = await startFaultPostgres(t.url);
  world = await startFaultWorld(postgres);
});
afterAll(async () => {
  if (!passed || process.env.FAULT_SUITE_VERBOSE) {
    for (const p of processes) process.stderr.write(`--- process output (tail)\n${p.output().slice(-4_000)}\n`);
  }
  killAllTribunes();
  await world?.close();
  await postgres?.close();
  await t.drop();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const began = Date.now();
/** Progress on stderr, so a slow or stuck run shows where it is. */
function step(what: string): void {
  process.stderr.write(`[fault suite +${((Date.now() - began) / 1000).toFixed(0)} s] ${what}\n`);
}
const processes: TribuneProcess[] = [];
let passed = false;

describe("the fault suite", () => {
  it("loses nothing and doubles nothing while every outside system fails", async (context) => {
    if (!t.url) return context.skip("the suite runs on the embedded engine: Tribune's processes need a PostgreSQL URL");
    const { hub, sequencer, forum, anthropic, discord, env, governor } = world;
    const prisma = world.db.prisma;
    const start = (role: string) => {
      const p = startTribune({ ...env, ROLE: role });
      processes.push(p);
      return p;
    };
    const state = async () => {
      const [digests, threads, casts, failed] = await Promise.all([
        prisma.digest.count(),
        prisma.proposalThread.count(),
        prisma.cast.groupBy({ by: ["state"], _count: true }),
        prisma.auditEntry.count({ where: { action: "digest.failed" } }),
      ]);
      return `digests ${digests} (failed ${failed}), threads ${threads}, casts ${JSON.stringify(casts.map((c) => [c.state, c._count]))}`;
    };
    const ready = async (p: TribuneProcess) => {
      await p.waitFor(/Tribune is ready\./, 150_000);
      return p;
    };
    let gateway = await ready(start("gateway"));
    const workers = await Promise.all([ready(start("worker")), ready(start("worker"))]);

    // Outside systems fail from the first request on: each queue is consumed in order by the next requests.
    hub.faults.push(
      { kind: "status", status: 429, retryAfter: "1" },
      { kind: "status", status: 503 },
      { kind: "malformed" },
      { kind: "delay", ms: 2_500 },
      { kind: "status", status: 500 },
    );
    const hubRow = table.add("Snapshot hub", "429, 503, 500, a malformed answer, a 2.5 s answer", 5);
    forum.faults.push({ kind: "status", status: 503 }, { kind: "html" }, { kind: "delay", ms: 2_000 });
    const forumRow = table.add("forum", "503, an HTML error page, a 2 s answer", 3);
    anthropic.script(errorReply(529, 1), errorReply(429, 1), { kind: "drop" }, errorReply(500), {
      kind: "slow",
      delayMs: 6_000,
      reply: errorReply(529, 0),
    });
    const modelRow = table.add("Anthropic API", "529, 429, dropped connection, 500, an answer past the timeout", 5);
    discord.rateLimitNext({ method: "POST", route: /\/channels\/\d+\/messages$/, retryAfterSeconds: 1 });
    discord.failNext({
      method: "POST",
      route: /\/threads$/,
      status: 500,
      code: 0,
      message: "500: Internal Server Error",
    });
    discord.rateLimitNext({ method: "PATCH", route: /\/messages\/\d+$/, retryAfterSeconds: 1 });
    const discordRow = table.add("Discord", "429 on a post, 500 on a thread, 429 on an edit", 3);
    sequencer.faults.push(
      { kind: "status", status: 503 },
      { kind: "status", status: 429, retryAfter: "1" },
      { kind: "reset" },
      { kind: "delay", ms: 5_000 },
      { kind: "status", status: 500 },
    );
    const sequencerRow = table.add("sequencer", "503, 429, connection reset, an answer past the timeout, 500", 5);

    step("processes ready; faults queued");
    const progress = setInterval(() => {
      state().then(step, (error: unknown) => step(`state unreadable: ${String(error)}`));
    }, 20_000);
    context.onTestFinished(() => clearInterval(progress));
    const ids = world.publishProposals();
    const governorId = await world.publishGovernorProposal();
    const readingFaults = queueReadingFaults(governor.rpc);
    // Every proposal: the hub's three and the Governor's one.
    const total = ids.length + 1;
    const threadsFor = () => prisma.proposalThread.count();
    // The Governor votes' faults wait for their veto window to end, alongside the timeline below.
    let castingFaultsError: unknown = null;
    const castingFaults = faultCasting(governor.rpc, prisma, governor.spaceId, { timeoutMs: 600_000, step }).catch(
      (error: unknown) => {
        castingFaultsError = error;
        return null;
      },
    );

    // Kill a worker while digests are under way, and restart it.
    await eventually(
      async () => anthropic.requests.length,
      (n) => n >= 3,
      90_000,
    );
    step(`killing worker 0: ${await state()}`);
    workers[0]?.child.kill("SIGKILL");
    await workers[0]?.exited;
    workers[0] = await ready(start("worker"));
    table.add("worker process", "SIGKILL while digesting, restarted", 1);

    // PostgreSQL restarts once the threads are being written.
    await eventually(threadsFor, (n) => n >= 1, 420_000);
    step(`restarting PostgreSQL: ${await state()}`);
    await postgres.restart(3_000);
    table.add(
      "PostgreSQL",
      postgres.kind === "cluster" ? "server stopped 3 s and started (real restart)" : "every session cut, 3 s refused",
      1,
    );

    // The gateway (watcher, Discord, announcements) dies too, and comes back.
    await sleep(2_000);
    step(`killing the gateway: ${await state()}`);
    gateway.child.kill("SIGKILL");
    await gateway.exited;
    gateway = await ready(start("gateway"));
    table.add("gateway process", "SIGKILL after threads began, restarted", 1);

    // A worker dies while votes are being cast.
    await eventually(
      () => prisma.cast.count({ where: { state: { in: ["signing", "submitted", "confirmed"] } } }),
      (n) => n >= 1,
      420_000,
    );
    step(`killing worker 1: ${await state()}`);
    workers[1]?.child.kill("SIGKILL");
    await workers[1]?.exited;
    workers[1] = await ready(start("worker"));
    table.add("worker process", "SIGKILL while casting, restarted", 1);

    // Quiet again: every proposal digested and in its thread (a digest whose worker died comes back from the orphan
    // sweeper), then every planned vote settles.
    await eventually(
      async () => [await prisma.digest.count(), await threadsFor()],
      ([digests, threads]) => (digests ?? 0) >= total && threads === total,
      420_000,
    );
    const settled = (rows: { state: string; proposalId: string }[]) =>
      new Set(rows.map((row) => row.proposalId)).size === total &&
      rows.every((row) => ["confirmed", "skipped", "failed"].includes(row.state));
    const casts = await eventually(() => prisma.cast.findMany({ include: { proposal: true } }), settled, 420_000);

    step(`settled: ${await state()}`);
    const chainFaults = await castingFaults;
    expect(castingFaultsError).toBeNull();
    // Every fault was met (a queue left full would mean the suite tested nothing there).
    expect(hub.faults).toEqual([]);
    expect(forum.faults).toEqual([]);
    expect(sequencer.faults).toEqual([]);
    expect(governor.rpc.pendingFaults()).toBe(0);
    expect(chainFaults?.outage).toBeGreaterThan(0);
    expect(anthropic.requests.length).toBeGreaterThanOrEqual(5 + total);

    // Every proposal present once: the hub's in the Snapshot space, the Governor's in its own.
    const proposals = await prisma.proposal.findMany({ where: { spaceId: world.spaceId } });
    expect(proposals.map((p) => p.externalId).sort()).toEqual([...ids].sort());
    const onChainProposals = await prisma.proposal.findMany({ where: { spaceId: governor.spaceId } });
    expect(onChainProposals.map((p) => p.externalId)).toEqual([governorId]);
    // One digest per proposal version.
    const versions = await prisma.proposalVersion.findMany({ include: { _count: { select: { digests: true } } } });
    expect(versions.length).toBeGreaterThanOrEqual(total);
    for (const version of versions) expect(version._count.digests).toBe(1);
    const onChainVersions = versions.filter((v) => v.proposalId === onChainProposals[0]?.id);
    expect(onChainVersions.length).toBeGreaterThanOrEqual(1);
    // Every thread message once: the bot's messages (in the threads and, for a thread started from a message, in the
    // channel) are exactly the ones Tribune recorded; a second post of anything would be a message no row names.
    // The last settled vote's receipts may still be on their way: a post lands on Discord just before its row is
    // recorded, so read both until they agree (a second post of anything never would) or time runs out.
    const readPosts = async () => {
      const threads = await prisma.proposalThread.findMany({ include: { messages: true } });
      const recorded = new Set(
        threads.flatMap((thread) => [
          ...thread.messages.map((m) => m.discordMessageId),
          ...(thread.messageId ? [thread.messageId] : []),
        ]),
      );
      const posted = [CHANNEL, GOVERNOR_CHANNEL, ...threads.map((thread) => thread.threadId)]
        .flatMap((channelId) => discord.messages(channelId))
        .filter((m) => m.authorId === discord.botUserId && m.type === 0 && !m.ephemeral)
        .map((m) => m.id)
        .sort();
      return { threads, recorded, posted };
    };
    const { threads, recorded, posted } = await eventually(
      readPosts,
      (read) => read.posted.join() === [...read.recorded].sort().join(),
      60_000,
    );
    expect(threads).toHaveLength(total);
    expect(posted).toEqual([...recorded].sort());
    expect(discord.threads(CHANNEL)).toHaveLength(ids.length);
    expect(discord.threads(GOVERNOR_CHANNEL)).toHaveLength(1);
    // Every due vote cast once: one vote per agent and proposal on the sequencer, matching the confirmed rows.
    expect(casts.filter((c) => c.state === "failed")).toEqual([]);
    const confirmed = casts.filter((c) => c.state === "confirmed" && c.spaceId === world.spaceId);
    expect(confirmed.length).toBeGreaterThan(0);
    const onHub = new Map<string, number>();
    for (const vote of hub.votes) {
      const key = `${vote.voter.toLowerCase()}|${vote.proposal}`;
      onHub.set(key, (onHub.get(key) ?? 0) + 1);
    }
    for (const cast of confirmed) {
      expect(onHub.get(`${cast.voterAddress.toLowerCase()}|${cast.proposal.externalId}`)).toBe(1);
    }
    expect([...onHub.values()].every((n) => n === 1)).toBe(true);
    expect(onHub.size).toBe(confirmed.length);
    // And on chain: every confirmed Governor row's agent has voted, no other agent has, and the Governor emitted one
    // VoteCast per confirmed row (a vote sent twice would be refused by the contract, a lost one would leave a row
    // without its vote).
    const onChainCasts = casts.filter((c) => c.spaceId === governor.spaceId);
    const onChainConfirmed = onChainCasts.filter((c) => c.state === "confirmed");
    expect(onChainConfirmed.length).toBeGreaterThan(0);
    const agents = world.members.map((m) => m.agentAddress);
    const chainVotes = await governor.votes(governorId, agents);
    const votedAgents = new Set(onChainConfirmed.map((c) => c.voterAddress.toLowerCase()));
    expect(votedAgents.size).toBe(onChainConfirmed.length);
    for (const agent of agents)
      expect(chainVotes.hasVoted.get(agent.toLowerCase())).toBe(votedAgents.has(agent.toLowerCase()));
    expect(chainVotes.events).toBe(onChainConfirmed.length);
    // The audit chain is intact.
    expect(await createAuditLog({ prisma }).verify()).toMatchObject({ intact: true });

    hubRow.outcome = `${proposals.length}/${ids.length} proposals stored, each once`;
    forumRow.outcome = `debates read; ${versions.length} digests, one per version`;
    modelRow.outcome = `${anthropic.requests.length} requests for ${versions.length} digests; none failed`;
    discordRow.outcome = `${threads.length} threads, ${recorded.size} messages, none twice`;
    sequencerRow.outcome = `${confirmed.length} votes on record, each once; none failed`;
    const served = [...governor.rpc.served.values()].reduce((a, b) => a + b, 0);
    table.add(
      "chain RPC",
      "reading: 429 ×2, 503 ×2 on eth_getLogs, an HTML page for JSON, a wrong-shaped eth_call result, a head read past the timeout",
      readingFaults,
      "Governor proposal stored once; one digest for it (checks below)",
    );
    table.add(
      "chain RPC",
      `casting: ${((chainFaults?.downMs ?? 0) / 1000).toFixed(0)} s outage (every request 503), then a vote's send answered past the timeout, 429 ×2 and a wrong-shaped result on eth_call, a receipt that is not JSON`,
      (chainFaults?.outage ?? 0) + (chainFaults?.queued ?? 0),
      `${onChainConfirmed.length} votes on chain, each once (${chainVotes.events} VoteCast events); ${served} faulty answers served in all`,
    );
    for (const row of table.rows) if (!row.outcome) row.outcome = "recovered; checks below hold";
    table.add(
      "outcome",
      "after every fault",
      0,
      `${proposals.length + onChainProposals.length} proposals once; ${versions.length} digests once; ${recorded.size} thread messages once; ${confirmed.length + onChainConfirmed.length} votes cast once (${casts.length - confirmed.length - onChainConfirmed.length} skipped); audit chain intact`,
    );
    table.print();

    // Each stops cleanly on SIGTERM: its jobs end (the gateway's thread updates before its Discord client closes).
    for (const p of [gateway, ...workers]) p.child.kill("SIGTERM");
    expect(await Promise.all([gateway, ...workers].map((p) => p.exited))).toEqual([0, 0, 0]);
    passed = true;
  });
});
