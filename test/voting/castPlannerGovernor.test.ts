import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { canonicalJson } from "../../src/audit/canonicalJson.js";
import { createPooledBallot } from "../../src/voting/pooledBallot.js";
import { createTestDatabase, type TestDatabase } from "../support/testDatabase.js";
import { castsOf, decide, type Outbox, startOutbox } from "./support/outboxHarness.js";
import { delegateToPool, poolRecordOf, seedPlannerScenario, spaceAdminFor } from "./support/plannerScenario.js";

// Governor spaces: personal agents vote like Snapshot's (choice n is support n − 1), and a pooled delegate casts the
// members' For/Against/Abstain split in exact token units where the Governor counts fractionally, or the choice
// backed by the most power where it does not. Power is what the Governor watcher recorded (Delegation rows).

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

describe("a Governor space", () => {
  it("in personal mode plans one row per member agent, 1-based, the member's word winning", async () => {
    const s = await seedPlannerScenario(o, { kind: "governor", members: 3 });
    await decide(o, s, 0, "vote", 2);
    await decide(o, s, 1, "vote", 1);
    await decide(o, s, 2, "vote", 2);
    const m2 = s.members[2]?.id as string;
    await o.overrides.set({ memberId: m2, proposalId: s.proposalId, word: { kind: "abstain" }, actor: m2 });

    const report = await o.planner.plan(s.proposalId);
    expect(report).toMatchObject({ status: "planned", votingMode: "personal", created: 3, ownVotesChecked: false });
    const rows = await castsOf(o, s);
    expect(rows.map((r) => [r.voterKind, r.memberId, r.voterAddress, r.agentIndex, r.state, r.choice])).toEqual(
      s.members.map((m, i) => ["personal", m.id, m.agentAddress, m.agentIndex, "planned", [2, 1, 3][i]]),
    );
    expect(await o.planner.plan(s.proposalId)).toMatchObject({ created: 0, changed: 0, unchanged: 3 });
  });

  it("in pooled mode with fractional counting casts the exact split of the delegated power", async () => {
    const s = await seedPlannerScenario(o, { kind: "governor", fractional: true, members: 4 });
    await spaceAdminFor(o).setVotingMode({ ref: s.ref, guildId: null, votingMode: "pooled", actor: "steward-1" });
    // Token units far past 2^53: nothing may be rounded.
    await delegateToPool(o, s, 0, "1000000000000000000001");
    await delegateToPool(o, s, 1, "333333333333333333333");
    await delegateToPool(o, s, 2, "7");
    await delegateToPool(o, s, 3, "5");
    await decide(o, s, 0, "vote", 2);
    await decide(o, s, 1, "vote", 1);
    await decide(o, s, 2, "vote", 2);
    await decide(o, s, 3, "abstain", 3);

    await o.planner.plan(s.proposalId);
    const rows = await castsOf(o, s);
    expect(rows).toHaveLength(1);
    const [row] = rows;
    expect(row).toMatchObject({ voterKind: "pooled", memberId: null, state: "planned" });
    expect(row?.choice).toEqual({
      fractional: { against: "333333333333333333333", for: "1000000000000000000008", abstain: "5" },
    });
    const pool = poolRecordOf(row);
    expect(pool).toMatchObject({ method: "fractional", powerDecimals: 0, countedPower: "1333333333333333333346" });

    const now = await createPooledBallot({ prisma: o.prisma, overrides: o.overrides }).current(s.proposalId);
    expect(canonicalJson(now.choice)).toBe(canonicalJson(row?.choice ?? null));

    // A delegation the watcher saw revoked no longer counts.
    await o.prisma.delegation.updateMany({
      where: { spaceId: s.spaceId, delegatorAddress: s.members[1]?.walletAddress?.toLowerCase() },
      data: { revokedAt: new Date() },
    });
    await o.planner.plan(s.proposalId);
    const [replanned] = await castsOf(o, s);
    expect(replanned?.choice).toEqual({ fractional: { against: "0", for: "1000000000000000000008", abstain: "5" } });
    expect(poolRecordOf(replanned).leftOut).toEqual([{ memberId: s.members[1]?.id, why: "no_delegation" }]);
  });

  it("in pooled mode without fractional counting casts the choice backed by the most power", async () => {
    const s = await seedPlannerScenario(o, { kind: "governor", fractional: false, members: 3 });
    await spaceAdminFor(o).setVotingMode({ ref: s.ref, guildId: null, votingMode: "pooled", actor: "steward-1" });
    await delegateToPool(o, s, 0, "600");
    await delegateToPool(o, s, 1, "500");
    await delegateToPool(o, s, 2, "200");
    await decide(o, s, 0, "vote", 2);
    await decide(o, s, 1, "vote", 1);
    await decide(o, s, 2, "vote", 1);
    await o.planner.plan(s.proposalId);
    const [row] = await castsOf(o, s);
    expect(row).toMatchObject({ voterKind: "pooled", state: "planned", choice: 1 });
    expect(poolRecordOf(row).method).toBe("plurality");

    // A tie casts nothing, and says so.
    await delegateToPool(o, s, 0, "700");
    await o.planner.plan(s.proposalId);
    expect(await castsOf(o, s)).toMatchObject([{ state: "skipped", failureReason: "pool_tie" }]);
  });
});
