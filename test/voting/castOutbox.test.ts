import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drainDueCasts } from "../../src/voting/castJob.js";
import { createCastOutbox } from "../../src/voting/castOutbox.js";
import { createSnapshotCastRunner } from "../../src/voting/snapshotCastRunner.js";
import { createTestDatabase, type TestDatabase } from "../support/testDatabase.js";
import {
  castsOf,
  decide,
  type Outbox,
  SAFETY_MARGIN_SECONDS,
  seedScenario,
  startOutbox,
  storedVotes,
} from "./support/outboxHarness.js";

// The casting outbox against a real database, the local hub and the local sequencer (real snapshot.js signatures).
// Time is the hub's clock, moved by the tests: nothing sleeps.

let t: TestDatabase;
let o: Outbox;
beforeAll(async () => {
  t = await createTestDatabase();
  o = await startOutbox(t);
});
afterAll(async () => {
  await o?.close();
  await t?.drop();
});

async function planAndAnnounce(proposalId: string) {
  await o.planner.plan(proposalId);
  return o.announcements.markAnnounced(proposalId, o.clock());
}

describe("the veto window", () => {
  it("casts nothing before the 30 s window ends, then casts once with the audit hash in the reason", async () => {
    const s = await seedScenario(o, { vetoWindowSeconds: 30 });
    await decide(o, s, 0, "vote", 1);
    await decide(o, s, 1, "vote", 2);
    const announced = await planAndAnnounce(s.proposalId);
    expect(announced).toMatchObject({ announced: 2, tooLate: 0, shrunk: false });

    o.advance(29);
    await o.drain();
    expect((await castsOf(o, s)).map((r) => r.state)).toEqual(["announced", "announced"]);
    expect(storedVotes(o, s, s.members[0]?.agentAddress as string)).toBe(0);

    o.advance(1);
    await o.drain();
    const rows = await castsOf(o, s);
    expect(rows.map((r) => [r.state, r.choice])).toEqual([
      ["confirmed", 1],
      ["confirmed", 2],
    ]);
    for (const row of rows) {
      expect(storedVotes(o, s, row.voterAddress)).toBe(1);
      expect(row.receipt).toMatchObject({ source: "sequencer", id: row.voteId });
      expect(row.votingPower).toBe("100");
      const onHub = await o.c.reader.voteOf({ voter: row.voterAddress, proposal: s.externalId });
      expect(onHub).toMatchObject({ id: row.voteId, reason: row.reason });
      // The reason ends with the hash of the entry that recorded the signing of exactly this ballot.
      const hash = /audit ([0-9a-f]{64})\)$/.exec(row.reason ?? "")?.[1];
      const entry = await o.prisma.auditEntry.findUniqueOrThrow({ where: { hash } });
      expect(entry.action).toBe("cast.signing");
      expect(JSON.parse(entry.canonical).data).toMatchObject({ castId: row.id, choice: row.choice });
      expect(row.reason).toMatch(/^Decided on security/);
    }
    // The outbox and the audit agree: every row's transitions are in the log, in order.
    const actions = await o.prisma.auditEntry.findMany({
      where: { proposalId: s.proposalId, action: { startsWith: "cast." } },
      orderBy: { seq: "asc" },
    });
    const forFirst = actions.filter((a) => JSON.parse(a.canonical).data.castId === rows[0]?.id).map((a) => a.action);
    expect(forFirst).toEqual([
      "cast.planned",
      "cast.announced",
      "cast.due",
      "cast.signing",
      "cast.submitted",
      "cast.confirmed",
    ]);
    expect(await o.audit.verify()).toMatchObject({ intact: true });
  });

  it("shrinks the window to what is left when the proposal ends sooner, and skips when nothing is left", async () => {
    const s = await seedScenario(o, {
      members: 1,
      vetoWindowSeconds: 86_400,
      endsInSeconds: SAFETY_MARGIN_SECONDS + 40,
    });
    await decide(o, s, 0, "vote", 1);
    const announced = await planAndAnnounce(s.proposalId);
    expect(announced).toMatchObject({ announced: 1, shrunk: true });
    const [row] = await castsOf(o, s);
    expect(row?.dueAt?.getTime()).toBe(o.clock().getTime() + 40_000);
    o.advance(39);
    await o.drain();
    expect((await castsOf(o, s))[0]?.state).toBe("announced");
    o.advance(1);
    await o.drain();
    expect((await castsOf(o, s))[0]?.state).toBe("confirmed");

    const late = await seedScenario(o, { members: 1, endsInSeconds: SAFETY_MARGIN_SECONDS - 10 });
    await decide(o, late, 0, "vote", 1);
    expect(await planAndAnnounce(late.proposalId)).toMatchObject({ announced: 0, tooLate: 1 });
    expect(await castsOf(o, late)).toMatchObject([{ state: "skipped", failureReason: "proposal_closed" }]);
  });

  it("a decision that changes after its announcement is not cast until it is announced again", async () => {
    const s = await seedScenario(o, { members: 1, vetoWindowSeconds: 60 });
    const first = await decide(o, s, 0, "vote", 1);
    await planAndAnnounce(s.proposalId);
    expect(await castsOf(o, s)).toMatchObject([{ state: "announced", announcedDecisionId: first }]);

    o.advance(30);
    const second = await decide(o, s, 0, "vote", 2);
    await o.planner.plan(s.proposalId);
    expect(await castsOf(o, s)).toMatchObject([{ state: "planned", decisionId: second, choice: 2, dueAt: null }]);
    o.advance(3_600);
    await o.drain();
    expect((await castsOf(o, s))[0]?.state).toBe("planned");
    expect(storedVotes(o, s, s.members[0]?.agentAddress as string)).toBe(0);

    await o.announcements.markAnnounced(s.proposalId, o.clock());
    expect(await castsOf(o, s)).toMatchObject([{ state: "announced", announcedDecisionId: second }]);
    o.advance(60);
    await o.drain();
    expect(await castsOf(o, s)).toMatchObject([{ state: "confirmed", choice: 2 }]);
    // Planning again changes nothing and records nothing.
    const before = await o.prisma.auditEntry.count();
    await o.planner.plan(s.proposalId);
    expect(await o.prisma.auditEntry.count()).toBe(before);
  });
});

