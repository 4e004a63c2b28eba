import { normalizeLabel } from "./choiceLabels.js";
import { type Explanation, explainDecision } from "./explainDecision.js";
import { evaluateRules, type RuleChoice, type RuleFiring } from "./hardRules.js";
import { type CautionReason, encodeRuleChoice, planFromUtilities, type UtilityPlan } from "./mapUtilities.js";
import {
  type DecideOptions,
  type EngineDigest,
  type EngineProposal,
  type PreparedProposal,
  prepareProposal,
} from "./preparedProposal.js";
import type { EngineProfile } from "./valueProfile.js";
import type { SnapshotChoice, VotingType } from "./votingTypes.js";

// THE decision engine: a member's vote on one proposal, computed from the digest and the member's profile alone.
// Pure and deterministic: no I/O, no clock, no randomness, no LLM. Same inputs, same decision, byte for byte.

export type DecisionOutcome = "vote" | "abstain" | "ask" | "never";

/** Bumped whenever a change to the engine could change a decision; stored with every decision. */
export const ENGINE_VERSION = "engine-1";

export interface DecisionVersions {
  digestId: string | null;
  profileId: string | null;
  profileVersion: number;
  /** The space's taxonomy version the decision was computed with. */
  taxonomyVersion: number;
  /** The taxonomy version the digest's impacts were written against (older when the space's changed since). */
  digestTaxonomyVersion: number;
  profileTaxonomyVersion: number;
}

/** A member's decision on one proposal, with every number that produced it. */
export interface Decision {
  outcome: DecisionOutcome;
  /** In the voting type's Snapshot format, for "vote" and "abstain" (the abstain choice); null for "ask" and "never". */
  choice: SnapshotChoice | null;
  votingType: VotingType;
  /** Σ weight × impact × evidence factor, per choice (index 0 is choice 1). */
  utilities: number[];
  /** Per dimension id (weighted dimensions only), per choice: that dimension's part of the utility. */
  contributions: Record<string, number[]>;
  rulesFired: RuleFiring[];
  /** Why the engine did not simply vote on the weights; empty for such a vote. */
  reasons: CautionReason[];
  /** What settled the outcome: the member's weights, one of their rules, or caution (one of `reasons`). */
  decidedBy: "weights" | "rule" | "caution";
  /** The best choice's lead on normalised utility (−1…1 scale); what "small margin" is measured on. */
  margin: number;
  /** 0…1: the digest's confidence × the share of the deciding utility that rests on quoted evidence. */
  confidence: number;
  versions: DecisionVersions;
  explanation: Explanation;
}

/** The engine: one member, one proposal, one digest. */
export function decideVote(
  proposal: EngineProposal,
  digest: EngineDigest,
  profile: EngineProfile,
  options: DecideOptions,
): Decision {
  return decidePrepared(prepareProposal(proposal, digest, options), profile);
}

/** Every member at once: the digest is prepared once and shared. Decisions come back in the profiles' order. */
export function decideMany(
  proposal: EngineProposal,
  digest: EngineDigest,
  profiles: readonly EngineProfile[],
  options: DecideOptions,
): Decision[] {
  const prepared = prepareProposal(proposal, digest, options);
  return profiles.map((profile) => decidePrepared(prepared, profile));
}

/** The engine on a prepared proposal (see prepareProposal). Plain loops, no closures: it runs once per member. */
export function decidePrepared(p: PreparedProposal, profile: EngineProfile): Decision {
  const n = p.proposal.choices.length;
  const utilities = zeros(n);
  // Utilities on quoted impacts only: what the evidence checks compare.
  const evidenced = zeros(n);
  const contributions: Record<string, number[]> = {};
  // The same rows by dimension index: reading them back by id from objects of many shapes would be slow.
  const rows: (number[] | null)[] = new Array(p.taxonomy.length).fill(null);
  let totalWeight = 0;
  for (let d = 0; d < p.taxonomy.length; d++) {
    const id = (p.taxonomy[d] as { id: string }).id;
    const weight = profile.weights[id] ?? 0;
    if (weight === 0) continue;
    totalWeight += weight;
    const impacts = p.impact[d] as number[];
    const factors = p.factor[d] as number[];
    const row = zeros(n);
    for (let c = 0; c < n; c++) {
      const factor = factors[c] as number;
      if (factor === 0) continue;
      const quoted = weight * (impacts[c] as number);
      const value = quoted * factor;
      row[c] = value;
      utilities[c] = (utilities[c] as number) + value;
      if (factor === 1) evidenced[c] = (evidenced[c] as number) + quoted;
    }
    contributions[id] = row;
    rows[d] = row;
  }

  const plan = planFromUtilities(p, utilities, evidenced, totalWeight);
  const rulesFired = profile.rules.rules.length === 0 ? [] : evaluateRules(profile.rules.rules, p.facts);
  const settled = settle(p, profile, plan, rulesFired);
  const digestConfidence = p.digest.assessment.confidence;
  const confidence =
    settled.decidedBy === "rule" ? digestConfidence : digestConfidence * quotedShare(p, rows, plan.top);
  const decision: Decision = {
    outcome: settled.outcome,
    choice: settled.choice,
    votingType: p.proposal.votingType,
    utilities,
    contributions,
    rulesFired,
    reasons: settled.reasons,
    decidedBy: settled.decidedBy,
    margin: Math.round(plan.margin * 10_000) / 10_000,
    confidence: Math.round(confidence * 1000) / 1000,
    versions: {
      digestId: p.digest.id ?? null,
      profileId: profile.id ?? null,
      profileVersion: profile.version,
      taxonomyVersion: p.taxonomyVersion,
      digestTaxonomyVersion: p.digest.taxonomyVersion,
      profileTaxonomyVersion: profile.taxonomyVersion,
    },
    explanation: NO_EXPLANATION,
  };
  // Built last, from the finished numbers: an explanation can only say what the decision holds.
  decision.explanation = explainDecision(p, profile, decision, plan, rows);
  return decision;
}

