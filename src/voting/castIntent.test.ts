import { describe, expect, it } from "vitest";
import { type CastIntentInput, castIntent } from "./castIntent.js";

const base: CastIntentInput = {
  decision: { outcome: "vote", choice: 1 },
  word: null,
  votingType: "basic",
  choices: ["For", "Against", "Abstain"],
  privacy: null,
  votedThemselves: false,
};

describe("castIntent", () => {
  it("casts the decision's choice, abstain included when the ballot has one", () => {
    expect(castIntent(base)).toEqual({ kind: "cast", choice: 1, source: "decision" });
    expect(castIntent({ ...base, decision: { outcome: "abstain", choice: 3 } })).toMatchObject({ choice: 3 });
    expect(castIntent({ ...base, decision: { outcome: "abstain", choice: null } })).toEqual({
      kind: "skip",
      reason: "abstain_unavailable",
    });
  });

  it("skips ask and never", () => {
    expect(castIntent({ ...base, decision: { outcome: "ask", choice: null } })).toEqual({
      kind: "skip",
      reason: "asked",
    });
    expect(castIntent({ ...base, decision: { outcome: "never", choice: null } })).toEqual({
      kind: "skip",
      reason: "never",
    });
  });

  it("lets the member's word win: a choice, an abstain, a veto; auto hands back to the decision", () => {
    expect(castIntent({ ...base, word: { kind: "choice", choice: 2, label: "Against" } })).toEqual({
      kind: "cast",
      choice: 2,
      source: "override",
    });
    expect(castIntent({ ...base, word: { kind: "abstain" } })).toMatchObject({ choice: 3, source: "override" });
    expect(castIntent({ ...base, word: { kind: "veto" } })).toEqual({ kind: "skip", reason: "vetoed" });
    expect(castIntent({ ...base, word: { kind: "auto" } })).toMatchObject({ choice: 1, source: "decision" });
    // A word without a decision still counts.
    expect(
      castIntent({ ...base, decision: null, word: { kind: "choice", choice: 2, label: "Against" } }),
    ).toMatchObject({ kind: "cast", choice: 2 });
  });

  it("never votes for a member who voted themselves, nor on a shielded proposal, whatever was decided", () => {
    expect(castIntent({ ...base, votedThemselves: true })).toEqual({ kind: "skip", reason: "own_vote" });
    expect(
      castIntent({ ...base, votedThemselves: true, word: { kind: "choice", choice: 2, label: "Against" } }),
    ).toEqual({ kind: "skip", reason: "own_vote" });
    expect(castIntent({ ...base, privacy: "shutter" })).toEqual({ kind: "skip", reason: "shielded" });
  });

  it("has nothing to do without a decision or a word", () => {
    expect(castIntent({ ...base, decision: null })).toEqual({ kind: "none" });
    expect(castIntent({ ...base, decision: null, word: { kind: "auto" } })).toEqual({ kind: "none" });
  });
});
