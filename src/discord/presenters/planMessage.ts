import { type APIEmbed, ButtonStyle } from "discord.js";
import { LINE_MAX_CHARS } from "../../values/explainDecision.js";
import { safeClip, userMention } from "./hostileText.js";
import {
  EMBED_DESCRIPTION_MAX,
  EMBEDS_TOTAL_MAX,
  layoutEmbeds,
  mostThatFit,
  packBlocks,
  packEmbeds,
} from "./limits.js";
import { formatCount, formatPowerWithUnit, parsePower } from "./powerAmounts.js";
import { breakdownLines, pooledLines, powerBreakdown } from "./powerBreakdown.js";
import { button, buttonRows, customId, embedMessages, type PresentedMessage } from "./presentedMessage.js";
import {
  COLOURS,
  durationText,
  fullTime,
  outcomeText,
  proposalTitle,
  proposalUrl,
  relativeTime,
} from "./proposalText.js";
import type { PlanMemberView, PlanView } from "./views.js";

// "How Tribune will vote": what is about to be done in members' names, with the time left to stop it. The first
// message holds the header, the power breakdown and the buttons (part 0 always exists, so the buttons never move
// between edits); the member lines follow, over as many messages as `maxMessages` allows, and whoever does not fit is
// counted in a closing line. Private members are "a delegator": no mention, no power, no explanation.
//
// Nobody is pinged: the message is edited each time a decision changes and may list thousands of members; the
// reminder is the message that pings, and only those who must act.

/** Messages the plan may take at most (each is a thread message part that is edited when decisions change). */
export const PLAN_MAX_MESSAGES = 5;

/** "How Tribune will vote" as one or more messages; `now` decides whether the veto window is still open. */
export function planMessages(view: PlanView, now: Date, options: { maxMessages?: number } = {}): PresentedMessage[] {
  const maxMessages = Math.max(1, options.maxMessages ?? PLAN_MAX_MESSAGES);
  const open = now.getTime() < view.castsAt.getTime();
  const header = layoutEmbeds({
    title: `How Tribune will vote: ${proposalTitle(view.proposal)}`,
    url: proposalUrl(view.proposal.source) ?? undefined,
    color: view.paused ? COLOURS.warning : COLOURS.plan,
    description: headerLines(view, open).join("\n\n"),
    sections: [
      { name: "Voting power by choice", value: breakdownText(view) },
      ...(view.pooled ? [{ name: "Pooled vote", value: pooledText(view) }] : []),
    ],
    footer: `${view.proposal.spaceName} · ${view.mode === "live" ? "live" : "dry run"} · ${formatCount(view.members.length)} members`,
  });
  const components = buttonRows([
    button("Change my vote", customId("vote", "change", view.proposal.id), ButtonStyle.Primary, !open),
    button("Veto my vote", customId("vote", "veto", view.proposal.id), ButtonStyle.Danger, !open),
    // An explanation stays worth reading after the votes are cast, so "Why?" never closes.
    button("Why?", customId("vote", "why", view.proposal.id), ButtonStyle.Secondary),
  ]);
  return embedMessages([...header, ...fittingMembers(view, header, maxMessages)], components);
}

function headerLines(view: PlanView, open: boolean): string[] {
  const where = view.proposal.source.kind === "snapshot" ? "on Snapshot" : "on-chain";
  const lines = [
    view.mode === "live"
      ? `**Live:** these votes are cast ${where} in members' names.`
      : "**Dry run:** nothing will be cast. This is what Tribune would do.",
  ];
  if (view.paused) lines.push("⏸️ **Casting is paused by a steward; nothing is cast until it resumes.**");
  if (view.votingMode === "pooled") {
    lines.push("**Pooled:** one delegate votes for all members together, their ballots weighed by voting power.");
  }
  lines.push(windowText(view, open));
  return lines;
}