describe("the member's word", () => {
  it("an override's ballot wins over the decision", async () => {
    const s = await seedScenario(o, { members: 1 });
    await decide(o, s, 0, "vote", 1);
    const member = s.members[0]?.id as string;
    await o.overrides.set({
      memberId: member,
      proposalId: s.proposalId,
      word: { kind: "choice", choice: 2, label: "Against" },
      actor: "m",
    });
    await planAndAnnounce(s.proposalId);
    o.advance(30);
    await o.drain();
    const [row] = await castsOf(o, s);
    expect(row).toMatchObject({ state: "confirmed", choice: 2 });
    expect(row?.reason).toMatch(/^Cast as the member chose\./);
    const onHub = await o.c.reader.voteOf({ voter: row?.voterAddress as string, proposal: s.externalId });
    expect(onHub?.choice).toBe(2);
  });

  it("a veto is never cast: planned as skipped, and a veto after the announcement stops the cast", async () => {
    const s = await seedScenario(o, { members: 2 });
    await decide(o, s, 0, "vote", 1);
    await decide(o, s, 1, "vote", 1);
    const [a, b] = s.members.map((m) => m.id) as [string, string];
    await o.overrides.set({ memberId: a, proposalId: s.proposalId, word: { kind: "veto" }, actor: "m" });
    await planAndAnnounce(s.proposalId);
    // Member b vetoes after the announcement and no one re-plans: the caster reads the word before signing.
    await o.overrides.set({ memberId: b, proposalId: s.proposalId, word: { kind: "veto" }, actor: "m" });
    o.advance(3_600);
    await o.drain();
    expect((await castsOf(o, s)).map((r) => [r.state, r.failureReason])).toEqual([
      ["skipped", "vetoed"],
      ["skipped", "vetoed"],
    ]);
    for (const m of s.members) expect(storedVotes(o, s, m.agentAddress)).toBe(0);
  });

  it("ask and never are skipped with their reasons", async () => {
    const s = await seedScenario(o, { members: 2 });
    await decide(o, s, 0, "ask", null);
    await decide(o, s, 1, "never", null);
    await planAndAnnounce(s.proposalId);
    expect((await castsOf(o, s)).map((r) => r.failureReason)).toEqual(["asked", "never"]);
  });

  it("a member who voted themselves is never voted for, whether seen when planning or just before casting", async () => {
    const s = await seedScenario(o, { members: 2, wallets: true });
    await decide(o, s, 0, "vote", 1);
    await decide(o, s, 1, "vote", 1);
    const [early, late] = s.members as [(typeof s.members)[0], (typeof s.members)[0]];
    o.c.hub.addVote({
      voter: early.walletAddress as string,
      proposal: s.externalId,
      created: o.c.hub.now,
      choice: 2,
      vp: 5,
      reason: "",
    });
    await planAndAnnounce(s.proposalId);
    expect((await castsOf(o, s)).map((r) => r.state)).toEqual(["skipped", "announced"]);
    o.c.hub.addVote({
      voter: late.walletAddress as string,
      proposal: s.externalId,
      created: o.c.hub.now,
      choice: 2,
      vp: 5,
      reason: "",
    });
    o.advance(30);
    await o.drain();
    expect((await castsOf(o, s)).map((r) => [r.state, r.failureReason])).toEqual([
      ["skipped", "own_vote"],
      ["skipped", "own_vote"],
    ]);
    for (const m of s.members) expect(storedVotes(o, s, m.agentAddress)).toBe(0);
  });
});

