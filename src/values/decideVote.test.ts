import { describe, expect, it } from "vitest";
import { CHOICES, digest, impact, OPTIONS, outflow, profile, proposal } from "../../test/values/digestFixtures.js";
import { isValidForSnapshot } from "../../test/values/snapshotValidity.js";
import { decideVote } from "./decideVote.js";
import type { HardRule } from "./hardRules.js";
import { DEFAULT_TAXONOMY } from "./taxonomy.js";
import { votingTypes } from "./votingTypes.js";

const security = { security_risk: 5 };

/** Choice 1 strongly good for security, choice 2 mildly good, the rest bad; all quoted. */
const graded = digest({
  impacts: [impact(1, "security_risk", 2), impact(2, "security_risk", 1), impact(3, "security_risk", -1)],
});

describe("decision engine: one table row per voting type", () => {
  it.each([
    ["single-choice", ["Yes", "No", "Abstain"], 1],
    ["basic", ["For", "Against", "Abstain"], 1],
    ["approval", ["Alice", "Bob", "Carol", "Dave"], [1, 2]],
    ["ranked-choice", ["A", "B", "C", "Abstain"], [1, 2, 3, 4]],
    ["copeland", ["A", "B", "C", "D"], [1, 2, 4, 3]],
    ["weighted", ["A", "B", "C", "Abstain"], { "1": 67, "2": 33 }],
    ["quadratic", ["A", "B", "C"], { "1": 67, "2": 33 }],
  ] as const)("%s → %j", (type, choices, expected) => {
    const decision = decideVote(proposal(type, [...choices]), graded, profile(security), OPTIONS);
    expect(decision).toMatchObject({ outcome: "vote", decidedBy: "weights", reasons: [], choice: expected });
    expect(isValidForSnapshot(type, decision.choice as never, choices)).toBe(true);
  });

  it("basic picks Against when the proposal hurts what the member weighs", () => {
    const d = digest({ impacts: [impact(1, "treasury_prudence", -2), impact(2, "treasury_prudence", 1)] });
    const decision = decideVote(proposal("basic", CHOICES.basic), d, profile({ treasury_prudence: 4 }), OPTIONS);
    expect(decision.choice).toBe(2);
    expect(decision.utilities).toEqual([-8, 4, 0]);
    expect(decision.contributions).toEqual({ treasury_prudence: [-8, 4, 0] });
  });

  it("keeps contributions per weighted dimension that add up to the utilities, and the versions it used", () => {
    const d = digest({
      impacts: [
        impact(1, "security_risk", 1),
        impact(1, "growth_adoption", 2),
        impact(2, "growth_adoption", -1, false),
      ],
    });
    const decision = decideVote(
      proposal("single-choice", ["Yes", "No"]),
      d,
      profile({ security_risk: 3, growth_adoption: 2 }),
      { ...OPTIONS, taxonomyVersion: 4 },
    );
    // The unquoted impact counts half: 2 × −1 × 0.5.
    expect(decision.contributions).toEqual({ growth_adoption: [4, -1], security_risk: [3, 0] });
    expect(decision.utilities).toEqual([7, -1]);
    expect(decision.versions).toEqual({
      digestId: "digest-1",
      profileId: "profile-1",
      profileVersion: 1,
      taxonomyVersion: 4,
      digestTaxonomyVersion: 1,
      profileTaxonomyVersion: 1,
    });
  });

  it("ignores impacts on dimensions the taxonomy no longer has, and weights for them", () => {
    const taxonomy = DEFAULT_TAXONOMY.filter((d) => d.id !== "growth_adoption");
    const d = digest({ impacts: [impact(1, "growth_adoption", 2), impact(2, "security_risk", 1)] });
    const decision = decideVote(
      proposal("single-choice", ["Yes", "No"]),
      d,
      profile({ growth_adoption: 5, security_risk: 1 }),
      {
        taxonomy,
        taxonomyVersion: 2,
      },
    );
    expect(decision.choice).toBe(2);
    expect(Object.keys(decision.contributions)).toEqual(["security_risk"]);
  });
});