function windowText(view: PlanView, open: boolean): string {
  if (!open) {
    const what = view.mode === "live" ? "receipts follow in this thread" : "nothing was cast (dry run)";
    return `The veto window closed ${relativeTime(view.castsAt)}; votes can no longer be changed here, ${what}.`;
  }
  const cast = view.mode === "live" ? "Votes are cast" : "Votes would be cast";
  const base = `${cast} ${fullTime(view.castsAt)} unless you change or veto yours.`;
  if (!view.windowShrunk) return base;
  return (
    `${base} The proposal ends ${relativeTime(view.proposal.endAt)}, so the usual ` +
    `${durationText(view.vetoWindowSeconds)} veto window is shortened to fit.`
  );
}

function breakdownText(view: PlanView): string {
  const { rows, withoutPower: unknown } = powerBreakdown(view.members, view.proposal, view.power);
  if (rows.length === 0) return "No member has a decision on this proposal yet.";
  const lines = breakdownLines(rows, view.power);
  if (unknown > 0) lines.push(`_${formatCount(unknown)} of them without any voting power detected._`);
  return lines.join("\n");
}

/** The pooled split, then what the private members put in, in one sum (their names and amounts stay private). */
function pooledText(view: PlanView): string {
  const lines = view.pooled ? pooledLines(view.pooled, view.proposal, view.power) : [];
  const hidden = view.members.filter((m) => m.privacy === "private" || userMention(m.discordUserId) === null);
  if (hidden.length > 0) {
    const power = hidden.reduce((sum, m) => sum + (parsePower(m.votingPower, view.power) ?? 0n), 0n);
    const who = `${formatCount(hidden.length)} delegator${hidden.length === 1 ? "" : "s"} with private profiles`;
    lines.push(`From ${who}: ${formatPowerWithUnit(power, view.power)} in all.`);
  }
  return lines.join("\n");
}

/** One member's line: a mention (public) or "a delegator" (private), what happens, and for public members why. */
export function memberLine(member: PlanMemberView, view: Pick<PlanView, "proposal" | "power">): string {
  const outcome = outcomeText(member, member.override, view.proposal);
  const mention = member.privacy === "public" ? userMention(member.discordUserId) : null;
  if (mention === null) return `• a delegator → ${outcome}`;
  const power = parsePower(member.votingPower, view.power);
  const amount = power === null ? "" : ` · ${formatPowerWithUnit(power, view.power)}`;
  const why = member.override === null && member.line ? `: ${safeClip(member.line, LINE_MAX_CHARS)}` : "";
  return `• ${mention} → ${outcome}${amount}${why}`;
}

/** The member lines as embeds: as many as fit in `maxMessages` messages beside the header, then a closing count. */
function fittingMembers(view: PlanView, header: readonly APIEmbed[], maxMessages: number): APIEmbed[] {
  if (view.members.length === 0) return [];
  // Lines are built only until they alone would fill every message: the rest could never be shown.
  const lines: string[] = [];
  let length = 0;
  for (const member of view.members) {
    if (length > maxMessages * EMBEDS_TOTAL_MAX) break;
    const line = memberLine(member, view);
    lines.push(line);
    length += line.length + 1;
  }
  const privateCount = view.members.filter((m) => m.privacy === "private").length;
  const title = `Members (${formatCount(view.members.length)}${privateCount > 0 ? `, ${formatCount(privateCount)} private` : ""})`;
  const build = (shown: number): APIEmbed[] => {
    const rest = view.members.length - shown;
    const blocks = lines.slice(0, shown);
    if (rest > 0) blocks.push(`…and ${formatCount(rest)} more: see /why or the web view.`);
    return packBlocks(blocks, EMBED_DESCRIPTION_MAX, "\n").map((description, i) =>
      i === 0 ? { title, color: COLOURS.plan, description } : { color: COLOURS.plan, description },
    );
  };
  const fits = (shown: number) => packEmbeds([...header, ...build(shown)]).length <= maxMessages;
  return build(mostThatFit(lines.length, fits));
}
