import { describe, expect, it } from "vitest";
import { describeProfile } from "./describeProfile.js";
import { DEFAULT_TAXONOMY } from "./taxonomy.js";

describe("a profile shown back in plain words", () => {
  it("lists every weight, the rules in order with the conflict order, what happens when unsure, and privacy", () => {
    const text = describeProfile(
      {
        weights: { security_risk: 5, decentralization: 2, retired_value: 3 },
        rules: {
          rules: [
            { id: "r1", when: [{ kind: "category", in: ["election"] }], action: { kind: "never" } },
            { id: "r2", when: [{ kind: "treasury_outflow_above", usd: 250_000 }], action: { kind: "ask" } },
          ],
          whenUnsure: "abstain",
        },
        privacy: "private",
        because: { security_risk: ["security above all"] },
        notes: ['I could not make a rule of "vote against anything odd".'],
      },
      DEFAULT_TAXONOMY,
    );
    expect(text.split("\n")).toEqual([
      "What you care about, most first (0–5):",
      '  Security and risk: 5 (above all) — you wrote "security above all"',
      "  Decentralization: 2 (somewhat)",
      "Not counted (0): Treasury prudence, Growth and adoption, Public goods and community, Tokenholder value, Transparency and accountability, Operational pragmatism.",
      "Ignored, no longer in this space's values: retired_value.",
      "Your rules (they beat the weights; if several apply, the order is never > ask > abstain > vote, then your order):",
      "  1. When the proposal is an election, Tribune will never vote for you (you vote on these yourself).",
      "  2. When the proposal moves more than $250,000 out of the treasury, Tribune will ask you instead of voting.",
      "When Tribune cannot tell how you would vote: it abstains where the ballot offers Abstain, and asks you otherwise.",
      "A proposal whose digest is flagged or unreliable never gets an automatic vote: you are asked.",
      "Your explanations are shown to you only; the thread and the vote's reason do not reveal your values.",
      'Note: I could not make a rule of "vote against anything odd".',
    ]);
  });

  it("says plainly when only rules will act", () => {
    const text = describeProfile(
      { weights: {}, rules: { rules: [], whenUnsure: "ask" }, privacy: "public" },
      DEFAULT_TAXONOMY,
    );
    expect(text).toContain("(no value has any weight: only your rules will act)");
    expect(text).toContain("Your explanations are public in the proposal threads.");
  });
});