describe("switches and checks", () => {
  it("a pause casts nothing until it is lifted", async () => {
    const s = await seedScenario(o, { members: 1 });
    await decide(o, s, 0, "vote", 1);
    await planAndAnnounce(s.proposalId);
    await o.casting.pause("steward", "testing");
    try {
      o.advance(30);
      await o.drain();
      expect((await castsOf(o, s))[0]?.state).toBe("announced");
      expect(storedVotes(o, s, s.members[0]?.agentAddress as string)).toBe(0);
    } finally {
      await o.casting.resume("steward");
    }
    await o.drain();
    expect((await castsOf(o, s))[0]?.state).toBe("confirmed");
  });

  it("dry-run sends nothing and records the message it would have sent", async () => {
    const s = await seedScenario(o, { members: 1, mode: "dry_run" });
    await decide(o, s, 0, "vote", 2);
    await planAndAnnounce(s.proposalId);
    const requests = o.c.sequencer.requests.length;
    o.advance(30);
    await o.drain();
    const [row] = await castsOf(o, s);
    expect(row).toMatchObject({ state: "skipped", failureReason: "dry_run", dryRun: true });
    expect(row?.payload).toMatchObject({
      voter: s.members[0]?.agentAddress,
      wouldSend: { space: expect.any(String), proposal: s.externalId, choice: 2, app: "tribune", reason: row?.reason },
    });
    expect(o.c.sequencer.requests.length).toBe(requests);
  });

  it("no voting power reaching the agent: skipped with the reason and the power recorded", async () => {
    const s = await seedScenario(o, { members: 1, power: 0 });
    await decide(o, s, 0, "vote", 1);
    await planAndAnnounce(s.proposalId);
    o.advance(30);
    await o.drain();
    expect(await castsOf(o, s)).toMatchObject([
      { state: "skipped", failureReason: "no_voting_power", votingPower: "0" },
    ]);
    expect(storedVotes(o, s, s.members[0]?.agentAddress as string)).toBe(0);
  });
});

describe("exactly once", () => {
  it("a vote stored whose answer was lost is found on the hub and confirmed once, never resent", async () => {
    const s = await seedScenario(o, { members: 1 });
    await decide(o, s, 0, "vote", 1);
    await planAndAnnounce(s.proposalId);
    o.advance(30);
    o.c.sequencer.faults.push({ kind: "drop" });
    await o.drain();
    const [lost] = await castsOf(o, s);
    expect(lost).toMatchObject({ state: "due", failureReason: "network" });
    expect(lost?.voteId).toMatch(/^0x/);
    const sent = o.c.sequencer.requests.length;
    o.advance(60);
    await o.drain();
    const [row] = await castsOf(o, s);
    expect(row).toMatchObject({ state: "confirmed", receipt: { source: "hub", id: lost?.voteId } });
    expect(o.c.sequencer.requests.length).toBe(sent);
    expect(storedVotes(o, s, row?.voterAddress as string)).toBe(1);
  });

  it("a 503 goes back to due with a retry time, then the identical message is cast", async () => {
    const s = await seedScenario(o, { members: 1 });
    await decide(o, s, 0, "vote", 1);
    await planAndAnnounce(s.proposalId);
    o.advance(30);
    o.c.sequencer.faults.push({ kind: "status", status: 503 });
    await o.drain();
    const [waiting] = await castsOf(o, s);
    expect(waiting).toMatchObject({ state: "due", failureReason: "maintenance", attempts: 1 });
    expect(waiting?.nextAttemptAt?.getTime()).toBe(o.clock().getTime() + 15_000);
    o.advance(10);
    await o.drain();
    expect((await castsOf(o, s))[0]?.state).toBe("due");
    o.advance(5);
    await o.drain();
    const [row] = await castsOf(o, s);
    expect(row).toMatchObject({ state: "confirmed", voteId: waiting?.voteId, voteTimestamp: waiting?.voteTimestamp });
  });

  it("two workers claiming at once cast each vote once", async () => {
    const s = await seedScenario(o, { members: 12 });
    for (let i = 0; i < 12; i++) await decide(o, s, i, "vote", (i % 2) + 1);
    await planAndAnnounce(s.proposalId);
    o.advance(30);
    const workers = await Promise.all(
      [0, 1].map(async () => {
        const db = await t.connect(4);
        const outbox = createCastOutbox({ prisma: db.prisma, sql: db.sql, audit: o.audit });
        const runner = createSnapshotCastRunner({
          prisma: db.prisma,
          sql: db.sql,
          outbox,
          votes: o.c.reader,
          caster: o.c.caster,
          safetyMarginSeconds: SAFETY_MARGIN_SECONDS,
          clock: o.clock,
        });
        return { outbox, runner };
      }),
    );
    const reports = await Promise.all(
      workers.map((w) => drainDueCasts({ ...w, casting: o.casting, clock: o.clock, batchSize: 3, concurrency: 3 })),
    );
    expect(reports.reduce((n, r) => n + r.results.confirmed, 0)).toBe(12);
    const rows = await castsOf(o, s);
    expect(rows.every((r) => r.state === "confirmed")).toBe(true);
    for (const row of rows) expect(storedVotes(o, s, row.voterAddress)).toBe(1);
    const confirmations = await o.prisma.auditEntry.count({
      where: { proposalId: s.proposalId, action: "cast.confirmed" },
    });
    expect(confirmations).toBe(12);
  });
});
