import type { PreparedProposal } from "./preparedProposal.js";
import { splitByLargestRemainder } from "./splitShares.js";
import type { SnapshotChoice } from "./votingTypes.js";

// Utilities → a ballot in the proposal's voting type, and the doubts that should stop the engine from casting it.
// Single-choice and basic pick the best; approval picks every choice above a bar; ranked-choice and copeland rank all;
// weighted and quadratic split in proportion to positive utility. Abstain choices never win on utility: abstaining is
// what the engine does when unsure, not a choice it prefers.

/** Why the engine did not simply vote on the member's weights. */
export type CautionReason =
  | "digest_flagged"
  | "digest_unreliable"
  | "low_confidence"
  | "no_weights"
  | "no_information"
  | "small_margin"
  | "missing_evidence"
  | "nothing_above_bar"
  | "nothing_positive"
  | "no_choices"
  | "abstain_unavailable"
  | "rule_choice_unavailable"
  | "rule_may_apply"
  | "rule_asks";

/** What the weights alone would cast, and what speaks against casting it. */
export interface UtilityPlan {
  /** The ballot, or null when the weights support nothing. */
  choice: SnapshotChoice | null;
  /** The plan's leading choice (1-based), for explanations and confidence; null when there is none. */
  top: number | null;
  /** The choice it was measured against (1-based), or null. */
  runnerUp: number | null;
  /** Candidates in order of utility, best first (ties to the lower choice number). */
  order: number[];
  margin: number;
  reasons: CautionReason[];
}

/** Candidates best first by utility, ties to the lower choice number (insertion sort: ballots are short). */
export function orderByUtility(candidates: readonly number[], utilities: readonly number[]): number[] {
  const order = candidates.slice();
  for (let i = 1; i < order.length; i++) {
    const c = order[i] as number;
    const uc = utilities[c - 1] as number;
    let j = i - 1;
    while (j >= 0) {
      const o = order[j] as number;
      const uo = utilities[o - 1] as number;
      if (uo > uc || (uo === uc && o < c)) break;
      order[j + 1] = o;
      j--;
    }
    order[j + 1] = c;
  }
  return order;
}

function noPlan(order: number[], reason: CautionReason, margin = 0): UtilityPlan {
  return { choice: null, top: order[0] ?? null, runnerUp: order[1] ?? null, order, margin, reasons: [reason] };
}

/**
 * Maps a member's utilities onto the ballot of the proposal's voting type. `evidenced` holds the utilities counted
 * on quoted impacts only. Written without closures: it runs once per member, 100,000 times a proposal.
 */
export function planFromUtilities(
  p: PreparedProposal,
  utilities: readonly number[],
  evidenced: readonly number[],
  totalWeight: number,
): UtilityPlan {
  const order = orderByUtility(p.candidates, utilities);
  if (order.length === 0) return noPlan(order, "no_choices");
  if (totalWeight === 0) return noPlan(order, "no_weights");
  let anything = false;
  for (const c of order) if (utilities[c - 1] !== 0) anything = true;
  if (!anything) return noPlan(order, "no_information");
  // Normalised utility: −1…1 whatever the weights, so thresholds mean the same for every member.
  const scale = 2 * totalWeight;
  const { minMargin, approvalBar, splitTotal } = p.thresholds;
  const reasons: CautionReason[] = [];
  const top = order[0] as number;
  const type = p.proposal.votingType;

  if (type === "approval") {
    const approved: number[] = [];
    let margin = Number.POSITIVE_INFINITY;
    let quoted = true;
    for (const c of p.candidates) {
      const u = (utilities[c - 1] as number) / scale;
      margin = Math.min(margin, Math.abs(u - approvalBar));
      if (u > approvalBar) {
        approved.push(c);
        if ((evidenced[c - 1] as number) / scale <= approvalBar) quoted = false;
      }
    }
    if (approved.length === 0) return noPlan(order, "nothing_above_bar", margin);
    if (margin < minMargin / 2) reasons.push("small_margin");
    else if (!quoted) reasons.push("missing_evidence");
    return { choice: approved, top, runnerUp: order[1] ?? null, order, margin, reasons };
  }

  if (type === "weighted" || type === "quadratic") {
    const positive: number[] = [];
    for (const c of p.candidates) positive.push(Math.max(0, utilities[c - 1] as number));
    if ((utilities[top - 1] as number) <= 0) return noPlan(order, "nothing_positive");
    const shares = splitByLargestRemainder(positive, splitTotal);
    const choice: Record<string, number> = {};
    let quoted = true;
    for (let i = 0; i < p.candidates.length; i++) {
      const share = shares[i] as number;
      if (share === 0) continue;
      const c = p.candidates[i] as number;
      choice[String(c)] = share;
      if ((evidenced[c - 1] as number) <= 0) quoted = false;
    }
    // A split expresses degrees, so two close choices are fine; what needs a margin is that anything is worth support.
    const margin = (utilities[top - 1] as number) / scale;
    if (margin < minMargin) reasons.push("small_margin");
    else if (!quoted) reasons.push("missing_evidence");
    const second = order[1];
    const runnerUp = second !== undefined && (utilities[second - 1] as number) > 0 ? second : null;
    return { choice, top, runnerUp, order, margin, reasons };
  }

  // single-choice, basic, ranked-choice, copeland: the best choice must lead the next one by the margin.
  const runnerUp = order[1] ?? null;
  const uTop = (utilities[top - 1] as number) / scale;
  // Alone on the ballot, the best choice is measured against not voting at all.
  const margin = runnerUp === null ? uTop : uTop - (utilities[runnerUp - 1] as number) / scale;
  if (margin < minMargin) reasons.push("small_margin");
  else if (!evidencedLead(order, utilities, evidenced)) reasons.push("missing_evidence");
  const choice = type === "ranked-choice" || type === "copeland" ? order.concat(unranked(p, order)) : top;
  return { choice, top, runnerUp, order, margin, reasons };
}

/**
 * On quoted impacts alone, the top choice must still lead every choice it leads in full (and tie those it ties);
 * alone on the ballot, it must still be worth supporting. Otherwise the result rests on what the digest could not quote.
 */
function evidencedLead(order: readonly number[], utilities: readonly number[], evidenced: readonly number[]): boolean {
  const top = order[0] as number;
  const eTop = evidenced[top - 1] as number;
  if (order.length === 1) return eTop > 0;
  for (let i = 1; i < order.length; i++) {
    const c = order[i] as number;
    const e = evidenced[c - 1] as number;
    if ((utilities[top - 1] as number) > (utilities[c - 1] as number) ? eTop <= e : eTop < e) return false;
  }
  return true;
}

/** A rule's named choice as a whole ballot: that choice alone, or first in a ranking, or all of a split. */
export function encodeRuleChoice(p: PreparedProposal, plan: UtilityPlan, target: number): SnapshotChoice {
  switch (p.proposal.votingType) {
    case "single-choice":
    case "basic":
      return target;
    case "approval":
      return [target];
    case "weighted":
    case "quadratic":
      return { [String(target)]: p.thresholds.splitTotal };
    case "ranked-choice":
    case "copeland":
      return [target, ...[...plan.order, ...unranked(p, plan.order)].filter((c) => c !== target)];
  }
}

/** Choices a ranking still has to place after the candidates: the abstentions, last. */
function unranked(p: PreparedProposal, order: readonly number[]): number[] {
  return p.abstentions.filter((c) => !order.includes(c));
}
