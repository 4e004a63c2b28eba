import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { canonicalJson } from "../../src/audit/canonicalJson.js";
import type { Cast } from "../../src/generated/prisma/client.js";
import { POOLED_INDEX_BASE } from "../../src/voting/pooledAgent.js";
import { createPooledBallot } from "../../src/voting/pooledBallot.js";
import { createTestDatabase, type TestDatabase } from "../support/testDatabase.js";
import { castsOf, decide, type Outbox, startOutbox } from "./support/outboxHarness.js";
import { type PlannerScenario, poolRecordOf, seedPlannerScenario, spaceAdminFor } from "./support/plannerScenario.js";

// Pooled Snapshot spaces: one row for the space's delegate, its ballot the members' combined by the power their
// wallets hold at the proposal (the local hub's `vp`), each member's word applying to their own share.

const E18 = 10n ** 18n;

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

async function pooledSpace(options: Parameters<typeof seedPlannerScenario>[1]): Promise<PlannerScenario> {
  const s = await seedPlannerScenario(o, options);
  await spaceAdminFor(o).setVotingMode({ ref: s.ref, guildId: null, votingMode: "pooled", actor: "steward-1" });
  return s;
}

function power(s: PlannerScenario, i: number, vp: number): void {
  o.c.hub.setVotingPower(s.members[i]?.walletAddress as string, s.spaceName, vp);
}

async function onlyRow(s: PlannerScenario): Promise<Cast> {
  const rows = await castsOf(o, s);
  expect(rows).toHaveLength(1);
  return rows[0] as Cast;
}

