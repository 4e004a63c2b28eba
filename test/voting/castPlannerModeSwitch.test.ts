import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Cast } from "../../src/generated/prisma/client.js";
import { createCastPlanner } from "../../src/voting/castPlanner.js";
import { createPooledBallot } from "../../src/voting/pooledBallot.js";
import { createTestDatabase, type TestDatabase } from "../support/testDatabase.js";
import { castsOf, decide, type Outbox, startOutbox } from "./support/outboxHarness.js";
import { seedPlannerScenario, spaceAdminFor } from "./support/plannerScenario.js";

// Switching a space between personal agents and a pooled delegate: the switch itself skips every castable row of the
// kind it leaves (with its audit entry, naming the steward), planning only ever writes the space's current kind, and
// switching back revives what was skipped. At no moment can both kinds be cast.

const CASTABLE = new Set(["planned", "announced", "due"]);

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

function castable(rows: Cast[], kind: "personal" | "pooled"): Cast[] {
  return rows.filter((r) => r.voterKind === kind && CASTABLE.has(r.state));
}

describe("switching the voting mode", () => {
  it("leaves no row of the other kind castable, audited, and switching back revives them", async () => {
    const s = await seedPlannerScenario(o, { votingType: "single_choice", members: 2 });
    const admin = spaceAdminFor(o);
    for (const m of s.members) o.c.hub.setVotingPower(m.walletAddress as string, s.spaceName, 10);
    await decide(o, s, 0, "vote", 1);
    await decide(o, s, 1, "vote", 2);
    await o.planner.plan(s.proposalId);
    await o.announcements.markAnnounced(s.proposalId, o.clock());
    expect(castable(await castsOf(o, s), "personal")).toHaveLength(2);

    await admin.setVotingMode({ ref: s.ref, guildId: null, votingMode: "pooled", actor: "steward-7" });
    let rows = await castsOf(o, s);
    expect(castable(rows, "personal")).toEqual([]);
    expect(rows.map((r) => [r.state, r.failureReason])).toEqual([
      ["skipped", "voting_mode_changed"],
      ["skipped", "voting_mode_changed"],
    ]);
    const skips = await o.prisma.auditEntry.findMany({
      where: { proposalId: s.proposalId, action: "cast.skipped", actor: "steward-7" },
    });
    expect(skips).toHaveLength(2);
    // Even once due, a skipped personal row is never claimed.
    o.advance(60);
    expect(await o.outbox.claimDue(o.clock(), 10)).toEqual([]);

    await o.planner.plan(s.proposalId);
    rows = await castsOf(o, s);
    expect(castable(rows, "personal")).toEqual([]);
    // A 10–10 tie between the two members: the pooled row is there, skipped, saying why.
    expect(rows.filter((r) => r.voterKind === "pooled")).toMatchObject([
      { state: "skipped", failureReason: "pool_tie" },
    ]);
    o.c.hub.setVotingPower(s.members[0]?.walletAddress as string, s.spaceName, 11);
    await o.planner.plan(s.proposalId);
    expect(castable(await castsOf(o, s), "pooled")).toMatchObject([{ state: "planned", choice: 1 }]);

    await admin.setVotingMode({ ref: s.ref, guildId: null, votingMode: "personal", actor: "steward-7" });
    rows = await castsOf(o, s);
    expect(castable(rows, "pooled")).toEqual([]);
    expect(rows.find((r) => r.voterKind === "pooled")).toMatchObject({
      state: "skipped",
      failureReason: "voting_mode_changed",
    });
    const report = await o.planner.plan(s.proposalId);
    expect(report).toMatchObject({ status: "planned", votingMode: "personal", changed: 2 });
    rows = await castsOf(o, s);
    expect(castable(rows, "personal").map((r) => [r.state, r.choice])).toEqual([
      ["planned", 1],
      ["planned", 2],
    ]);
    expect(castable(rows, "pooled")).toEqual([]);
    expect(await o.planner.plan(s.proposalId)).toMatchObject({ created: 0, changed: 0 });

    const switches = await o.prisma.auditEntry.findMany({
      where: { spaceId: s.spaceId, action: "space.voting_mode_changed" },
      orderBy: { seq: "asc" },
    });
    expect(switches.map((e) => JSON.parse(e.canonical).data.after.votingMode)).toEqual(["pooled", "personal"]);
    expect(await o.audit.verify()).toMatchObject({ intact: true });
  });

  it("a row already being signed is left to its caster", async () => {
    const s = await seedPlannerScenario(o, { votingType: "single_choice", members: 1 });
    await decide(o, s, 0, "vote", 2);
    await o.planner.plan(s.proposalId);
    await o.prisma.cast.updateMany({ where: { proposalId: s.proposalId }, data: { state: "signing" } });
    await spaceAdminFor(o).setVotingMode({ ref: s.ref, guildId: null, votingMode: "pooled", actor: "steward-7" });
    expect(await castsOf(o, s)).toMatchObject([{ voterKind: "personal", state: "signing" }]);
  });

  it("a switch that lands while a plan is being computed makes the plan start again in the new mode", async () => {
    const s = await seedPlannerScenario(o, { votingType: "single_choice", members: 2 });
    const admin = spaceAdminFor(o);
    await admin.setVotingMode({ ref: s.ref, guildId: null, votingMode: "pooled", actor: "steward-7" });
    for (const m of s.members) o.c.hub.setVotingPower(m.walletAddress as string, s.spaceName, 10);
    await decide(o, s, 0, "vote", 1);
    await decide(o, s, 1, "vote", 1);
    const real = createPooledBallot({ prisma: o.prisma, overrides: o.overrides, votes: o.c.reader });
    let switched = false;
    const planner = createCastPlanner({
      prisma: o.prisma,
      audit: o.audit,
      overrides: o.overrides,
      votes: o.c.reader,
      clock: o.clock,
      // The steward switches back to personal after the pooled ballot was read, before it is written.
      pooled: {
        current: real.current,
        async of(proposal, space) {
          const ballot = await real.of(proposal, space);
          if (!switched) {
            switched = true;
            await admin.setVotingMode({ ref: s.ref, guildId: null, votingMode: "personal", actor: "steward-7" });
          }
          return ballot;
        },
      },
    });
    expect(await planner.plan(s.proposalId)).toMatchObject({ status: "planned", votingMode: "personal", created: 2 });
    const rows = await castsOf(o, s);
    expect(rows.filter((r) => r.voterKind === "pooled")).toEqual([]);
    expect(castable(rows, "personal")).toHaveLength(2);
  });
});
