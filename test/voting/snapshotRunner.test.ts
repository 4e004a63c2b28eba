import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Cast } from "../../src/generated/prisma/client.js";
import { createHubClient } from "../../src/sources/snapshot/hubClient.js";
import { createRateLimiter } from "../../src/sources/snapshot/rateLimiter.js";
import { createSnapshotVoteReader } from "../../src/sources/snapshot/voteReader.js";
import { drainDueCasts } from "../../src/voting/castJob.js";
import { createVotingPowers } from "../../src/voting/snapshot/votingPowers.js";
import {
  createSnapshotCastRunner,
  type SnapshotCastRunner,
  type SnapshotCastRunnerOptions,
} from "../../src/voting/snapshotCastRunner.js";
import { FakeSnapshotHub } from "../fakes/snapshotHub.js";
import { createTestDatabase, type TestDatabase } from "../support/testDatabase.js";
import {
  castsOf,
  decide,
  type Outbox,
  SAFETY_MARGIN_SECONDS,
  type Scenario,
  seedScenario,
  startOutbox,
  storedVotes,
} from "./support/outboxHarness.js";

// The Snapshot runner's batch read of the hub, pooled rows, and dry-run without a hub, against a real database, the
// local hub and the local sequencer (real snapshot.js signatures). Time is the hub's clock, moved by the tests.

let t: TestDatabase;
let o: Outbox;
let downHubUrl: string;
beforeAll(async () => {
  t = await createTestDatabase();
  o = await startOutbox(t);
  // A port nobody listens on: what the embedded demo's hub address is when there is no network.
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  downHubUrl = `http://127.0.0.1:${port}/graphql`;
});
afterAll(async () => {
  await o?.close();
  await t?.drop();
});

function runnerWith(over: Partial<SnapshotCastRunnerOptions>): SnapshotCastRunner {
  return createSnapshotCastRunner({
    prisma: o.prisma,
    sql: o.sql,
    outbox: o.outbox,
    votes: o.c.reader,
    caster: o.c.caster,
    safetyMarginSeconds: SAFETY_MARGIN_SECONDS,
    clock: o.clock,
    ...over,
  });
}

/** A reader whose hub cannot be reached; `sent` counts the requests it tried. */
function unreachableReader() {
  const counter = { sent: 0 };
  const votes = createSnapshotVoteReader({
    hub: createHubClient({
      url: downHubUrl,
      timeoutMs: 2_000,
      sleep: async () => undefined,
      rateLimiter: createRateLimiter({ requests: 10_000 }),
      onRequestSent: () => {
        counter.sent += 1;
      },
    }),
  });
  return { votes, counter };
}

async function announced(s: Scenario, choice = 1): Promise<void> {
  for (let i = 0; i < s.members.length; i++) await decide(o, s, i, "vote", choice);
  await o.planner.plan(s.proposalId);
  await o.announcements.markAnnounced(s.proposalId, o.clock());
  o.advance(30);
}

/** Claims, prepares and runs one batch the way castJob does. */
async function claimPrepareRun(runner: SnapshotCastRunner, prepare = true): Promise<Cast[]> {
  const batch = await o.outbox.claimDue(o.clock(), 50);
  if (prepare) await runner.prepare?.(batch);
  for (const row of batch) await runner.run(row);
  return batch;
}

/** A pooled delegate's row (no member, no decision), announced and due, for a delegate holding power on the hub. */
async function pooledRow(s: Scenario, choice: number, agentIndex: number): Promise<Cast> {
  const space = await o.prisma.space.findUniqueOrThrow({ where: { id: s.spaceId } });
  const voterAddress = o.c.keyring.address(agentIndex);
  o.c.hub.setVotingPower(voterAddress, space.externalId, 300);
  return o.prisma.cast.create({
    data: {
      proposalId: s.proposalId,
      spaceId: s.spaceId,
      voterAddress,
      voterKind: "pooled",
      agentIndex,
      state: "announced",
      choice,
      dryRun: false,
      announcedAt: o.clock(),
      dueAt: o.clock(),
    },
  });
}