const NO_EXPLANATION: Explanation = { line: "", threadLine: "", paragraph: "", reason: "" };

/** The share of the top choice's utility (by size) that rests on quoted impacts; 0 when there is no top choice. */
function quotedShare(p: PreparedProposal, rows: readonly (number[] | null)[], top: number | null): number {
  if (top === null) return 0;
  let all = 0;
  let quoted = 0;
  for (let d = 0; d < rows.length; d++) {
    const value = rows[d]?.[top - 1] ?? 0;
    all += Math.abs(value);
    if (p.factor[d]?.[top - 1] === 1) quoted += Math.abs(value);
  }
  return all === 0 ? 0 : quoted / all;
}

/**
 * n zeros in an array of exactly n slots: growing by push would reserve 17 per row, kept for every member. Literals
 * for the usual ballot sizes are the cheapest allocation there is.
 */
function zeros(n: number): number[] {
  switch (n) {
    case 2:
      return [0, 0];
    case 3:
      return [0, 0, 0];
    case 4:
      return [0, 0, 0, 0];
    case 5:
      return [0, 0, 0, 0, 0];
    default:
      return new Array<number>(n).fill(0);
  }
}

interface Settled {
  outcome: DecisionOutcome;
  choice: SnapshotChoice | null;
  reasons: CautionReason[];
  decidedBy: Decision["decidedBy"];
}

/** Rules first (they beat weights), then the digest's own warnings, then the plan's doubts, then the plan. */
function settle(p: PreparedProposal, profile: EngineProfile, plan: UtilityPlan, fired: RuleFiring[]): Settled {
  const untrusted: CautionReason[] = [];
  if (p.digest.assessment.flagged) untrusted.push("digest_flagged");
  if (p.digest.assessment.unreliable) untrusted.push("digest_unreliable");

  let applied: RuleFiring | undefined;
  for (const f of fired) if (f.effect === "applied") applied = f;
  if (applied) {
    if (applied.status === "may_apply") return ask(["rule_may_apply", ...untrusted], "rule");
    const action = applied.action;
    if (action.kind === "never") return { outcome: "never", choice: null, reasons: [], decidedBy: "rule" };
    if (action.kind === "ask") return ask(["rule_asks", ...untrusted], "rule");
    // A flagged or unreliable digest may have been steered into the very facts a rule tests: no automatic vote.
    if (untrusted.length > 0) return ask(untrusted, "caution");
    if (action.kind === "abstain") {
      if (p.abstainChoice === null) return ask(["abstain_unavailable"], "rule");
      return { outcome: "abstain", choice: abstainBallot(p), reasons: [], decidedBy: "rule" };
    }
    const target = ruleTarget(p, action.choice);
    if (target === undefined) return ask(["rule_choice_unavailable"], "rule");
    return { outcome: "vote", choice: encodeRuleChoice(p, plan, target), reasons: [], decidedBy: "rule" };
  }

  if (untrusted.length > 0) return ask(untrusted, "caution");
  const doubts: CautionReason[] = plan.reasons.slice();
  if (p.digest.assessment.confidence < p.thresholds.minConfidence) doubts.unshift("low_confidence");
  if (doubts.length > 0) {
    if (profile.rules.whenUnsure === "abstain" && p.abstainChoice !== null) {
      return { outcome: "abstain", choice: abstainBallot(p), reasons: doubts, decidedBy: "caution" };
    }
    return ask(doubts, "caution");
  }
  return { outcome: "vote", choice: plan.choice, reasons: [], decidedBy: "weights" };
}

/** The one choice a vote rule names on this ballot, or undefined when none or several read that way. */
function ruleTarget(p: PreparedProposal, choice: RuleChoice): number | undefined {
  if ("intent" in choice) {
    const found = p.intentChoices[choice.intent];
    return found.ok ? found.choice : undefined;
  }
  const matches = p.choicesByLabel.get(normalizeLabel(choice.label));
  return matches?.length === 1 ? matches[0] : undefined;
}

function ask(reasons: CautionReason[], decidedBy: Settled["decidedBy"]): Settled {
  return { outcome: "ask", choice: null, reasons, decidedBy };
}

/** The abstain choice in the ballot's format. */
function abstainBallot(p: PreparedProposal): SnapshotChoice {
  const choice = p.abstainChoice as number;
  const type = p.proposal.votingType;
  if (type === "approval") return [choice];
  if (type === "weighted" || type === "quadratic") return { [String(choice)]: p.thresholds.splitTotal };
  return choice;
}
