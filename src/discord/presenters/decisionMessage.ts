import type { Impact } from "../../digest/digestSchema.js";
import { describeAction, describeRule } from "../../values/describeRules.js";
import type { RuleFiring } from "../../values/hardRules.js";
import { signed } from "../../values/plainText.js";
import type { SnapshotChoice } from "../../values/votingTypes.js";
import { choiceLabel } from "../../web/choiceShares.js";
import { evidenceBlock } from "./argumentsMessage.js";
import { safeClip, safeInline, safeText } from "./hostileText.js";
import { type EmbedSection, layoutEmbeds } from "./limits.js";
import { type EphemeralMessage, embedMessages, ephemeral } from "./presentedMessage.js";
import { ballotText, COLOURS, fullTime, proposalTitle, proposalUrl } from "./proposalText.js";
import type { DecisionView } from "./views.js";

// A member's own decision, for /why and /preview: everything the engine used, for the member alone (an ephemeral
// reply), so it may show their values in full whatever their privacy setting. The paragraph is the engine's own
// explanation; the sections are its numbers, and the quotes from the digest that the deciding numbers rest on.

/** How many dimensions' evidence is shown: the ones that moved the chosen choice most. */
const EVIDENCE_SHOWN = 3;
/** Choices shown in the per-dimension contributions, best first. */
const CHOICES_SHOWN = 6;

/** The member's decision as ephemeral message(s); `now` tells whether the vote is still to be cast. */
export function decisionMessages(view: DecisionView, now: Date): EphemeralMessage[] {
  const { decision, proposal } = view;
  const title = view.purpose === "preview" ? "Preview: how your agent would vote on" : "Your vote on";
  const embeds = layoutEmbeds({
    title: `${title} ${proposalTitle(proposal)}`,
    url: proposalUrl(proposal.source) ?? undefined,
    color: COLOURS.personal,
    description: [`**${outcomeWords(view)}**`, timingWords(view, now), safeText(decision.paragraph)]
      .filter(Boolean)
      .join("\n\n"),
    sections: [
      { name: "Scores per choice (weight × impact)", value: utilityLines(view) },
      { name: "What each of your values contributed", value: contributionLines(view) },
      { name: "Your rules that fired", value: decision.rulesFired.map((f) => ruleLine(view, f)).join("\n") },
      ...evidenceSections(view),
    ],
    footer:
      `Decision confidence ${decision.confidence.toFixed(2)} · decided by ${decision.decidedBy} · ` +
      `profile version ${decision.profileVersion}`,
  });
  return embedMessages(embeds).map(ephemeral);
}

function label(view: DecisionView, choice: number): string {
  return safeClip(choiceLabel(view.proposal.choices, choice), 60);
}

function outcomeWords(view: DecisionView): string {
  const { decision, proposal } = view;
  const ballot = (choice: SnapshotChoice | null) =>
    choice === null ? "" : ballotText(choice, proposal.votingType, proposal.choices);
  switch (decision.outcome) {
    case "vote":
      return `Tribune votes ${ballot(decision.choice)} for you.`;
    case "abstain":
      return `Tribune abstains for you${decision.choice === null ? "" : ` (${ballot(decision.choice)})`}.`;
    case "ask":
      return "Tribune is asking for your word: it will not vote for you on its own.";
    default:
      return "Tribune will not vote for you: your rule says you vote on these yourself.";
  }
}

function timingWords(view: DecisionView, now: Date): string {
  const { override, castsAt } = view;
  const lines: string[] = [];
  if (override?.kind === "veto") lines.push("You vetoed this vote: nothing is cast for you.");
  else if (override?.kind === "own_vote") lines.push("You voted yourself, so Tribune does not vote for you.");
  else if (override?.kind === "abstain") {
    lines.push("You chose to abstain; this ballot has no Abstain choice, so nothing is cast for you.");
  } else if (override?.kind === "choice") {
    const ballot = ballotText(override.choice, view.proposal.votingType, view.proposal.choices);
    lines.push(`You overrode it: Tribune casts **${ballot}** for you instead.`);
  }
  const casts = view.decision.outcome === "vote" || view.decision.outcome === "abstain" || override?.kind === "choice";
  const stopped = override !== null && override.kind !== "choice";
  if (castsAt === null) {
    lines.push("Nothing is announced yet; once it is, you have the veto window to change or veto it.");
  } else if (casts && !stopped) {
    lines.push(
      now.getTime() < castsAt.getTime()
        ? `Cast ${fullTime(castsAt)} unless you change or veto it.`
        : `The veto window closed ${fullTime(castsAt)}.`,
    );
  }
  if (view.paused) lines.push("⏸️ Casting is paused by a steward; nothing is cast until it resumes.");
  if (view.mode === "dry_run") lines.push("This space is in dry run: nothing is actually cast.");
  return lines.join("\n");
}

