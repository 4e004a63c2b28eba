import { describe, expect, it } from "vitest";
import { digest, impact, OPTIONS, profile, proposal } from "../../test/values/digestFixtures.js";
import { decideVote } from "./decideVote.js";
import { REASON_MAX_CHARS } from "./explainDecision.js";
import { clip } from "./plainText.js";

const d = digest({
  impacts: [
    {
      ...impact(1, "treasury_prudence", -2),
      evidence: { quote: "transfer 2,000,000 USDC to the council", source: { kind: "proposal" } },
    },
    impact(2, "treasury_prudence", 1, false),
    impact(1, "public_goods_community", 2),
  ],
});
const choices = ["Fund the council", "Do not fund", "Abstain"];

describe("explanations", () => {
  it("name the values that decided, with the evidence behind them, in the member's own weights", () => {
    const decision = decideVote(
      proposal("single-choice", choices),
      d,
      profile({ treasury_prudence: 5, public_goods_community: 1 }),
      OPTIONS,
    );
    expect(decision.choice).toBe(2);
    expect(decision.explanation.line).toBe(
      'Vote "Do not fund" mainly for treasury prudence, despite public goods and community.',
    );
    expect(decision.explanation.paragraph).toContain(
      'Treasury prudence (your weight 5) favours "Do not fund" by +12.5.',
    );
    expect(decision.explanation.paragraph).toContain('Evidence: "transfer 2,000,000 USDC to the council".');
    expect(decision.explanation.paragraph).toContain('"Do not fund" +2.5, "Fund the council" -8');
    expect(decision.explanation.reason).toBe(
      `Tribune, for a delegating member, from their stated values: ${decision.explanation.line}`,
    );
    expect(decision.explanation.threadLine).toBe(decision.explanation.line);
  });

  it("reveal no values in public places when the profile is private", () => {
    const decision = decideVote(
      proposal("single-choice", choices),
      d,
      profile({ treasury_prudence: 5 }, [], "ask", "private"),
      OPTIONS,
    );
    for (const text of [decision.explanation.threadLine, decision.explanation.reason]) {
      expect(text).not.toMatch(/treasury|prudence|weight/i);
    }
    expect(decision.explanation.line).toContain("treasury prudence");
  });

  it("say why Tribune asks, and which rule decided", () => {
    const flagged = decideVote(
      proposal("single-choice", choices),
      digest(d.content, { flagged: true }),
      profile({ treasury_prudence: 5 }),
      OPTIONS,
    );
    expect(flagged.explanation.line).toBe(
      "Asking you: the proposal's digest was flagged for instruction-like text, so no automatic vote is made.",
    );
    const byRule = decideVote(
      proposal("single-choice", choices),
      d,
      profile({ treasury_prudence: 5 }, [
        { id: "r1", when: [{ kind: "category", in: ["grant"] }], action: { kind: "abstain" } },
      ]),
      OPTIONS,
    );
    expect(byRule.explanation.line).toBe("Abstain: your rule says so.");
    expect(byRule.explanation.paragraph).toContain("Rule r1: When the proposal is a grant, Tribune will abstain.");
  });

  it("stay within the on-record limit however long the choice labels are", () => {
    const long = Array.from({ length: 5 }, (_, i) => `${"A very long choice label ".repeat(8)}${i}`);
    const decision = decideVote(
      proposal("approval", long),
      digest({ impacts: long.map((_, i) => impact(i + 1, "treasury_prudence", 2)) }),
      profile({ treasury_prudence: 5 }),
      OPTIONS,
    );
    expect(decision.explanation.reason.length).toBeLessThanOrEqual(REASON_MAX_CHARS);
    expect(clip("one two three four", 12)).toBe("one two…");
  });
});