describe("pooled rows", () => {
  it("a pooled row whose ballot is still the pool's is cast, with a pooled reason", async () => {
    const s = await seedScenario(o, { members: 0 });
    const row = await pooledRow(s, 2, 700_001);
    const asked: string[] = [];
    const runner = runnerWith({
      pooled: {
        current: async (proposalId) => {
          asked.push(proposalId);
          return { choice: 2 };
        },
      },
    });
    await drainDueCasts({ outbox: o.outbox, runner, casting: o.casting, clock: o.clock });
    const cast = await o.prisma.cast.findUniqueOrThrow({ where: { id: row.id } });
    expect(cast).toMatchObject({ state: "confirmed", choice: 2, votingPower: "300" });
    expect(cast.reason).toMatch(/^The pooled vote/);
    expect(asked).toEqual([s.proposalId]);
    expect(storedVotes(o, s, row.voterAddress)).toBe(1);
  });

  it("a pooled row whose ballot changed, or with no pooled ballot to ask, goes back to planned unsent", async () => {
    const s = await seedScenario(o, { members: 0 });
    const changed = await pooledRow(s, 1, 700_002);
    await drainDueCasts({
      outbox: o.outbox,
      runner: runnerWith({ pooled: { current: async () => ({ choice: 3 }) } }),
      casting: o.casting,
      clock: o.clock,
    });
    expect(await o.prisma.cast.findUniqueOrThrow({ where: { id: changed.id } })).toMatchObject({
      state: "planned",
      dueAt: null,
      announcedAt: null,
    });

    const s2 = await seedScenario(o, { members: 0 });
    const unknown = await pooledRow(s2, 1, 700_003);
    await drainDueCasts({ outbox: o.outbox, runner: runnerWith({}), casting: o.casting, clock: o.clock });
    expect((await o.prisma.cast.findUniqueOrThrow({ where: { id: unknown.id } })).state).toBe("planned");
    expect(storedVotes(o, s, changed.voterAddress) + storedVotes(o, s2, unknown.voterAddress)).toBe(0);
    const stale = await o.prisma.auditEntry.findMany({ where: { action: "cast.stale", proposalId: s2.proposalId } });
    expect(stale.map((e) => JSON.parse(e.canonical).data.why)).toEqual(["no_pooled_ballot"]);
  });
});

describe("one hub read per claimed batch", () => {
  it("prepare() reads the hub once for the batch, agents and members' wallets, and the rows ask no more", async () => {
    const s = await seedScenario(o, { members: 6, wallets: true });
    await announced(s);
    const before = o.c.hub.requestCount("votes");
    const batch = await o.outbox.claimDue(o.clock(), 50);
    expect(batch).toHaveLength(6);
    await o.runner.prepare?.(batch);
    expect(o.c.hub.requestCount("votes") - before).toBe(1);
    const asked = o.c.hub.requests.at(-1)?.variables as Record<string, { voter_in: string[] }>;
    expect(asked.where0?.voter_in).toHaveLength(12);
    // A second prepare of the same claim (castJob's and another caller's) reads nothing more.
    await o.runner.prepare?.(batch);
    for (const row of batch) await o.runner.run(row);
    expect(o.c.hub.requestCount("votes") - before).toBe(1);
    expect((await castsOf(o, s)).map((r) => r.state)).toEqual(Array(6).fill("confirmed"));
  });

  it("with batched powers, prepare() reads the agents' voting power five a request, and no row asks", async () => {
    const s = await seedScenario(o, { members: 6, power: 42 });
    await announced(s);
    // The powers come from a hub of their own (same proposal, same power), so its requests are counted apart.
    const powersHub = new FakeSnapshotHub();
    const proposal = o.c.hub.proposals.get(s.externalId);
    powersHub.createProposal({ ...proposal, space: proposal?.space ?? "", title: "same", id: s.externalId });
    for (const m of s.members) powersHub.setVotingPower(m.agentAddress, proposal?.space ?? "", 42);
    try {
      const url = await powersHub.listen();
      const hub = createHubClient({
        url,
        sleep: async () => undefined,
        rateLimiter: createRateLimiter({ requests: 1e4 }),
      });
      const single = o.c.hub.requestCount("votingPower");
      await claimPrepareRun(runnerWith({ powers: createVotingPowers(hub) }));
      expect(powersHub.requests.map((r) => [r.operationName, r.status, r.validationErrors])).toEqual([
        ["votingPowers", 200, []],
        ["votingPowers", 200, []],
      ]);
      expect(o.c.hub.requestCount("votingPower")).toBe(single);
      expect((await castsOf(o, s)).map((r) => [r.state, r.votingPower])).toEqual(Array(6).fill(["confirmed", "42"]));
    } finally {
      await powersHub.close();
    }
  });

  it("the batch read still stops a member who voted themselves", async () => {
    const s = await seedScenario(o, { members: 2, wallets: true });
    await announced(s);
    const wallet = s.members[1]?.walletAddress as string;
    o.c.hub.addVote({ voter: wallet, proposal: s.externalId, created: o.c.hub.now, choice: 2, vp: 5, reason: "" });
    await claimPrepareRun(o.runner);
    expect((await castsOf(o, s)).map((r) => [r.state, r.failureReason])).toEqual([
      ["confirmed", null],
      ["skipped", "own_vote"],
    ]);
    expect(storedVotes(o, s, s.members[1]?.agentAddress as string)).toBe(0);
  });

  it("a retry, and a row whose batch read has grown old, ask the hub for themselves", async () => {
    const s = await seedScenario(o, { members: 2 });
    await announced(s);
    o.c.sequencer.faults.push({ kind: "status", status: 503 });
    await claimPrepareRun(o.runner);
    const waiting = (await castsOf(o, s)).filter((r) => r.state === "due");
    expect(waiting).toMatchObject([{ failureReason: "maintenance", attempts: 1 }]);

    o.advance(15);
    const before = o.c.hub.requestCount("votes");
    const [retried] = await o.outbox.claimDue(o.clock(), 50);
    await o.runner.prepare?.([retried as Cast]);
    expect(o.c.hub.requestCount("votes")).toBe(before);
    await o.runner.run(retried as Cast);
    expect(o.c.hub.requestCount("votes")).toBe(before + 1);
    expect((await castsOf(o, s)).map((r) => r.state)).toEqual(["confirmed", "confirmed"]);

    const late = await seedScenario(o, { members: 1 });
    await announced(late);
    const batch = await o.outbox.claimDue(o.clock(), 50);
    await o.runner.prepare?.(batch);
    o.advance(31);
    const afterPrepare = o.c.hub.requestCount("votes");
    for (const row of batch) await o.runner.run(row);
    expect(o.c.hub.requestCount("votes")).toBe(afterPrepare + 1);
    expect((await castsOf(o, late))[0]?.state).toBe("confirmed");
  });
});

