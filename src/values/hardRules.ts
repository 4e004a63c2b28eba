import { z } from "zod";
import { type DigestCategory, digestCategories, type MoneyFlow } from "../digest/digestSchema.js";
import { type VotingType, votingTypeSchema } from "./votingTypes.js";

// Hard rules: a member's non-negotiables, as a small typed language rather than free text, so the engine can test them
// exactly and show them back exactly. A rule is "when ALL these conditions hold, do this". Rules beat weights.

/** A test on a fact of the digest or the proposal. */
export const conditionSchema = z.discriminatedUnion("kind", [
  /** The digest's category is one of these. */
  z.object({ kind: z.literal("category"), in: z.array(z.enum(digestCategories)).min(1).max(7) }),
  /** The proposal sends more than `usd` US dollars out of the treasury (sum of the digest's outflow estimates). */
  z.object({ kind: z.literal("treasury_outflow_above"), usd: z.number().nonnegative().max(1e15) }),
  /** The digest carries this flag: flagged (injection screen), unreliable (evidence check), extractive (offline). */
  z.object({ kind: z.literal("digest_flag"), flag: z.enum(["flagged", "unreliable", "extractive"]) }),
  /** The proposal's voting type is one of these. */
  z.object({ kind: z.literal("voting_type"), in: z.array(votingTypeSchema).min(1).max(7) }),
  /** The proposal's author is one of these addresses (compared without case). */
  z.object({ kind: z.literal("author"), in: z.array(z.string().min(1).max(100)).min(1).max(20) }),
]);
export type Condition = z.infer<typeof conditionSchema>;

/** Which choice a "vote" rule names: by meaning (the For / Against choice, whatever its words) or by exact label. */
export const ruleChoiceSchema = z.union([
  z.object({ intent: z.enum(["for", "against"]) }),
  z.object({ label: z.string().min(1).max(200) }),
]);
export type RuleChoice = z.infer<typeof ruleChoiceSchema>;

export const ruleActionSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("vote"), choice: ruleChoiceSchema }),
  z.object({ kind: z.literal("abstain") }),
  /** Make no automatic vote; ask the member. */
  z.object({ kind: z.literal("ask") }),
  /** Make no vote and ask nothing: the member votes on these themselves or not at all. */
  z.object({ kind: z.literal("never") }),
]);
export type RuleAction = z.infer<typeof ruleActionSchema>;

export const hardRuleSchema = z.object({
  id: z.string().regex(/^[a-z0-9_-]{1,32}$/),
  /** All must hold. Empty means "every proposal" (e.g. "always ask me"). */
  when: z.array(conditionSchema).max(5),
  action: ruleActionSchema,
});
export type HardRule = z.infer<typeof hardRuleSchema>;

/** What the engine does when it cannot tell (small margin, low confidence, missing evidence). */
export const whenUnsureSchema = z.enum(["ask", "abstain"]);
export type WhenUnsure = z.infer<typeof whenUnsureSchema>;

/** The document stored in ValueProfile.rules: the member's rules in their order, and what to do when unsure. */
export const profileRulesSchema = z.object({
  rules: z
    .array(hardRuleSchema)
    .max(20)
    .refine((rules) => new Set(rules.map((r) => r.id)).size === rules.length, "rule ids must be unique"),
  whenUnsure: whenUnsureSchema,
});
export type ProfileRules = z.infer<typeof profileRulesSchema>;

/** The facts rules are tested against. */
export interface RuleFacts {
  category: DigestCategory;
  money: readonly MoneyFlow[];
  flagged: boolean;
  unreliable: boolean;
  extractive: boolean;
  votingType: VotingType;
  author: string | null;
}

/** "unknown": the digest does not say enough to tell (an outflow without a dollar estimate, no author on record). */
export type Truth = "yes" | "no" | "unknown";

/** Tests one condition. */
export function testCondition(condition: Condition, facts: RuleFacts): Truth {
  switch (condition.kind) {
    case "category":
      return condition.in.includes(facts.category) ? "yes" : "no";
    case "treasury_outflow_above": {
      const outflows = facts.money.filter((flow) => flow.direction === "outflow");
      const known = outflows.reduce((sum, flow) => sum + (flow.usdEstimate ?? 0), 0);
      if (known > condition.usd) return "yes";
      return outflows.some((flow) => flow.usdEstimate === null) ? "unknown" : "no";
    }
    case "digest_flag":
      return facts[condition.flag] ? "yes" : "no";
    case "voting_type":
      return condition.in.includes(facts.votingType) ? "yes" : "no";
    case "author": {
      if (facts.author === null) return "unknown";
      const author = facts.author.toLowerCase();
      return condition.in.some((a) => a.toLowerCase() === author) ? "yes" : "no";
    }
  }
}

/** A rule that fired, or might have: "may_apply" when no condition failed but one could not be told. */
export interface RuleFiring {
  ruleId: string;
  /** 0-based position in the member's list. */
  index: number;
  action: RuleAction;
  status: "fired" | "may_apply";
  /** "applied" for the one rule that decided; the others are kept to show what it overrode. */
  effect: "applied" | "overridden";
}

/**
 * The conflict order, most cautious first: never, then ask (and any rule that may apply but cannot be told), then
 * abstain, then a vote for a named choice; between rules of the same rank, the one earlier in the member's list wins.
 * Caution wins because a wrong automatic vote cannot be taken back once cast, while a question can be answered.
 */
export const RULE_ORDER = ["never", "ask", "abstain", "vote"] as const;

function rank(firing: Omit<RuleFiring, "effect">): number {
  // A rule that may apply cannot be acted on blindly: whatever it says, the member is asked.
  return firing.status === "may_apply" ? RULE_ORDER.indexOf("ask") : RULE_ORDER.indexOf(firing.action.kind);
}

/** Tests every rule; returns those that fired (or may apply), the decisive one marked "applied". */
export function evaluateRules(rules: readonly HardRule[], facts: RuleFacts): RuleFiring[] {
  const candidates: Omit<RuleFiring, "effect">[] = [];
  rules.forEach((rule, index) => {
    const truths = rule.when.map((condition) => testCondition(condition, facts));
    if (truths.includes("no")) return;
    const status = truths.includes("unknown") ? "may_apply" : "fired";
    candidates.push({ ruleId: rule.id, index, action: rule.action, status });
  });
  let decisive: Omit<RuleFiring, "effect"> | undefined;
  for (const candidate of candidates) {
    if (!decisive || rank(candidate) < rank(decisive)) decisive = candidate;
  }
  return candidates.map((c) => ({ ...c, effect: c === decisive ? "applied" : "overridden" }));
}
