import type { Decision, DecisionOutcome } from "./decideVote.js";
import { describeRule } from "./describeRules.js";
import type { CautionReason, UtilityPlan } from "./mapUtilities.js";
import { clip, signed } from "./plainText.js";
import type { PreparedProposal } from "./preparedProposal.js";
import type { EngineProfile } from "./valueProfile.js";

// Explanations are built from the decision's own numbers with fixed templates, so they are exact (they cannot say
// anything the numbers do not) and identical for identical decisions. Three lengths: a line for the proposal's
// thread, a paragraph for /why, and the on-record reason that goes into the vote itself. This runs once per member,
// so it finds the deciding dimensions in one pass instead of sorting them.

/** Longest on-record reason: 500 characters less what the casting step appends (" · audit <64 hex digits>"). */
export const REASON_MAX_CHARS = 420;
export const LINE_MAX_CHARS = 240;
export const PARAGRAPH_MAX_CHARS = 1_500;

export interface Explanation {
  /** One line, for the member. */
  line: string;
  /** One line for the public thread: the line itself when the profile is public, else a line that reveals nothing. */
  threadLine: string;
  /** The full account, for /why (shown to the member). */
  paragraph: string;
  /** For the vote's public `reason` field (≤ REASON_MAX_CHARS); reveals no values when the profile is private. */
  reason: string;
}

const CAUTION_WORDS: Record<CautionReason, string> = {
  digest_flagged: "the proposal's digest was flagged for instruction-like text, so no automatic vote is made",
  digest_unreliable: "too many of the digest's claims failed the evidence check, so no automatic vote is made",
  low_confidence: "the digest's confidence is low",
  no_weights: "your profile gives no weight to any value",
  no_information: "the digest says nothing about the values you weighted",
  small_margin: "the choices are too close on your values",
  missing_evidence: "the result would rest on impacts the digest could not back with a quote",
  nothing_above_bar: "no choice is clearly good on your values",
  nothing_positive: "no choice helps your values",
  no_choices: "the proposal offers no choice to vote for",
  abstain_unavailable: "your rule says abstain, but this ballot offers no abstain choice",
  rule_choice_unavailable: "your rule names a choice, but no single choice on this ballot reads that way",
  rule_may_apply: "one of your rules may apply, but the digest does not say enough to tell",
  rule_asks: "your rule says to ask you",
};

const PRIVATE_LINES: Record<DecisionOutcome, string> = {
  vote: "Voted from a private profile; the member can see why.",
  abstain: "Abstained for a member with a private profile.",
  ask: "Waiting for the member's own word.",
  never: "The member votes on this themselves.",
};
const PUBLIC_REASON = "Tribune, for a delegating member, from their stated values: ";
const PRIVATE_REASON =
  "Tribune, for a delegating member, from their private value profile and this proposal's digest. ";

/** Builds the three explanations of a decision. */
export function explainDecision(
  p: PreparedProposal,
  profile: EngineProfile,
  decision: Omit<Decision, "explanation">,
  plan: UtilityPlan,
  rows: readonly (number[] | null)[],
): Explanation {
  const drivers = findDrivers(p, rows, plan);
  const line = clip(`${actionSentence(p, decision, drivers)}.`, LINE_MAX_CHARS);
  const isPublic = profile.privacy === "public";
  return {
    line,
    threadLine: isPublic ? line : PRIVATE_LINES[decision.outcome],
    paragraph: clip(paragraph(p, profile, decision, plan, drivers, line), PARAGRAPH_MAX_CHARS),
    reason: clip(isPublic ? PUBLIC_REASON + line : PRIVATE_REASON + PRIVATE_LINES[decision.outcome], REASON_MAX_CHARS),
  };
}

/** The dimensions that decided, as indexes into the taxonomy (-1: none), and each one's lead. */
interface Drivers {
  /** How much each dimension put the top choice ahead of the runner-up (alone: its part of the top's utility). */
  lead: number[];
  /** The two biggest positive leads and the biggest negative one. */
  pro1: number;
  pro2: number;
  con: number;
  /** The two biggest leads either way, for the paragraph. */
  big1: number;
  big2: number;
}

/** `rows[d]`: dimension d's contributions per choice (null when unweighted), as in `decision.contributions`. */
function findDrivers(p: PreparedProposal, rows: readonly (number[] | null)[], plan: UtilityPlan): Drivers {
  const drivers: Drivers = {
    lead: new Array<number>(p.taxonomy.length).fill(0),
    pro1: -1,
    pro2: -1,
    con: -1,
    big1: -1,
    big2: -1,
  };
  const top = plan.top;
  const runnerUp = plan.runnerUp;
  for (let d = 0; d < p.taxonomy.length; d++) {
    const row = rows[d];
    const lead =
      !row || top === null ? 0 : (row[top - 1] as number) - (runnerUp === null ? 0 : (row[runnerUp - 1] as number));
    drivers.lead[d] = lead;
    if (lead === 0) continue;
    // Strictly greater: on equal leads the earlier dimension (taxonomy order) stays ahead.
    if (lead > 0 && lead > leadAt(drivers, drivers.pro1)) {
      drivers.pro2 = drivers.pro1;
      drivers.pro1 = d;
    } else if (lead > 0 && lead > leadAt(drivers, drivers.pro2)) drivers.pro2 = d;
    if (lead < 0 && lead < leadAt(drivers, drivers.con)) drivers.con = d;
    const size = Math.abs(lead);
    if (drivers.big1 < 0 || size > Math.abs(leadAt(drivers, drivers.big1))) {
      drivers.big2 = drivers.big1;
      drivers.big1 = d;
    } else if (drivers.big2 < 0 || size > Math.abs(leadAt(drivers, drivers.big2))) drivers.big2 = d;
  }
  return drivers;
}