describe("no hub", () => {
  it("dry-run records what it would have sent, saying own votes and voting power went unchecked", async () => {
    const s = await seedScenario(o, { members: 2, mode: "dry_run" });
    await announced(s, 2);
    const { votes, counter } = unreachableReader();
    const requests = o.c.sequencer.requests.length;
    await claimPrepareRun(runnerWith({ votes }));
    // One batch read (the hub client's three tries), and no row asked again.
    expect(counter.sent).toBe(3);
    const rows = await castsOf(o, s);
    for (const row of rows) {
      expect(row).toMatchObject({ state: "skipped", failureReason: "dry_run", dryRun: true, votingPower: null });
      expect(row.payload).toMatchObject({
        voter: row.voterAddress,
        wouldSend: { proposal: s.externalId, choice: 2, app: "tribune", reason: row.reason },
        checks: { ownVote: "unchecked", votingPower: "unchecked" },
        note: expect.stringMatching(/could not be reached/),
      });
    }
    expect(o.c.sequencer.requests.length).toBe(requests);
  });

  it("dry-run without a batch read asks per row and records all the same; with a hub, the checks are made", async () => {
    const s = await seedScenario(o, { members: 1, mode: "dry_run" });
    await announced(s);
    await claimPrepareRun(runnerWith({ votes: unreachableReader().votes }), false);
    expect((await castsOf(o, s))[0]).toMatchObject({
      state: "skipped",
      payload: { checks: { ownVote: "unchecked", votingPower: "unchecked" } },
    });

    const reachable = await seedScenario(o, { members: 1, mode: "dry_run" });
    await announced(reachable);
    await claimPrepareRun(o.runner);
    const [row] = await castsOf(o, reachable);
    expect(row).toMatchObject({ state: "skipped", votingPower: "100" });
    expect(row?.payload).toMatchObject({ checks: { ownVote: "checked", votingPower: "checked" } });
    expect(row?.payload).not.toHaveProperty("note");
  });

  it("a live row with the hub down is never sent: it waits for a retry, batch read or not", async () => {
    const s = await seedScenario(o, { members: 2 });
    await announced(s);
    const requests = o.c.sequencer.requests.length;
    const { votes } = unreachableReader();
    const batch = await o.outbox.claimDue(o.clock(), 50);
    const runner = runnerWith({ votes });
    await runner.prepare?.(batch.slice(0, 1));
    for (const row of batch) await runner.run(row);
    for (const row of await castsOf(o, s)) {
      expect(row).toMatchObject({ state: "due", failureReason: "hub_unavailable", voteId: null });
      expect(row.nextAttemptAt?.getTime()).toBeGreaterThan(o.clock().getTime());
      expect(row.payload).not.toHaveProperty("wouldSend");
    }
    expect(o.c.sequencer.requests.length).toBe(requests);
    // The hub is back: the next attempt checks and casts.
    o.advance(15);
    await o.drain();
    expect((await castsOf(o, s)).map((r) => r.state)).toEqual(["confirmed", "confirmed"]);
  });
});

