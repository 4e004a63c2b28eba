import { TimestampStyles, time } from "discord.js";
import type { SnapshotChoice, VotingType } from "../../values/votingTypes.js";
// The one reading of a stored ballot as labels, shared with the web view; see the report about moving it to values/.
import { describeChoice } from "../../web/choiceShares.js";
import { safeClip, safeUrl } from "./hostileText.js";
import type { OverrideView, ProposalSourceView, ProposalView } from "./views.js";

// The bits of a proposal every message repeats: its link, its end time, its ballot and a member's choice in words.

/** Colours, so a glance tells the kind of message. */
export const COLOURS = {
  digest: 0x5865f2,
  warning: 0xf0b232,
  for: 0x23a55a,
  against: 0xda373c,
  plan: 0x4e5d94,
  done: 0x23a55a,
  problem: 0xda373c,
  personal: 0x949cf7,
} as const;

/** The proposal's page: Snapshot's for a Snapshot proposal, the given URL (if safe) for a Governor one. */
export function proposalUrl(source: ProposalSourceView): string | null {
  if (source.kind === "governor") return safeUrl(source.url);
  const space = encodeURIComponent(source.space);
  return safeUrl(`https://snapshot.box/#/s:${space}/proposal/${encodeURIComponent(source.proposalId)}`);
}

/** The proposal's title, inert, for embed titles and inline mentions of it. */
export function proposalTitle(proposal: ProposalView, max = 200): string {
  return safeClip(proposal.title, max) || "Untitled proposal";
}

/** A moment as Discord renders it in each reader's own time zone: "<t:…:F> (<t:…:R>)". */
export function fullTime(date: Date): string {
  return `${time(date, TimestampStyles.LongDateTime)} (${time(date, TimestampStyles.RelativeTime)})`;
}

/** A moment relative to now, in the reader's terms: "<t:…:R>" ("in 3 hours"). */
export function relativeTime(date: Date): string {
  return time(date, TimestampStyles.RelativeTime);
}

/** A duration as people say it: "90 seconds", "15 minutes", "24 hours", "3 days", "1 hour 30 minutes". */
export function durationText(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? "" : "s"}`;
  if (s < 120) return plural(s, "second");
  // Whole days only from two on: "24 hours" is how a veto window is usually said.
  if (s % 86_400 === 0 && s >= 172_800) return plural(s / 86_400, "day");
  if (s % 3_600 === 0) return plural(s / 3_600, "hour");
  if (s % 60 === 0 && s < 3_600) return plural(s / 60, "minute");
  // Not whole: the two largest units, the rest dropped.
  const [big, small, bigUnit, smallUnit] = s >= 3_600 ? [3_600, 60, "hour", "minute"] : [60, 1, "minute", "second"];
  const rest = Math.floor((s % big) / small);
  const head = plural(Math.floor(s / big), bigUnit);
  return rest === 0 ? head : `${head} ${plural(rest, smallUnit)}`;
}

const VOTING_TYPE_WORDS: Record<VotingType, string> = {
  "single-choice": "Single choice",
  basic: "Basic (For, Against, Abstain)",
  approval: "Approval (any number of choices)",
  "ranked-choice": "Ranked choice (every choice in order)",
  copeland: "Copeland (ranked, pairwise)",
  weighted: "Weighted (power split across choices)",
  quadratic: "Quadratic (power split, counted quadratically)",
};

/** The voting type in words. */
export function votingTypeText(type: VotingType): string {
  return VOTING_TYPE_WORDS[type];
}

/** The choices numbered one per line, at most `max` of them, each label inert and clipped. */
export function choiceList(choices: readonly string[], max = 20): string {
  const lines = choices.slice(0, max).map((label, i) => `${i + 1}. ${safeClip(label, 100)}`);
  if (choices.length > max) lines.push(`…and ${choices.length - max} more on the proposal's page`);
  return lines.join("\n");
}

/** A ballot in words, inert, at most `max` characters: "For", "A > B > C", "A 75% · B 25%". */
export function ballotText(
  choice: SnapshotChoice | null,
  votingType: VotingType,
  choices: readonly string[],
  max = 150,
): string {
  return safeClip(describeChoice(choice, votingType, choices), max);
}

/** What will happen with a member's vote, in a few words for a list: "**For**", "asks you", "vetoed". */
export function outcomeText(
  decision: { outcome: string; choice: SnapshotChoice | null },
  override: OverrideView | null,
  proposal: Pick<ProposalView, "votingType" | "choices">,
): string {
  const ballot = (choice: SnapshotChoice) => `**${ballotText(choice, proposal.votingType, proposal.choices)}**`;
  if (override?.kind === "veto") return "vetoed";
  if (override?.kind === "own_vote") return "votes themselves";
  if (override?.kind === "abstain") return "overridden to abstain";
  if (override?.kind === "choice") return `overridden to ${ballot(override.choice)}`;
  switch (decision.outcome) {
    case "vote":
      return decision.choice === null ? "no vote" : ballot(decision.choice);
    case "abstain":
      return decision.choice === null ? "abstains" : `abstains (${ballot(decision.choice)})`;
    case "ask":
      return "asks you";
    default:
      return "will not vote";
  }
}
