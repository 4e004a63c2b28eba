import type { DigestCategory } from "../digest/digestSchema.js";
import type { VotingType } from "./votingTypes.js";

// The offline profile compiler's lexicon: every word it knows, in one place, documented in README.md beside this file
// (a test checks that every cue here appears there). A cue ending in "*" matches any word it starts ("decentrali*"
// matches "decentralised"); otherwise it matches whole words. Matching ignores case. Bump the version on any change:
// profiles record the compiler that produced them.

export const LEXICON_VERSION = "lexicon-1";

/**
 * Per dimension id: `value` cues name the value itself ("security"); `concern` cues name what the value guards
 * against ("exploits"), so opposing them raises the dimension; `indifference` cues lower it to 0 ("spend freely").
 */
export interface DimensionCues {
  value: readonly string[];
  concern: readonly string[];
  indifference?: readonly string[];
}

// biome-ignore format: word lists read best packed, many to a line
export const DIMENSION_CUES: Readonly<Record<string, DimensionCues>> = {
  decentralization: {
    value: [
      "decentrali*", "censorship resist*", "permissionless*", "credible neutrality", "credibly neutral",
      "distributed power", "self-sovereign*", "trustless*", "community control",
    ],
    concern: [
      "centrali*", "whale*", "concentration of power", "power concentration", "single point of failure", "plutocra*",
      "cartel*", "admin key*", "kill switch*",
    ],
  },
  treasury_prudence: {
    value: [
      "treasury", "frugal*", "prudent*", "prudence", "fiscal*", "budget*", "runway", "value for money",
      "careful spending", "spend carefully", "spending discipline", "responsible spending", "cost-effective*",
      "cost effective*", "save money", "saving money",
    ],
    concern: [
      "waste*", "wasteful", "overspend*", "reckless spending", "grift*", "money grab*", "handout*", "bloat*",
      "excessive spending", "burn rate",
    ],
    indifference: ["spend freely", "money is no object", "spend more", "spend aggressively", "don't mind spending"],
  },
  growth_adoption: {
    value: [
      "growth", "grow", "growing", "adoption", "more users", "new users", "users", "integration*", "liquidity",
      "market share", "marketing", "onboard*", "expansion", "expand*", "scale", "scaling", "traction", "partnership*",
    ],
    concern: ["stagnat*", "losing users", "falling behind", "competitors"],
  },
  security_risk: {
    value: [
      "security", "secure", "safety", "safe", "audit*", "risk management", "conservative parameter*", "protect users",
      "protecting users", "user protection", "bug bount*", "formal verification", "battle-tested", "resilien*",
      "robust*",
    ],
    concern: [
      "risk", "risks", "risky", "exploit*", "hack*", "vulnerab*", "attack*", "bad debt", "insolven*", "rug*",
      "untested", "unaudited",
    ],
  },
  public_goods_community: {
    value: [
      "public good*", "community", "communities", "open source", "open-source", "education*", "research", "grants",
      "builders", "contributors", "developers", "ecosystem funding", "retroactive funding", "commons",
      "social impact", "newcomers",
    ],
    concern: ["neglect*"],
  },
  tokenholder_value: {
    value: [
      "token price", "price", "tokenholder*", "token holder*", "holders", "value accrual", "fee switch", "revenue",
      "profit*", "buyback*", "buy back*", "yield", "returns", "dividend*", "staking reward*", "token value",
      "cash flow*", "earnings",
    ],
    concern: ["dilut*", "inflation", "sell pressure", "dumping", "emissions"],
  },
  transparency_accountability: {
    value: [
      "transparen*", "accountab*", "reporting", "report*", "disclos*", "open books", "oversight", "audit trail*",
      "milestone*", "kpi*", "track record*", "clear mandate*", "public record*", "honesty", "clawback*",
    ],
    concern: [
      "secrecy", "secret*", "opaque*", "opacity", "backroom", "back room", "insider*", "conflicts of interest",
      "conflict of interest", "self-dealing", "unaccountable", "hidden",
    ],
  },
  operational_pragmatism: {
    value: [
      "pragmati*", "practical*", "get things done", "getting things done", "execution", "execute", "ship", "shipping",
      "speed", "fast", "quick*", "efficien*", "simplicity", "simple", "workable", "lean", "agile", "move fast",
      "results",
    ],
    concern: ["bureaucra*", "red tape", "overhead", "paralysis", "endless debate*", "bikeshed*", "delay*", "slow*"],
  },
};

/** Words that set how much a clause cares (the strongest in a clause counts); a clause with none counts 3. */
// biome-ignore format: word lists read best packed, many to a line
export const INTENSITY_CUES: readonly { level: 1 | 2 | 4 | 5; cues: readonly string[] }[] = [
  {
    level: 5,
    cues: [
      "above all", "most important", "most", "top priority", "highest priority", "number one", "#1",
      "first and foremost", "paramount", "non-negotiable", "more than anything", "critical", "crucial", "essential",
      "absolutely", "utmost", "only",
    ],
  },
  {
    level: 4,
    cues: [
      "very", "really", "strongly", "deeply", "a lot", "highly", "passionate*", "important", "prioriti*", "matters",
      "key", "big on", "love",
    ],
  },
  {
    level: 2,
    cues: [
      "somewhat", "a bit", "a little", "moderately", "secondary", "less important", "nice to have", "to some extent",
      "fairly", "mildly",
    ],
  },
  { level: 1, cues: ["barely", "hardly", "slightly", "minor", "marginally", "least"] },
];

/** The level a clause gets when it names a value with no intensity word. */
export const DEFAULT_LEVEL = 3;

