import { describe, expect, it } from "vitest";
import { outflow } from "../../test/values/digestFixtures.js";
import { describeRule } from "./describeRules.js";
import { evaluateRules, type HardRule, profileRulesSchema, type RuleFacts, testCondition } from "./hardRules.js";

const facts: RuleFacts = {
  category: "grant",
  money: [outflow(600_000), outflow(500_000)],
  flagged: false,
  unreliable: false,
  extractive: true,
  votingType: "basic",
  author: "0xAbCdEf0000000000000000000000000000000001",
};

describe("hard rules", () => {
  it.each([
    [{ kind: "category", in: ["grant", "election"] }, "yes"],
    [{ kind: "category", in: ["treasury"] }, "no"],
    [{ kind: "treasury_outflow_above", usd: 1_000_000 }, "yes"],
    [{ kind: "treasury_outflow_above", usd: 1_100_000 }, "no"],
    [{ kind: "digest_flag", flag: "extractive" }, "yes"],
    [{ kind: "digest_flag", flag: "flagged" }, "no"],
    [{ kind: "voting_type", in: ["basic"] }, "yes"],
    [{ kind: "author", in: ["0xabcdef0000000000000000000000000000000001"] }, "yes"],
    [{ kind: "author", in: ["0x0000000000000000000000000000000000000002"] }, "no"],
  ] as const)("%j → %s", (condition, expected) => {
    expect(testCondition(condition as never, facts)).toBe(expected);
  });

  it("cannot tell an outflow threshold when an outflow has no dollar estimate, or an author when none is recorded", () => {
    const unknown = { ...facts, money: [outflow(100), outflow(null)], author: null };
    expect(testCondition({ kind: "treasury_outflow_above", usd: 1_000 }, unknown)).toBe("unknown");
    // Already above on the known part: no need to know the rest.
    expect(testCondition({ kind: "treasury_outflow_above", usd: 50 }, unknown)).toBe("yes");
    expect(testCondition({ kind: "author", in: ["0x1"] }, unknown)).toBe("unknown");
    expect(testCondition({ kind: "treasury_outflow_above", usd: 0 }, { ...facts, money: [] })).toBe("no");
  });

  it("marks the decisive rule by the stated order and keeps the others as overridden", () => {
    const rules: HardRule[] = [
      { id: "a", when: [{ kind: "category", in: ["grant"] }], action: { kind: "vote", choice: { intent: "for" } } },
      { id: "b", when: [{ kind: "category", in: ["election"] }], action: { kind: "never" } },
      {
        id: "c",
        when: [
          { kind: "author", in: ["0x1"] },
          { kind: "category", in: ["grant"] },
        ],
        action: { kind: "ask" },
      },
      { id: "d", when: [], action: { kind: "abstain" } },
    ];
    expect(evaluateRules(rules, facts).map((f) => [f.ruleId, f.status, f.effect])).toEqual([
      ["a", "fired", "overridden"],
      ["d", "fired", "applied"],
    ]);
    const noAuthor = { ...facts, author: null };
    expect(evaluateRules(rules, noAuthor).map((f) => [f.ruleId, f.status, f.effect])).toEqual([
      ["a", "fired", "overridden"],
      ["c", "may_apply", "applied"],
      ["d", "fired", "overridden"],
    ]);
  });

  it("refuses duplicate rule ids and unknown condition kinds", () => {
    const rule = { id: "r1", when: [], action: { kind: "ask" } };
    expect(profileRulesSchema.safeParse({ rules: [rule, rule], whenUnsure: "ask" }).success).toBe(false);
    expect(
      profileRulesSchema.safeParse({
        rules: [{ id: "r1", when: [{ kind: "vibes", in: ["bad"] }], action: { kind: "ask" } }],
        whenUnsure: "ask",
      }).success,
    ).toBe(false);
  });

  it("reads back in plain words", () => {
    expect(
      describeRule({
        id: "r1",
        when: [
          { kind: "category", in: ["grant", "partnership"] },
          { kind: "treasury_outflow_above", usd: 1_500_000 },
        ],
        action: { kind: "vote", choice: { intent: "against" } },
      }),
    ).toBe(
      "When the proposal is a grant or a partnership and moves more than $1,500,000 out of the treasury, Tribune will vote Against.",
    );
    expect(describeRule({ id: "r2", when: [], action: { kind: "ask" } })).toBe(
      "On every proposal, Tribune will ask you instead of voting.",
    );
  });
});