/** Choice numbers by utility, best first (ties to the lower number), at most `max`. */
function byUtility(utilities: readonly number[], max: number): number[] {
  return utilities
    .map((u, i) => ({ u, c: i + 1 }))
    .sort((a, b) => b.u - a.u || a.c - b.c)
    .slice(0, max)
    .map(({ c }) => c);
}

function utilityLines(view: DecisionView): string {
  const { utilities } = view.decision;
  return utilities.map((u, i) => `${label(view, i + 1)}: ${signed(u)}`).join("\n");
}

function contributionLines(view: DecisionView): string {
  const shown = byUtility(view.decision.utilities, CHOICES_SHOWN);
  return view.taxonomy
    .filter((d) => view.decision.contributions[d.id]?.some((v) => v !== 0))
    .map((d) => {
      const row = view.decision.contributions[d.id] as number[];
      const parts = shown.map((c) => `${label(view, c)} ${signed(row[c - 1] ?? 0)}`);
      return `**${safeClip(d.name, 60)}**: ${parts.join(" · ")}`;
    })
    .join("\n");
}

function ruleLine(view: DecisionView, firing: RuleFiring): string {
  const rule = view.rules[firing.index];
  const words =
    rule && rule.id === firing.ruleId ? describeRule(rule) : `Tribune will ${describeAction(firing.action)}.`;
  const state =
    firing.effect === "applied"
      ? firing.status === "may_apply"
        ? "may apply: the digest does not say enough to tell, so you are asked"
        : "applied"
      : "outranked by another rule";
  return `• **${safeInline(firing.ruleId)}** (${state}): ${safeText(words)}`;
}

/** The choice the decision rests on: the one voted for (the largest part of a split), else the best by utility. */
function decidingChoice(view: DecisionView): number | null {
  const choice = view.override?.kind === "choice" ? null : view.decision.choice;
  if (typeof choice === "number") return choice;
  if (Array.isArray(choice)) return choice[0] ?? null;
  if (choice) {
    const best = Object.entries(choice).sort((a, b) => b[1] - a[1] || Number(a[0]) - Number(b[0]))[0];
    if (best) return Number(best[0]);
  }
  return byUtility(view.decision.utilities, 1)[0] ?? null;
}

/** The digest's quotes behind the dimensions that moved the deciding choice most. */
function evidenceSections(view: DecisionView): EmbedSection[] {
  const choice = decidingChoice(view);
  if (choice === null) return [];
  const names = new Map(view.taxonomy.map((d) => [d.id, d.name]));
  const deciding = Object.entries(view.decision.contributions)
    .map(([id, row]) => ({ id, size: Math.abs(row[choice - 1] ?? 0) }))
    .filter((d) => d.size > 0 && names.has(d.id))
    .sort((a, b) => b.size - a.size || a.id.localeCompare(b.id))
    .slice(0, EVIDENCE_SHOWN);
  return deciding.flatMap(({ id }) => {
    const impact = view.impacts.find((i: Impact) => i.choice === choice && i.dimension === id);
    if (!impact) return [];
    const head = `Impact ${signed(impact.impact)} on ${label(view, choice)}: ${safeText(impact.reason)}`;
    const evidence = impact.evidence
      ? evidenceBlock(impact.evidence)
      : "_No quote backs this impact, so it counts for less._";
    return [{ name: `Evidence: ${safeClip(names.get(id) as string, 100)}`, value: `${head}\n${evidence}` }];
  });
}
