import { describe, expect, it } from "vitest";
import { choiceShares, describeChoice } from "../../src/web/choiceShares.js";
import { breakdownByChoice, breakdownForSpace } from "../../src/web/votingBreakdown.js";

describe("choice shares", () => {
  it("splits a member's power as each voting type counts it", () => {
    expect([...choiceShares(2, "single-choice")]).toEqual([[2, 1]]);
    expect([...choiceShares([1, 3], "approval")]).toEqual([
      [1, 0.5],
      [3, 0.5],
    ]);
    expect([...choiceShares([3, 1, 2], "ranked-choice")]).toEqual([[3, 1]]);
    expect([...choiceShares({ "1": 3, "2": 1 }, "weighted")]).toEqual([
      [1, 0.75],
      [2, 0.25],
    ]);
    expect(choiceShares(null, "basic").size).toBe(0);
    expect(choiceShares("1", "basic").size).toBe(0);
  });

  it("describes choices in words", () => {
    const choices = ["For", "Against", "Abstain"];
    expect(describeChoice(1, "basic", choices)).toBe("For");
    expect(describeChoice([2, 1], "ranked-choice", choices)).toBe("Against > For");
    expect(describeChoice({ "1": 1, "2": 3 }, "weighted", choices)).toBe("For 25% · Against 75%");
  });

  it("sums decisions by choice, keeping asks apart", () => {
    const groups = [
      { proposalId: "p", outcome: "vote", choice: 1, members: 2, power: 300 },
      { proposalId: "p", outcome: "vote", choice: { "1": 1, "2": 1 }, members: 1, power: 100 },
      { proposalId: "p", outcome: "abstain", choice: 3, members: 1, power: 10 },
      { proposalId: "p", outcome: "ask", choice: null, members: 4, power: 40 },
    ];
    expect(breakdownByChoice(groups, ["For", "Against", "Abstain"], "weighted")).toEqual({
      segments: ["For", "Against", "Abstain", "Ask the member"],
      members: [2.5, 0.5, 1, 4],
      power: [350, 50, 10, 40],
    });
    const space = breakdownForSpace(groups, ["For", "Against", "Abstain"], "weighted");
    expect(space.power).toEqual([350, 50, 0, 0, 10, 40]);
  });
});
