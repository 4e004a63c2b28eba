import { describe, expect, it } from "vitest";
import { abstainChoices, findIntentChoice, isAbstainLabel, normalizeLabel } from "./choiceLabels.js";

describe("reading choice labels", () => {
  it.each([
    ["Abstain", true],
    ["ABSTAIN", true],
    ["Abstain / no opinion", true],
    ["No opinion", true],
    ["No", false],
    ["Nope, abstaining is for cowards", false],
  ])("%s is an abstention: %s", (label, expected) => {
    expect(isAbstainLabel(label)).toBe(expected);
  });

  it("finds the For and Against choices whatever their words", () => {
    expect(findIntentChoice(["For", "Against", "Abstain"], "for")).toEqual({ ok: true, choice: 1 });
    expect(findIntentChoice(["Yes, fund it", "No, keep the funds"], "against")).toEqual({ ok: true, choice: 2 });
    expect(findIntentChoice(["Nay", "Yae"], "for")).toEqual({ ok: true, choice: 2 });
    expect(findIntentChoice(["No opinion", "Reject"], "against")).toEqual({ ok: true, choice: 2 });
    expect(findIntentChoice(["Alice", "Bob"], "for")).toEqual({ ok: false, why: "none" });
    expect(findIntentChoice(["Yes", "Yes, but later"], "for")).toEqual({ ok: false, why: "several" });
  });

  it("compares labels ignoring case, accents and punctuation", () => {
    expect(normalizeLabel("Option B")).toBe(normalizeLabel("option  b"));
    expect(normalizeLabel("Réduire!")).toBe("reduire");
    expect(abstainChoices(["Yes", "Abstain", "No", "abstain."])).toEqual([2, 4]);
  });
});
