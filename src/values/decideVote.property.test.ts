import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  DIMENSIONS,
  digestArb,
  OPTIONS,
  profile,
  proposalArb,
  rulesArb,
  weightsArb,
} from "../../test/values/digestFixtures.js";
import { isValidForSnapshot } from "../../test/values/snapshotValidity.js";
import { type Decision, decideMany, decideVote } from "./decideVote.js";
import { LINE_MAX_CHARS, REASON_MAX_CHARS } from "./explainDecision.js";
import type { HardRule } from "./hardRules.js";
import { prepareProposal } from "./preparedProposal.js";
import { isRankingType, isSplitType } from "./votingTypes.js";

/** A proposal with a digest over its choices and one member's weights and rules. */
const caseArb = proposalArb.chain((p) =>
  fc.record({
    proposal: fc.constant(p),
    digest: digestArb(p.choices.length),
    weights: weightsArb,
    rules: rulesArb,
    whenUnsure: fc.constantFrom("ask" as const, "abstain" as const),
  }),
);

/** The same, on digests the engine may act on (unflagged, reliable, confident): most cases end in a vote. */
const trustedCaseArb = proposalArb.chain((p) =>
  fc.record({
    proposal: fc.constant(p),
    digest: digestArb(p.choices.length, { flagged: false, unreliable: false, confidence: 0.9 }),
    weights: weightsArb,
    rules: fc.oneof(fc.constant<HardRule[]>([]), rulesArb),
    whenUnsure: fc.constantFrom("ask" as const, "abstain" as const),
    minMargin: fc.constantFrom(0, 0.1),
  }),
);