describe("a pooled Snapshot space", () => {
  it("casts the single choice backed by the most power, through the space's delegate", async () => {
    const s = await pooledSpace({ votingType: "single_choice", members: 3 });
    power(s, 0, 10);
    power(s, 1, 25);
    power(s, 2, 20.5);
    await decide(o, s, 0, "vote", 1);
    await decide(o, s, 1, "vote", 2);
    await decide(o, s, 2, "vote", 1);

    const report = await o.planner.plan(s.proposalId);
    expect(report).toMatchObject({ status: "planned", votingMode: "pooled", created: 1, changed: 0 });
    const space = await o.prisma.space.findUniqueOrThrow({ where: { id: s.spaceId } });
    const row = await onlyRow(s);
    expect(row).toMatchObject({
      voterKind: "pooled",
      memberId: null,
      decisionId: null,
      voterAddress: space.pooledAgentAddress,
      agentIndex: space.pooledAgentIndex,
      state: "planned",
      choice: 1,
      dryRun: false,
    });
    expect(space.pooledAgentIndex).toBeGreaterThanOrEqual(POOLED_INDEX_BASE);
    expect(space.pooledAgentAddress).toBe(o.c.keyring.address(space.pooledAgentIndex as number));
    const pool = poolRecordOf(row);
    // 10 + 20.5 for Alpha against 25 for Beta, weighed exactly (vp at 18 decimals).
    expect(pool).toMatchObject({ method: "plurality", powerDecimals: 18, leftOut: [] });
    expect(pool.amounts).toEqual({ "1": String((305n * E18) / 10n), "2": String(25n * E18) });
    expect(pool.contributions.map((c) => c.source)).toEqual(["hub", "hub", "hub"]);

    // The audit entry that planned the row names every member's contribution.
    const entry = await o.prisma.auditEntry.findFirstOrThrow({
      where: { proposalId: s.proposalId, action: "cast.planned" },
    });
    const data = JSON.parse(entry.canonical).data;
    expect(data.pool.contributions.map((c: { memberId: string }) => c.memberId).sort()).toEqual(
      s.members.map((m) => m.id).sort(),
    );

    // The caster's re-check computes the same ballot.
    const now = await createPooledBallot({ prisma: o.prisma, overrides: o.overrides, votes: o.c.reader }).current(
      s.proposalId,
    );
    expect(canonicalJson(now.choice)).toBe(canonicalJson(row.choice));
    expect(canonicalJson(now.pool)).toBe(canonicalJson(pool));
  });

  it("splits a weighted ballot by each member's power, to the last unit", async () => {
    const s = await pooledSpace({ votingType: "weighted", members: 3 });
    power(s, 0, 30);
    power(s, 1, 10);
    power(s, 2, 60);
    await decide(o, s, 0, "vote", { "1": 1 });
    await decide(o, s, 1, "vote", { "1": 1, "2": 1 });
    await decide(o, s, 2, "vote", { "3": 4 });
    await o.planner.plan(s.proposalId);
    const row = await onlyRow(s);
    expect(row.choice).toEqual({ "1": 35, "2": 5, "3": 60 });
    expect(poolRecordOf(row)).toMatchObject({
      method: "split",
      countedPower: String(100n * E18),
      amounts: { "1": String(35n * E18), "2": String(5n * E18), "3": String(60n * E18) },
    });
  });

  it("leaves out a member who vetoed and a member with no power, naming both", async () => {
    const s = await pooledSpace({ votingType: "single_choice", members: 3 });
    power(s, 0, 10);
    power(s, 1, 50);
    // Member 2's wallet holds nothing at the proposal.
    await decide(o, s, 0, "vote", 1);
    await decide(o, s, 1, "vote", 2);
    await decide(o, s, 2, "vote", 2);
    const [m0, m1, m2] = s.members.map((m) => m.id) as [string, string, string];
    await o.overrides.set({ memberId: m1, proposalId: s.proposalId, word: { kind: "veto" }, actor: m1 });
    await o.planner.plan(s.proposalId);
    const row = await onlyRow(s);
    expect(row).toMatchObject({ state: "planned", choice: 1 });
    const pool = poolRecordOf(row);
    expect(pool.countedPower).toBe(String(10n * E18));
    expect(pool.contributions.map((c) => c.memberId)).toEqual([m0]);
    expect(new Set(pool.leftOut.map((l) => `${l.memberId}:${l.why}`))).toEqual(
      new Set([`${m1}:vetoed`, `${m2}:no_voting_power`]),
    );
  });

  it("skips the row when no member counts, and revives it when one does again", async () => {
    const s = await pooledSpace({ votingType: "single_choice", members: 1 });
    power(s, 0, 10);
    await decide(o, s, 0, "vote", 3);
    const [m0] = s.members.map((m) => m.id) as [string];
    await o.overrides.set({ memberId: m0, proposalId: s.proposalId, word: { kind: "veto" }, actor: m0 });
    await o.planner.plan(s.proposalId);
    expect(await onlyRow(s)).toMatchObject({ state: "skipped", failureReason: "pool_empty", choice: null });
    expect(poolRecordOf(await onlyRow(s)).leftOut).toEqual([{ memberId: m0, why: "vetoed" }]);

    await o.overrides.set({ memberId: m0, proposalId: s.proposalId, word: { kind: "auto" }, actor: m0 });
    expect(await o.planner.plan(s.proposalId)).toMatchObject({ changed: 1 });
    expect(await onlyRow(s)).toMatchObject({ state: "planned", failureReason: null, choice: 3 });
  });

  it("planning twice changes nothing; a new contribution to the same ballot is recorded, not re-announced", async () => {
    const s = await pooledSpace({ votingType: "single_choice", members: 2 });
    power(s, 0, 40);
    power(s, 1, 1);
    await decide(o, s, 0, "vote", 2);
    await o.planner.plan(s.proposalId);
    await o.announcements.markAnnounced(s.proposalId, o.clock());
    const before = await onlyRow(s);
    expect(before.state).toBe("announced");
    const entries = await o.prisma.auditEntry.count();

    expect(await o.planner.plan(s.proposalId)).toMatchObject({ created: 0, changed: 0, unchanged: 1 });
    expect(await o.prisma.auditEntry.count()).toBe(entries);
    expect((await onlyRow(s)).updatedAt).toEqual(before.updatedAt);

    // Member 1 joins with the same choice: the ballot is unchanged, so the announcement stands; the pool is updated.
    await decide(o, s, 1, "vote", 2);
    expect(await o.planner.plan(s.proposalId)).toMatchObject({ changed: 1 });
    const after = await onlyRow(s);
    expect(after).toMatchObject({ state: "announced", choice: 2, dueAt: before.dueAt });
    expect(poolRecordOf(after).contributions).toHaveLength(2);
    expect(await o.prisma.auditEntry.count({ where: { action: "cast.pool_changed" } })).toBeGreaterThanOrEqual(1);

    // Member 1 now outweighs member 0 on another choice: the ballot changed, so it must be announced again.
    power(s, 1, 100);
    await decide(o, s, 1, "vote", 3);
    await o.planner.plan(s.proposalId);
    expect(await onlyRow(s)).toMatchObject({ state: "planned", choice: 3, dueAt: null });
    expect(await o.planner.plan(s.proposalId)).toMatchObject({ created: 0, changed: 0, unchanged: 1 });
    expect(await o.audit.verify()).toMatchObject({ intact: true });
  });

  it("a member who voted from their own wallet is left out of the pool", async () => {
    const s = await pooledSpace({ votingType: "single_choice", members: 2 });
    power(s, 0, 10);
    power(s, 1, 50);
    await decide(o, s, 0, "vote", 1);
    await decide(o, s, 1, "vote", 2);
    o.c.hub.addVote({
      voter: s.members[1]?.walletAddress as string,
      proposal: s.externalId,
      created: o.c.hub.now,
      choice: 2,
      vp: 50,
      reason: "",
    });
    await o.planner.plan(s.proposalId);
    const row = await onlyRow(s);
    expect(row.choice).toBe(1);
    expect(poolRecordOf(row).leftOut).toEqual([{ memberId: s.members[1]?.id, why: "own_vote" }]);
  });

  it("a shielded proposal gets a skipped row saying so", async () => {
    const s = await pooledSpace({ votingType: "single_choice", members: 1 });
    power(s, 0, 10);
    await o.prisma.proposal.update({ where: { id: s.proposalId }, data: { privacy: "shutter" } });
    await decide(o, s, 0, "vote", 1);
    await o.planner.plan(s.proposalId);
    expect(await onlyRow(s)).toMatchObject({ voterKind: "pooled", state: "skipped", failureReason: "shielded" });
  });

  it("a space marked pooled without a delegate casts nothing, and no personal row stays castable", async () => {
    const s = await seedPlannerScenario(o, { votingType: "single_choice", members: 1 });
    await decide(o, s, 0, "vote", 1);
    await o.planner.plan(s.proposalId);
    // As a database edited by hand would have it: pooled, but no delegate was ever allocated.
    await o.prisma.space.update({ where: { id: s.spaceId }, data: { votingMode: "pooled" } });
    expect(await o.planner.plan(s.proposalId)).toEqual({ status: "unsupported", why: "no_pooled_agent" });
    expect(await onlyRow(s)).toMatchObject({
      voterKind: "personal",
      state: "skipped",
      failureReason: "voting_mode_changed",
    });
  });
});
