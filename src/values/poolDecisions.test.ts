import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isValidForSnapshot } from "../../test/values/snapshotValidity.js";
import type { Decision } from "./decideVote.js";
import { type PoolEntry, poolDecisions } from "./poolDecisions.js";
import type { SnapshotChoice, VotingType } from "./votingTypes.js";

function entry(
  memberId: string,
  votingPower: bigint,
  outcome: Decision["outcome"],
  choice: SnapshotChoice | null,
  votingType: VotingType = "weighted",
): PoolEntry {
  return { memberId, votingPower, decision: { outcome, choice, votingType } };
}

const choices = ["A", "B", "C", "Abstain"];
const splitArb = fc
  .tuple(...choices.map(() => fc.integer({ min: 0, max: 100 })))
  .filter((units) => units.some((u) => u > 0))
  .map((units) => Object.fromEntries(units.flatMap((u, i) => (u > 0 ? [[String(i + 1), u]] : []))));
const memberArb = fc.record({
  power: fc.bigInt({ min: 0n, max: 10n ** 24n }),
  outcome: fc.constantFrom("vote" as const, "vote" as const, "abstain" as const, "ask" as const, "never" as const),
  split: splitArb,
});

describe("pooled aggregation", () => {
  it("splits exactly the counted power, whatever the order of the members", () => {
    fc.assert(
      fc.property(fc.array(memberArb, { minLength: 1, maxLength: 30 }), fc.boolean(), (members, reverse) => {
        const entries = members.map((m, i) =>
          entry(
            `m${String(i).padStart(3, "0")}`,
            m.power,
            m.outcome,
            m.outcome === "ask" || m.outcome === "never" ? null : m.outcome === "abstain" ? { "4": 100 } : m.split,
          ),
        );
        const pooled = poolDecisions(entries, { votingType: "weighted" });
        const reordered = poolDecisions(
          reverse ? [...entries].reverse() : [...entries.slice(1), entries[0] as PoolEntry],
          {
            votingType: "weighted",
          },
        );
        expect(reordered).toEqual(pooled);
        const counted = entries.filter((e) => e.decision.choice !== null).reduce((sum, e) => sum + e.votingPower, 0n);
        expect(BigInt(pooled.countedPower)).toBe(counted);
        expect(Object.values(pooled.amounts).reduce((sum, a) => sum + BigInt(a), 0n)).toBe(counted);
        for (const c of pooled.contributions) {
          if (c.outcome === "ask" || c.outcome === "never") continue;
          expect(Object.values(c.amounts).reduce((sum, a) => sum + BigInt(a), 0n)).toBe(BigInt(c.votingPower));
        }
        if (pooled.outcome === "vote") {
          expect(Object.values(pooled.choice as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(100);
          expect(isValidForSnapshot("weighted", pooled.choice as SnapshotChoice, choices)).toBe(true);
        } else expect(counted).toBe(0n);
      }),
      { numRuns: 300 },
    );
  });

  it("keeps who contributed what, and the power withheld by members who are asked or vote themselves", () => {
    const pooled = poolDecisions(
      [
        entry("carol", 300n, "ask", null),
        entry("alice", 1_000n, "vote", { "1": 75, "2": 25 }),
        entry("bob", 3n, "vote", { "1": 1, "2": 1, "3": 1 }),
        entry("dave", 50n, "never", null),
      ],
      { votingType: "weighted", splitTotal: 1_000 },
    );
    expect(pooled).toMatchObject({
      outcome: "vote",
      method: "split",
      countedPower: "1003",
      amounts: { "1": "751", "2": "251", "3": "1" },
      choice: { "1": 749, "2": 250, "3": 1 },
      withheldPower: { ask: "300", never: "50" },
    });
    expect(pooled.contributions.map((c) => [c.memberId, c.amounts])).toEqual([
      ["alice", { "1": "750", "2": "250" }],
      ["bob", { "1": "1", "2": "1", "3": "1" }],
      ["carol", {}],
      ["dave", {}],
    ]);
  });

  it("takes the voting-power plurality where a ballot cannot be split, and no vote on a tie", () => {
    const single = (id: string, power: bigint, choice: number) => entry(id, power, "vote", choice, "single-choice");
    const won = poolDecisions([single("a", 5n, 1), single("b", 3n, 2), single("c", 3n, 2)], {
      votingType: "single-choice",
    });
    expect(won).toMatchObject({ outcome: "vote", method: "plurality", choice: 2, amounts: { "2": "6", "1": "5" } });
    const tied = poolDecisions([single("a", 5n, 1), single("b", 5n, 2)], { votingType: "single-choice" });
    expect(tied).toMatchObject({ outcome: "none", why: "tie", choice: null });
    const ranked = poolDecisions(
      [
        entry("a", 2n, "vote", [1, 2, 3], "ranked-choice"),
        entry("b", 2n, "vote", [2, 1, 3], "ranked-choice"),
        entry("c", 1n, "vote", [1, 2, 3], "ranked-choice"),
      ],
      { votingType: "ranked-choice" },
    );
    expect(ranked).toMatchObject({ outcome: "vote", choice: [1, 2, 3], amounts: { "[1,2,3]": "3", "[2,1,3]": "2" } });
  });

  it("splits a Governor's For/Against/Abstain exactly when it counts fractionally", () => {
    const basic = (id: string, power: bigint, outcome: Decision["outcome"], choice: number | null) =>
      entry(id, power, outcome, choice, "basic");
    const pooled = poolDecisions(
      [
        basic("a", 10n ** 24n, "vote", 1),
        basic("b", 7n, "vote", 2),
        basic("c", 2n, "abstain", 3),
        basic("d", 9n, "ask", null),
      ],
      { votingType: "basic", fractional: true },
    );
    expect(pooled).toMatchObject({
      outcome: "vote",
      method: "split",
      choice: null,
      amounts: { "1": (10n ** 24n).toString(), "2": "7", "3": "2" },
      withheldPower: { ask: "9", never: "0" },
    });
  });

  it("casts nothing when no member's ballot counts, and refuses mixed voting types", () => {
    expect(poolDecisions([entry("a", 5n, "ask", null)], { votingType: "weighted" })).toMatchObject({
      outcome: "none",
      why: "no_ballots",
    });
    expect(() => poolDecisions([entry("a", 5n, "vote", 1, "basic")], { votingType: "weighted" })).toThrow(TypeError);
  });
});
