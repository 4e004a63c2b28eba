import { findCues, hasCue } from "./cueMatcher.js";
import type { Condition, HardRule, RuleAction, WhenUnsure } from "./hardRules.js";
import {
  AMOUNT_ABOVE_CUES,
  CATEGORY_CUES,
  EVERY_PROPOSAL_CUES,
  FLAG_CUES,
  RULE_ACTION_CUES,
  UNSURE_CUES,
  VOTING_TYPE_CUES,
} from "./offlineLexicon.js";
import type { VotingType } from "./votingTypes.js";

// Reading one clause of a statement as a hard rule ("vote against grants over $1M") or as the member's choice for
// when Tribune is unsure ("when in doubt, abstain"). A clause is a rule only when it says what to do AND on which
// proposals; an action with no condition it can test is reported back, never guessed.

export type ClauseReading =
  | { kind: "rule"; rule: Omit<HardRule, "id"> }
  | { kind: "when_unsure"; whenUnsure: WhenUnsure }
  /** An action with nothing Tribune can test: the note says so, and the clause is read for values instead. */
  | { kind: "untestable"; note: string }
  | { kind: "none" };

const MULTIPLIERS: Record<string, number> = {
  k: 1e3,
  thousand: 1e3,
  m: 1e6,
  mm: 1e6,
  mn: 1e6,
  million: 1e6,
  b: 1e9,
  bn: 1e9,
  billion: 1e9,
};
const NUMBER = String.raw`(\d[\d,]*(?:\.\d+)?)\s*(k|thousand|mm|mn|million|m|bn|billion|b)?`;
const DOLLARS = new RegExp(
  String.raw`\$\s?${NUMBER}(?![\p{L}\p{N}])|(?<![\p{L}\p{N}])${NUMBER}\s*(?:usd|us dollars|dollars|usdc|dai)(?![\p{L}])`,
  "gu",
);
const OTHER_AMOUNT = new RegExp(String.raw`(?<![\p{L}\p{N}$])${NUMBER}\s+([a-z]{2,6})(?![\p{L}])`, "gu");
const ADDRESS = /0x[0-9a-f]{40}(?![0-9a-f])/g;

function toNumber(digits: string, unit: string | undefined): number {
  return Number(digits.replace(/,/g, "")) * (unit ? (MULTIPLIERS[unit] ?? 1) : 1);
}

/** "more than $1.5m" → 1,500,000; null when the clause names no dollar threshold. */
export function findDollarThreshold(clause: string): { usd: number } | { note: string } | null {
  for (const m of clause.matchAll(DOLLARS)) {
    const digits = m[1] ?? m[3];
    const unit = m[2] ?? m[4];
    if (!digits) continue;
    const before = clause.slice(Math.max(0, m.index - 24), m.index);
    const after = clause.slice(m.index + m[0].length, m.index + m[0].length + 10);
    if (hasCue(before, AMOUNT_ABOVE_CUES) || /^\s*or more/.test(after)) return { usd: toNumber(digits, unit) };
    return { note: `"${m[0].trim()}" has no "over" or "more than" before it, so it is not a threshold` };
  }
  for (const m of clause.matchAll(OTHER_AMOUNT)) {
    const before = clause.slice(Math.max(0, m.index - 24), m.index);
    if (hasCue(before, AMOUNT_ABOVE_CUES) && m[3] !== "of") {
      return { note: `rule amounts must be in US dollars ("$1M", "500k USD"); "${m[0].trim()}" is not` };
    }
  }
  return null;
}

function firstAction(clause: string): RuleAction | null {
  for (const { action, cues } of RULE_ACTION_CUES) {
    if (!hasCue(clause, cues)) continue;
    if (action === "for" || action === "against") return { kind: "vote", choice: { intent: action } };
    return { kind: action };
  }
  return null;
}

function conditionsOf(clause: string): { conditions: Condition[]; notes: string[] } {
  const conditions: Condition[] = [];
  const notes: string[] = [];
  const threshold = findDollarThreshold(clause);
  if (threshold && "usd" in threshold) conditions.push({ kind: "treasury_outflow_above", usd: threshold.usd });
  else if (threshold) notes.push(threshold.note);

  const categories = findCues(
    clause,
    Object.entries(CATEGORY_CUES).flatMap(([tag, cues]) => cues.map((cue) => ({ tag, cue }))),
  );
  const categoryIds = [...new Set(categories.map((m) => m.tag))] as (keyof typeof CATEGORY_CUES)[];
  if (categoryIds.length > 0) conditions.push({ kind: "category", in: categoryIds });

  const types = findCues(
    clause,
    Object.entries(VOTING_TYPE_CUES).flatMap(([tag, cues]) => cues.map((cue) => ({ tag, cue }))),
  );
  const typeIds = [...new Set(types.map((m) => m.tag))] as VotingType[];
  if (typeIds.length > 0) conditions.push({ kind: "voting_type", in: typeIds });

  for (const [flag, cues] of Object.entries(FLAG_CUES) as [keyof typeof FLAG_CUES, readonly string[]][]) {
    if (hasCue(clause, cues)) conditions.push({ kind: "digest_flag", flag });
  }

  const authors = [...new Set(clause.match(ADDRESS) ?? [])];
  if (authors.length > 0) conditions.push({ kind: "author", in: authors });
  else if (/(?<![\p{L}\p{N}])[a-z0-9-]+\.eth(?![\p{L}\p{N}])/u.test(clause)) {
    notes.push("authors in rules must be 0x addresses (proposals record the author's address, not an ENS name)");
  }
  return { conditions, notes };
}

/** Reads one normalised clause. `mentionsValues` says whether the clause also names a value dimension. */
export function readRuleClause(clause: string, mentionsValues: boolean): ClauseReading {
  const action = firstAction(clause);
  if (hasCue(clause, UNSURE_CUES) && action && (action.kind === "abstain" || action.kind === "ask")) {
    return { kind: "when_unsure", whenUnsure: action.kind };
  }
  if (!action) return { kind: "none" };
  const { conditions, notes } = conditionsOf(clause);
  // A rule broader than the member's words would be worse than no rule: an amount not understood voids the clause.
  if (conditions.length > 0 && notes.length === 0) return { kind: "rule", rule: { when: conditions, action: action } };
  const cautious = action.kind !== "vote";
  // "Always vote for what helps decentralization" is a statement of values, not a rule on every proposal; and only
  // cautious actions may cover every proposal ("always ask me"): a vote cast the same way on everything is refused.
  if (notes.length === 0 && cautious && !mentionsValues && hasCue(clause, EVERY_PROPOSAL_CUES)) {
    return { kind: "rule", rule: { when: [], action: action } };
  }
  if (mentionsValues && notes.length === 0) return { kind: "none" };
  const why =
    notes.length > 0
      ? notes.join("; ")
      : "a rule can only test category, a dollar outflow, digest warnings, voting type or author";
  return { kind: "untestable", note: `I could not make a rule of "${clause.trim()}": ${why}.` };
}