function leadAt(drivers: Drivers, d: number): number {
  return d < 0 ? 0 : (drivers.lead[d] as number);
}

function actionSentence(p: PreparedProposal, decision: Omit<Decision, "explanation">, drivers: Drivers): string {
  switch (decision.outcome) {
    case "vote": {
      if (decision.decidedBy === "rule") return `${describeBallot(p, decision)}, by your rule`;
      if (drivers.pro1 < 0) return describeBallot(p, decision);
      const pros =
        drivers.pro2 < 0
          ? p.dimensionNames[drivers.pro1]
          : `${p.dimensionNames[drivers.pro1]} and ${p.dimensionNames[drivers.pro2]}`;
      const despite = drivers.con < 0 ? "" : `, despite ${p.dimensionNames[drivers.con]}`;
      return `${describeBallot(p, decision)} mainly for ${pros}${despite}`;
    }
    case "abstain":
      return `Abstain: ${decision.decidedBy === "rule" ? "your rule says so" : cautionWords(decision.reasons)}`;
    case "ask":
      return `Asking you: ${cautionWords(decision.reasons)}`;
    case "never":
      return "Not voting: your rule says you vote on these yourself";
  }
}

function cautionWords(reasons: readonly CautionReason[]): string {
  return reasons.map((r) => CAUTION_WORDS[r]).join("; ");
}

function describeBallot(p: PreparedProposal, decision: Omit<Decision, "explanation">): string {
  const choice = decision.choice;
  if (typeof choice === "number") return `Vote ${quoted(p, choice)}`;
  if (Array.isArray(choice)) {
    if (decision.votingType !== "approval") return `Rank ${quoted(p, choice[0] as number)} first`;
    let text = "Approve ";
    for (let i = 0; i < choice.length; i++) text += (i > 0 ? ", " : "") + quoted(p, choice[i] as number);
    return text;
  }
  if (choice === null) return "No vote";
  let text = "Split ";
  let first = true;
  for (const c in choice) {
    text += `${first ? "" : ", "}${choice[c]} to ${quoted(p, Number(c))}`;
    first = false;
  }
  return text;
}

function quoted(p: PreparedProposal, choice: number): string {
  return p.quotedChoices[choice - 1] ?? `"choice ${choice}"`;
}

function paragraph(
  p: PreparedProposal,
  profile: EngineProfile,
  decision: Omit<Decision, "explanation">,
  plan: UtilityPlan,
  drivers: Drivers,
  line: string,
): string {
  // One join at the end makes one flat string; `+=` would keep a rope of every piece alive for every member.
  const parts = [line];
  if (decision.rulesFired.length > 0) parts.push(rulesSentences(profile, decision));
  const top = plan.top;
  if (top !== null && drivers.big1 >= 0) {
    parts.push(" How the choices score on your values (weight × impact): ");
    const shown = Math.min(plan.order.length, 6);
    for (let i = 0; i < shown; i++) {
      const c = plan.order[i] as number;
      if (i > 0) parts.push(", ");
      parts.push(p.quotedChoices[c - 1] as string, " ", signed(decision.utilities[c - 1] as number));
    }
    parts.push(".", driverSentence(p, profile, decision, plan, drivers, drivers.big1, top));
    if (drivers.big2 >= 0) parts.push(driverSentence(p, profile, decision, plan, drivers, drivers.big2, top));
  }
  parts.push(" ", p.digestNote, ", decision confidence ", twoDecimals(decision.confidence), ".");
  return parts.join("");
}

const decimalsCache = new Map<number, string>();

/** "0.85": confidences repeat across members, so their texts are made once. */
function twoDecimals(value: number): string {
  let text = decimalsCache.get(value);
  if (text === undefined) {
    text = value.toFixed(2);
    if (decimalsCache.size < 10_000) decimalsCache.set(value, text);
  }
  return text;
}

function rulesSentences(profile: EngineProfile, decision: Omit<Decision, "explanation">): string {
  let text = "";
  const overridden: string[] = [];
  for (const fired of decision.rulesFired) {
    const rule = profile.rules.rules[fired.index];
    if (fired.effect === "applied" && rule) text += ` Rule ${fired.ruleId}: ${describeRule(rule)}`;
    if (fired.effect === "overridden") overridden.push(fired.ruleId);
  }
  if (overridden.length > 0) text += ` Also matched, but outranked: ${overridden.join(", ")}.`;
  return text;
}

function driverSentence(
  p: PreparedProposal,
  profile: EngineProfile,
  decision: Omit<Decision, "explanation">,
  plan: UtilityPlan,
  drivers: Drivers,
  d: number,
  top: number,
): string {
  const lead = drivers.lead[d] as number;
  const id = (p.taxonomy[d] as { id: string }).id;
  return (
    ` ${p.dimensionTitles[d]} (your weight ${profile.weights[id] ?? 0}) ` +
    `${lead > 0 ? "favours" : "counts against"} ${p.quotedChoices[top - 1]} by ${signed(lead)}.` +
    evidenceNote(p, decision, d, top, plan.runnerUp)
  );
}

/** The note on the quote behind the bigger of the two impacts compared on dimension `d`: that one moved the outcome. */
function evidenceNote(
  p: PreparedProposal,
  decision: Omit<Decision, "explanation">,
  d: number,
  top: number,
  runnerUp: number | null,
): string {
  const row = decision.contributions[(p.taxonomy[d] as { id: string }).id] as number[];
  // Twice per member at most: the lookup by id is fine here.
  const mine = runnerUp === null || Math.abs(row[top - 1] as number) >= Math.abs(row[runnerUp - 1] as number);
  return p.evidenceNotes[d]?.[(mine ? top : (runnerUp as number)) - 1] ?? "";
}