describe("the last look, right before signing", () => {
  it("a veto, a decision gone stale, a space paused or turned dry-run after the batch was read all win", async () => {
    // The batch's rows and their contexts are read at claim time; what changes between then and the signing of a
    // row must still stop it. Each change lands after claim and prepare, before the rows run.
    const s = await seedScenario(o, { members: 3 });
    await announced(s);
    const batch = await o.outbox.claimDue(o.clock(), 50);
    await o.runner.prepare?.(batch);
    const [vetoer, restaled] = s.members;
    await o.overrides.set({
      memberId: vetoer?.id as string,
      proposalId: s.proposalId,
      word: { kind: "veto" },
      actor: "m",
    });
    await o.prisma.decision.updateMany({
      where: { proposalId: s.proposalId, memberId: restaled?.id as string },
      data: { staleAt: o.clock() },
    });
    for (const row of batch) await o.runner.run(row);
    expect((await castsOf(o, s)).map((r) => [r.state, r.failureReason])).toEqual([
      ["skipped", "vetoed"],
      ["planned", null],
      ["confirmed", null],
    ]);
    expect(s.members.map((m) => storedVotes(o, s, m.agentAddress))).toEqual([0, 0, 1]);

    const paused = await seedScenario(o, { members: 1 });
    await announced(paused);
    const pausedBatch = await o.outbox.claimDue(o.clock(), 50);
    await o.runner.prepare?.(pausedBatch);
    await o.prisma.space.update({ where: { id: paused.spaceId }, data: { paused: true } });
    for (const row of pausedBatch) await o.runner.run(row);
    expect((await castsOf(o, paused)).map((r) => r.state)).toEqual(["due"]);
    expect(storedVotes(o, paused, paused.members[0]?.agentAddress as string)).toBe(0);

    const dry = await seedScenario(o, { members: 1 });
    await announced(dry);
    const dryBatch = await o.outbox.claimDue(o.clock(), 50);
    await o.runner.prepare?.(dryBatch);
    await o.prisma.space.update({ where: { id: dry.spaceId }, data: { mode: "dry_run" } });
    for (const row of dryBatch) await o.runner.run(row);
    expect((await castsOf(o, dry)).map((r) => [r.state, r.failureReason])).toEqual([["skipped", "dry_run"]]);
    expect(storedVotes(o, dry, dry.members[0]?.agentAddress as string)).toBe(0);
  });

  it("rows signing side by side share one read, and each gets its own answer", async () => {
    // Four proposals in four spaces, claimed as one batch and run at once: a veto in one, a paused space, a space
    // turned dry-run, and one left alone. Their looks are read together; each must still stop or pass on its own.
    const [vetoed, paused, dry, clear] = [
      await seedScenario(o, { members: 1 }),
      await seedScenario(o, { members: 1 }),
      await seedScenario(o, { members: 1 }),
      await seedScenario(o, { members: 1 }),
    ] as Scenario[];
    for (const s of [vetoed, paused, dry, clear] as Scenario[]) await announced(s);
    const batch = await o.outbox.claimDue(o.clock(), 50);
    expect(batch).toHaveLength(4);
    await o.overrides.set({
      memberId: vetoed?.members[0]?.id as string,
      proposalId: vetoed?.proposalId as string,
      word: { kind: "veto" },
      actor: "m",
    });
    await o.prisma.space.update({ where: { id: paused?.spaceId }, data: { paused: true } });
    await o.prisma.space.update({ where: { id: dry?.spaceId }, data: { mode: "dry_run" } });
    const looks: number[] = [];
    const runner = runnerWith({
      sql: {
        ...o.sql,
        query: (text, values) => {
          if (!text.includes('"Override"')) return o.sql.query(text, values);
          looks.push(JSON.parse(String(values?.[0])).length);
          // The first read is slow: the other rows reach their last look while it is under way.
          const slow = looks.length === 1 ? new Promise((resolve) => setTimeout(resolve, 1_500)) : Promise.resolve();
          return slow.then(() => o.sql.query(text, values));
        },
      },
    });
    await runner.prepare?.(batch);
    await Promise.all(batch.map((row) => runner.run(row)));
    expect(looks.reduce((sum, n) => sum + n, 0)).toBe(4);
    expect(looks.length).toBeLessThan(4);
    const states = await Promise.all(
      [vetoed, paused, dry, clear].map(async (s) =>
        (await castsOf(o, s as Scenario)).map((r) => [r.state, r.failureReason]),
      ),
    );
    expect(states).toEqual([[["skipped", "vetoed"]], [["due", null]], [["skipped", "dry_run"]], [["confirmed", null]]]);
    expect(
      [vetoed, paused, dry, clear].map((s) => storedVotes(o, s as Scenario, s?.members[0]?.agentAddress as string)),
    ).toEqual([0, 0, 0, 1]);
  });
});
