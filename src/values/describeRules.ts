import type { DigestCategory } from "../digest/digestSchema.js";
import type { Condition, HardRule, RuleAction } from "./hardRules.js";

// Rules in plain words, the same words wherever a rule is shown: when a profile is shown back for confirmation, and
// when an explanation says which rule decided a vote.

const CATEGORY_WORDS: Record<DigestCategory, string> = {
  treasury: "a treasury proposal",
  parameter: "a parameter change",
  election: "an election",
  grant: "a grant",
  partnership: "a partnership",
  meta_governance: "about governance itself",
  other: "in no particular category",
};

const FLAG_WORDS = {
  flagged: "its digest was flagged for instruction-like text",
  unreliable: "its digest failed the evidence check",
  extractive: "its digest is only an extractive (offline) summary",
} as const;

/** "$1,000,000", "$2,500.5": written by hand, since Intl formatting is slow enough to matter per member. */
export function formatUsd(usd: number): string {
  const [whole = "0", fraction] = (Math.round(usd * 100) / 100).toString().split(".");
  return `$${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",")}${fraction ? `.${fraction}` : ""}`;
}

function orList(items: readonly string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} or ${items[items.length - 1]}`;
}

/** One condition, completing "When the proposal …". */
export function describeCondition(condition: Condition): string {
  switch (condition.kind) {
    case "category":
      return `is ${orList(condition.in.map((c) => CATEGORY_WORDS[c]))}`;
    case "treasury_outflow_above":
      return `moves more than ${formatUsd(condition.usd)} out of the treasury`;
    case "digest_flag":
      return `has a warning: ${FLAG_WORDS[condition.flag]}`;
    case "voting_type":
      return `is a ${orList(condition.in)} vote`;
    case "author":
      return `was written by ${orList(condition.in)}`;
  }
}

/** An action, completing "…, Tribune will …". */
export function describeAction(action: RuleAction): string {
  switch (action.kind) {
    case "vote":
      return "intent" in action.choice
        ? `vote ${action.choice.intent === "for" ? "For" : "Against"}`
        : `vote "${action.choice.label}"`;
    case "abstain":
      return "abstain";
    case "ask":
      return "ask you instead of voting";
    case "never":
      return "never vote for you (you vote on these yourself)";
  }
}

/** A whole rule as one sentence. */
export function describeRule(rule: HardRule): string {
  const when =
    rule.when.length === 0
      ? "On every proposal"
      : `When the proposal ${rule.when.map((c) => describeCondition(c)).join(" and ")}`;
  return `${when}, Tribune will ${describeAction(rule.action)}.`;
}