describe("decision engine properties", () => {
  it("is deterministic: the same inputs give the same decision, byte for byte", () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const member = profile(c.weights, c.rules, c.whenUnsure);
        const first = decideVote(c.proposal, c.digest, member, OPTIONS);
        const again = decideVote(
          structuredClone(c.proposal),
          structuredClone(c.digest),
          structuredClone(member),
          OPTIONS,
        );
        expect(JSON.stringify(again)).toBe(JSON.stringify(first));
      }),
      { numRuns: 300 },
    );
  });

  it("gives every member the same decision whatever order the members come in", () => {
    const membersArb = fc.array(fc.tuple(weightsArb, rulesArb), { minLength: 2, maxLength: 12 });
    fc.assert(
      fc.property(
        proposalArb.chain((p) => fc.tuple(fc.constant(p), digestArb(p.choices.length), membersArb)),
        fc.infiniteStream(fc.nat()),
        ([p, d, members], randoms) => {
          const profiles = members.map(([w, r], i) => ({ ...profile(w, r), id: `profile-${i}` }));
          const shuffled = [...profiles].sort(() => (randoms.next().value % 3) - 1);
          const inOrder = new Map(decideMany(p, d, profiles, OPTIONS).map((x) => [x.versions.profileId, x]));
          const outOfOrder = decideMany(p, d, shuffled, OPTIONS);
          for (const decision of outOfOrder) expect(decision).toEqual(inOrder.get(decision.versions.profileId));
        },
      ),
      { numRuns: 150 },
    );
  });

  it("never moves a vote from A to B when the weight of a dimension on which A beats B is raised", () => {
    fc.assert(
      fc.property(
        trustedCaseArb,
        fc.constantFrom(...DIMENSIONS),
        fc.integer({ min: 1, max: 5 }),
        (c, dimension, raise) => {
          const options = { ...OPTIONS, thresholds: { minMargin: c.minMargin } };
          const before = decideVote(c.proposal, c.digest, profile(c.weights, c.rules, c.whenUnsure), options);
          const raised = { ...c.weights, [dimension]: Math.min(5, (c.weights[dimension] ?? 0) + raise) };
          const after = decideVote(c.proposal, c.digest, profile(raised, c.rules, c.whenUnsure), options);
          fc.pre(before.outcome === "vote" && after.outcome === "vote");
          const p = prepareProposal(c.proposal, c.digest, options);
          const d = DIMENSIONS.indexOf(dimension);
          const at = (choice: number) => (p.impact[d]?.[choice - 1] ?? 0) * (p.factor[d]?.[choice - 1] ?? 0);
          for (const a of p.candidates) {
            for (const b of p.candidates) {
              if (at(a) > at(b)) expect(movedFromTo(before, after, a, b), `${a} over ${b}`).toBe(false);
            }
          }
        },
      ),
      { numRuns: 500, maxSkipsPerRun: 20 },
    );
  });

  it("produces only choices Snapshot's own validators accept, splits that sum exactly, full rankings", () => {
    fc.assert(
      fc.property(fc.oneof(caseArb, trustedCaseArb), (c) => {
        const decision = decideVote(c.proposal, c.digest, profile(c.weights, c.rules, c.whenUnsure), OPTIONS);
        if (decision.choice === null) {
          expect(["ask", "never"]).toContain(decision.outcome);
          return;
        }
        expect(isValidForSnapshot(c.proposal.votingType, decision.choice, c.proposal.choices)).toBe(true);
        if (isSplitType(c.proposal.votingType)) {
          const units = Object.values(decision.choice as Record<string, number>);
          expect(units.reduce((a, b) => a + b, 0)).toBe(100);
          expect(units.every((u) => Number.isInteger(u) && u > 0)).toBe(true);
        }
        if (isRankingType(c.proposal.votingType)) expect(decision.choice).toHaveLength(c.proposal.choices.length);
      }),
      { numRuns: 1_000 },
    );
  });

  it("never votes automatically on a flagged or unreliable digest, whatever the rules", () => {
    const untrusted = fc.constantFrom({ flagged: true }, { unreliable: true }, { flagged: true, unreliable: true });
    fc.assert(
      fc.property(
        proposalArb.chain((p) =>
          fc.tuple(
            fc.constant(p),
            untrusted.chain((flags) => digestArb(p.choices.length, flags)),
          ),
        ),
        weightsArb,
        rulesArb,
        fc.constantFrom("ask" as const, "abstain" as const),
        ([p, d], weights, rules, whenUnsure) => {
          const decision = decideVote(p, d, profile(weights, rules, whenUnsure), OPTIONS);
          expect(["ask", "never"]).toContain(decision.outcome);
          expect(decision.choice).toBeNull();
        },
      ),
      { numRuns: 500 },
    );
  });

  it("keeps every explanation within its length, for public and private profiles", () => {
    fc.assert(
      fc.property(caseArb, fc.constantFrom("public" as const, "private" as const), (c, privacy) => {
        const { explanation } = decideVote(
          c.proposal,
          c.digest,
          profile(c.weights, c.rules, c.whenUnsure, privacy),
          OPTIONS,
        );
        expect(explanation.reason.length).toBeLessThanOrEqual(REASON_MAX_CHARS);
        expect(explanation.line.length).toBeLessThanOrEqual(LINE_MAX_CHARS);
        expect(explanation.line.length).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });
});

/** Whether the ballot moved from preferring `a` over `b` to preferring `b` over `a`. */
function movedFromTo(before: Decision, after: Decision, a: number, b: number): boolean {
  const type = before.votingType;
  if (type === "single-choice" || type === "basic") return before.choice === a && after.choice === b;
  if (isRankingType(type)) {
    const rank = (d: Decision, c: number) => (d.choice as number[]).indexOf(c);
    return rank(before, a) < rank(before, b) && rank(after, b) < rank(after, a);
  }
  if (type === "approval") {
    const has = (d: Decision, c: number) => (d.choice as number[]).includes(c);
    return has(before, a) && !has(before, b) && has(after, b) && !has(after, a);
  }
  const share = (d: Decision, c: number) => (d.choice as Record<string, number>)[String(c)] ?? 0;
  return share(before, a) > share(before, b) && share(after, b) > share(after, a);
}