describe("decision engine: ties and doubts", () => {
  const tie = digest({ impacts: [impact(1, "security_risk", 1), impact(2, "security_risk", 1)] });

  it("asks on an exact tie, and breaks it toward the lower choice only when no margin is required", () => {
    const asked = decideVote(proposal("single-choice", ["Yes", "No"]), tie, profile(security), OPTIONS);
    expect(asked).toMatchObject({ outcome: "ask", choice: null, reasons: ["small_margin"], margin: 0 });
    const forced = decideVote(proposal("single-choice", ["Yes", "No"]), tie, profile(security), {
      ...OPTIONS,
      thresholds: { minMargin: 0 },
    });
    expect(forced).toMatchObject({ outcome: "vote", choice: 1 });
    const ranked = decideVote(proposal("ranked-choice", ["A", "B", "C"]), tie, profile(security), {
      ...OPTIONS,
      thresholds: { minMargin: 0 },
    });
    expect(ranked.choice).toEqual([1, 2, 3]);
  });

  it("splits a weighted tie evenly, since a split can express it", () => {
    const decision = decideVote(proposal("weighted", ["A", "B", "C"]), tie, profile(security), OPTIONS);
    expect(decision).toMatchObject({ outcome: "vote", choice: { "1": 50, "2": 50 } });
  });

  it("abstains when unsure only if the member chose that and the ballot offers it", () => {
    const withAbstain = ["Yes", "No", "Abstain"];
    const abstaining = profile(security, [], "abstain");
    expect(decideVote(proposal("single-choice", withAbstain), tie, abstaining, OPTIONS)).toMatchObject({
      outcome: "abstain",
      choice: 3,
      decidedBy: "caution",
    });
    // Approval needs no winner: both tied choices clear the bar, so both are approved.
    expect(decideVote(proposal("approval", withAbstain), tie, abstaining, OPTIONS)).toMatchObject({
      outcome: "vote",
      choice: [1, 2],
    });
    expect(decideVote(proposal("weighted", withAbstain), tie, abstaining, OPTIONS)).toMatchObject({
      outcome: "vote",
      choice: { "1": 50, "2": 50 },
    });
    // No abstain choice: ask instead.
    expect(decideVote(proposal("single-choice", ["Yes", "No"]), tie, abstaining, OPTIONS).outcome).toBe("ask");
    // A ranking must place every choice, so it has no clean abstention.
    expect(decideVote(proposal("ranked-choice", withAbstain), tie, abstaining, OPTIONS).outcome).toBe("ask");
  });

  it("gives abstentions in every format Snapshot accepts", () => {
    const abstaining = profile(security, [], "abstain");
    for (const [type, choices, expected] of [
      ["single-choice", ["Yes", "No", "Abstain"], 3],
      ["basic", ["For", "Against", "Abstain"], 3],
      ["approval", ["Alice", "Abstain"], [2]],
      ["weighted", ["A", "Abstain", "B"], { "2": 100 }],
      ["quadratic", ["YES", "NO", "ABSTAIN"], { "3": 100 }],
    ] as const) {
      const decision = decideVote(proposal(type, [...choices]), digest({ impacts: [] }), abstaining, OPTIONS);
      expect(decision, type).toMatchObject({ outcome: "abstain", choice: expected, reasons: ["no_information"] });
      expect(isValidForSnapshot(type, decision.choice as never, choices)).toBe(true);
    }
  });

  it.each([
    ["low confidence", digest({ impacts: graded.content.impacts }, { confidence: 0.3 }), "low_confidence"],
    ["no information", digest({ impacts: [impact(1, "growth_adoption", 2)] }), "no_information"],
    [
      "missing evidence",
      digest({ impacts: [impact(1, "security_risk", 2, false), impact(2, "security_risk", -2, false)] }),
      "missing_evidence",
    ],
  ])("asks on %s", (_, d, reason) => {
    const decision = decideVote(proposal("single-choice", ["Yes", "No"]), d, profile(security), OPTIONS);
    expect(decision.outcome).toBe("ask");
    expect(decision.reasons).toContain(reason);
  });

  it("asks when the member weighs nothing", () => {
    const decision = decideVote(proposal("basic", CHOICES.basic), graded, profile({}), OPTIONS);
    expect(decision).toMatchObject({ outcome: "ask", reasons: ["no_weights"] });
  });

  it("asks on approval when nothing clears the bar, and on a split when nothing is positive", () => {
    const bad = digest({ impacts: [impact(1, "security_risk", -1), impact(2, "security_risk", -2)] });
    expect(decideVote(proposal("approval", ["A", "B"]), bad, profile(security), OPTIONS).reasons).toEqual([
      "nothing_above_bar",
    ]);
    expect(decideVote(proposal("quadratic", ["A", "B"]), bad, profile(security), OPTIONS).reasons).toEqual([
      "nothing_positive",
    ]);
  });

  it.each(["flagged", "unreliable"] as const)("never votes automatically on a %s digest", (flag) => {
    const d = digest({ impacts: graded.content.impacts }, { [flag]: true });
    const forRule: HardRule = { id: "r1", when: [], action: { kind: "vote", choice: { intent: "for" } } };
    for (const rules of [[], [forRule]]) {
      const decision = decideVote(proposal("basic", CHOICES.basic), d, profile(security, rules, "abstain"), OPTIONS);
      expect(decision).toMatchObject({ outcome: "ask", choice: null });
      expect(decision.reasons).toContain(flag === "flagged" ? "digest_flagged" : "digest_unreliable");
    }
  });
});