/** Phrases that mean "I do not care about what this clause names": its dimensions get 0. */
// biome-ignore format: word lists read best packed, many to a line
export const INDIFFERENCE_CUES: readonly string[] = [
  "don't care", "do not care", "doesn't matter", "does not matter", "don't mind", "do not mind", "not important",
  "unimportant", "not a priority", "indifferent", "irrelevant", "not worried", "don't worry", "not concerned",
  "couldn't care less", "not bothered", "no opinion",
];

/** Opposing a concern raises its dimension ("against waste"); opposing a value lowers it to 0 ("against growth"). */
// biome-ignore format: word lists read best packed, many to a line
export const OPPOSE_CUES: readonly string[] = [
  "against", "oppose*", "avoid*", "don't want", "do not want", "no more", "hate", "stop", "less", "reduce", "cut",
  "fight", "prevent", "not", "no", "never", "minimi*", "limit", "reject*",
];

/** Worry raises the dimension whichever cue names it ("worried about security", "worried about exploits"). */
// biome-ignore format: word lists read best packed, many to a line
export const WORRY_CUES: readonly string[] = [
  "worried", "worry about", "concerned", "afraid", "fear*", "wary", "care about", "careful about",
];

/** "A more than B": A gets the clause's level (at least 4), B gets 2; "A less than B" the other way round. */
// biome-ignore format: word lists read best packed, many to a line
export const MORE_THAN_CUES: readonly string[] = [
  "more than", "over", "rather than", "instead of", "ahead of", "before",
];
// biome-ignore format: word lists read best packed, many to a line
export const LESS_THAN_CUES: readonly string[] = ["less than", "less important than", "after"];

/** What a rule does, tried in this order; the first that matches a clause makes it a rule clause. */
// biome-ignore format: word lists read best packed, many to a line
export const RULE_ACTION_CUES: readonly {
  action: "never" | "ask" | "abstain" | "against" | "for";
  cues: readonly string[];
}[] = [
  {
    action: "never",
    cues: [
      "never vote on", "never vote in", "never vote about", "don't vote on", "do not vote on", "don't vote in",
      "do not vote in", "stay out of", "leave * to me", "i'll vote on * myself", "i will vote on * myself",
    ],
  },
  { action: "ask", cues: ["ask me", "check with me", "consult me", "let me decide", "confirm with me", "ask first"] },
  { action: "abstain", cues: ["abstain"] },
  {
    action: "against",
    cues: [
      "vote against", "vote no", "vote nay", "reject", "oppose any", "oppose all", "oppose every", "never vote for",
      "never support", "never approve", "don't vote for", "do not vote for", "don't support", "do not support",
      "don't approve", "do not approve",
    ],
  },
  {
    action: "for",
    cues: [
      "vote for", "vote yes", "vote in favor", "vote in favour", "always support", "always approve", "approve any",
      "approve all", "approve every", "support any", "support all", "support every",
    ],
  },
];

/** Words that let a rule clause with no condition apply to every proposal ("always ask me"). */
// biome-ignore format: word lists read best packed, many to a line
export const EVERY_PROPOSAL_CUES: readonly string[] = [
  "every", "all proposals", "any proposal", "anything", "everything", "always", "each",
];

/** Rule conditions on the digest's category. */
// biome-ignore format: word lists read best packed, many to a line
export const CATEGORY_CUES: Readonly<Record<Exclude<DigestCategory, "other">, readonly string[]>> = {
  grant: ["grant*", "funding request*"],
  election: ["election*", "elect", "elected", "council*", "delegate seat*", "committee seat*", "nominat*"],
  partnership: ["partnership*", "partner*"],
  parameter: ["parameter*", "param change*", "fee change*"],
  meta_governance: ["meta-governance", "metagovernance", "governance process*", "constitution*", "voting rules"],
  treasury: [
    "treasury proposal*", "treasury management", "treasury diversification", "diversif*", "token sale*",
    "treasury swap*",
  ],
};

/** Rule conditions on the voting type. */
// biome-ignore format: word lists read best packed, many to a line
export const VOTING_TYPE_CUES: Readonly<Record<VotingType, readonly string[]>> = {
  "single-choice": ["single-choice", "single choice"],
  basic: ["basic vote*", "for/against"],
  approval: ["approval vote*", "approval voting"],
  "ranked-choice": ["ranked-choice", "ranked choice"],
  copeland: ["copeland"],
  weighted: ["weighted vote*", "weighted voting"],
  quadratic: ["quadratic"],
};

/** Rule conditions on the digest's warnings. */
// biome-ignore format: word lists read best packed, many to a line
export const FLAG_CUES: Readonly<Record<"flagged" | "unreliable" | "extractive", readonly string[]>> = {
  flagged: ["flagged", "injection*"],
  unreliable: ["unreliable", "unverified", "can't be verified", "cannot be verified"],
  extractive: ["extractive", "offline summar*"],
};

/** "more than $1M": the words before an amount that make it a threshold. */
// biome-ignore format: word lists read best packed, many to a line
export const AMOUNT_ABOVE_CUES: readonly string[] = [
  "over", "above", "more than", "greater than", "exceeding", "exceeds", "larger than", "bigger than", "at least",
  "upwards of", ">", "or more",
];

/** A clause with one of these sets what Tribune does when unsure (with "abstain" or "ask me" in the same clause). */
// biome-ignore format: word lists read best packed, many to a line
export const UNSURE_CUES: readonly string[] = [
  "in doubt", "unsure", "not sure", "unclear", "uncertain", "too close", "can't tell", "cannot tell", "close call",
];