describe("decision engine: hard rules", () => {
  const grant = digest({ impacts: graded.content.impacts, category: "grant", money: [outflow(2_000_000)] });
  const basic = proposal("basic", CHOICES.basic, "0xAbC0000000000000000000000000000000000001");
  const rule = (id: string, action: HardRule["action"], when: HardRule["when"] = []): HardRule => ({
    id,
    when,
    action,
  });

  it("votes the named choice, beating the weights", () => {
    const against = rule("r1", { kind: "vote", choice: { intent: "against" } }, [{ kind: "category", in: ["grant"] }]);
    const decision = decideVote(basic, grant, profile(security, [against]), OPTIONS);
    expect(decision).toMatchObject({ outcome: "vote", choice: 2, decidedBy: "rule" });
    expect(decision.rulesFired).toEqual([
      { ruleId: "r1", index: 0, action: against.action, status: "fired", effect: "applied" },
    ]);
  });

  it("puts a rule's choice first in a ranking and gives it the whole split", () => {
    const byLabel = rule("r1", { kind: "vote", choice: { label: "option c" } });
    const ranked = decideVote(
      proposal("ranked-choice", ["Option A", "Option B", "Option C"]),
      grant,
      profile(security, [byLabel]),
      OPTIONS,
    );
    expect(ranked.choice).toEqual([3, 1, 2]);
    const split = decideVote(
      proposal("weighted", ["Option A", "Option B", "Option C"]),
      grant,
      profile(security, [byLabel]),
      OPTIONS,
    );
    expect(split.choice).toEqual({ "3": 100 });
  });

  it("asks when the rule's choice is not on the ballot", () => {
    const forRule = rule("r1", { kind: "vote", choice: { intent: "for" } });
    const decision = decideVote(
      proposal("single-choice", ["Alice", "Bob"]),
      grant,
      profile(security, [forRule]),
      OPTIONS,
    );
    expect(decision).toMatchObject({ outcome: "ask", reasons: ["rule_choice_unavailable"], decidedBy: "rule" });
  });

  it("abstains by rule where it can, and asks where it cannot", () => {
    const abstain = rule("r1", { kind: "abstain" }, [{ kind: "voting_type", in: ["basic", "single-choice"] }]);
    expect(decideVote(basic, grant, profile(security, [abstain]), OPTIONS)).toMatchObject({
      outcome: "abstain",
      choice: 3,
      decidedBy: "rule",
    });
    expect(
      decideVote(proposal("single-choice", ["Yes", "No"]), grant, profile(security, [abstain]), OPTIONS),
    ).toMatchObject({ outcome: "ask", reasons: ["abstain_unavailable"] });
  });

  it("asks, or stays silent, when told to", () => {
    const ask = rule("r1", { kind: "ask" }, [{ kind: "treasury_outflow_above", usd: 1_000_000 }]);
    expect(decideVote(basic, grant, profile(security, [ask]), OPTIONS)).toMatchObject({
      outcome: "ask",
      reasons: ["rule_asks"],
    });
    const never = rule("r1", { kind: "never" }, [
      { kind: "author", in: ["0xabc0000000000000000000000000000000000001"] },
    ]);
    expect(decideVote(basic, grant, profile(security, [never]), OPTIONS)).toMatchObject({
      outcome: "never",
      choice: null,
      reasons: [],
    });
    // "never" holds even on a flagged digest: the member votes on these themselves.
    const flagged = digest(grant.content, { flagged: true });
    expect(decideVote(basic, flagged, profile(security, [never]), OPTIONS).outcome).toBe("never");
  });

  it("asks when a rule may apply but the digest gives no dollar estimate", () => {
    const unknown = digest({ ...grant.content, money: [outflow(null)] });
    const against = rule("r1", { kind: "vote", choice: { intent: "against" } }, [
      { kind: "treasury_outflow_above", usd: 1_000_000 },
    ]);
    const decision = decideVote(basic, unknown, profile(security, [against]), OPTIONS);
    expect(decision).toMatchObject({ outcome: "ask", reasons: ["rule_may_apply"] });
    expect(decision.rulesFired[0]).toMatchObject({ status: "may_apply", effect: "applied" });
  });

  it("resolves conflicts never > ask > abstain > vote, then by the member's order", () => {
    const voteFor = rule("r1", { kind: "vote", choice: { intent: "for" } });
    const voteAgainst = rule("r2", { kind: "vote", choice: { intent: "against" } });
    const abstain = rule("r3", { kind: "abstain" });
    const ask = rule("r4", { kind: "ask" });
    const never = rule("r5", { kind: "never" });
    const outcome = (rules: HardRule[]) => decideVote(basic, grant, profile(security, rules), OPTIONS);
    expect(outcome([voteFor, voteAgainst]).choice).toBe(1);
    expect(outcome([voteAgainst, voteFor]).choice).toBe(2);
    expect(outcome([voteFor, abstain]).outcome).toBe("abstain");
    expect(outcome([abstain, ask, voteFor]).outcome).toBe("ask");
    const all = outcome([voteFor, voteAgainst, abstain, ask, never]);
    expect(all.outcome).toBe("never");
    expect(all.rulesFired.map((r) => [r.ruleId, r.effect])).toEqual([
      ["r1", "overridden"],
      ["r2", "overridden"],
      ["r3", "overridden"],
      ["r4", "overridden"],
      ["r5", "applied"],
    ]);
  });

  it("does not fire a rule whose condition fails", () => {
    const elections = rule("r1", { kind: "never" }, [{ kind: "category", in: ["election"] }]);
    const decision = decideVote(basic, grant, profile(security, [elections]), OPTIONS);
    expect(decision).toMatchObject({ outcome: "vote", rulesFired: [], decidedBy: "weights" });
  });
});

it("produces a valid ballot for every voting type on the real proposal shapes", () => {
  for (const type of votingTypes) {
    const decision = decideVote(proposal(type, CHOICES[type]), graded, profile(security), OPTIONS);
    if (decision.choice !== null) expect(isValidForSnapshot(type, decision.choice, CHOICES[type]), type).toBe(true);
  }
});
