import type { APIEmbed } from "discord.js";
import type { SnapshotChoice } from "../../values/votingTypes.js";
import { maskedLink, safeClip, userMention } from "./hostileText.js";
import {
  EMBED_DESCRIPTION_MAX,
  EMBEDS_TOTAL_MAX,
  layoutEmbeds,
  mostThatFit,
  packBlocks,
  packEmbeds,
} from "./limits.js";
import { formatCount, formatPowerWithUnit, parsePower } from "./powerAmounts.js";
import { embedMessages, type PresentedMessage } from "./presentedMessage.js";
import { ballotText, COLOURS, proposalTitle, proposalUrl } from "./proposalText.js";
import { IPFS_GATEWAY, reasonWords, transactionLink, voteIdText } from "./receiptMessage.js";
import type { MemberRef, ReceiptEntryView, ReceiptsView, VoterView } from "./views.js";

// The proposal thread's "Receipts": one message kind for every settled vote, edited as more settle (never one post
// per vote, which would flood the thread). Each vote is one line: who (a mention for public members, "a delegator"
// for private ones, "the pooled delegate"), the ballot, and where to check it (the vote id and its IPFS record on
// Snapshot, the transaction on the chain's explorer), or, in plain words, why nothing was cast. A pooled vote also
// names who was left out of the pool and why. Long lists continue over up to RECEIPTS_MAX_MESSAGES messages; whoever
// does not fit is counted in a closing line. Nobody is pinged.

/** Messages the receipts may take at most (each is a thread message part, edited as votes settle). */
export const RECEIPTS_MAX_MESSAGES = 5;

type Group = "cast" | "dry_run" | "not_cast";

const GROUP_TITLES: Record<Group, string> = {
  cast: "Cast",
  dry_run: "Dry run: would have voted (nothing was sent)",
  not_cast: "Not cast",
};

/** The receipts as one or more messages; none when nothing has settled. */
export function receiptsMessages(view: ReceiptsView, options: { maxMessages?: number } = {}): PresentedMessage[] {
  if (view.entries.length === 0) return [];
  const maxMessages = Math.max(1, options.maxMessages ?? RECEIPTS_MAX_MESSAGES);
  const counts = { cast: 0, dry_run: 0, not_cast: 0 };
  for (const entry of view.entries) counts[groupOf(entry)] += 1;
  const summary = [
    counts.cast > 0 ? `${formatCount(counts.cast)} cast` : null,
    counts.dry_run > 0 ? `${formatCount(counts.dry_run)} dry run` : null,
    counts.not_cast > 0 ? `${formatCount(counts.not_cast)} not cast` : null,
  ].filter((part): part is string => part !== null);
  const header = layoutEmbeds({
    title: `Receipts: ${proposalTitle(view.proposal)}`,
    url: proposalUrl(view.proposal.source) ?? undefined,
    color: counts.cast > 0 ? COLOURS.done : counts.dry_run > 0 ? COLOURS.plan : COLOURS.warning,
    description: [
      `${summary.join(" · ")}. This message is updated as votes settle.`,
      ...(view.pool ? poolLines(view) : []),
    ].join("\n"),
  });
  return embedMessages([...header, ...fittingLines(view, header, maxMessages)]);
}

function groupOf(entry: ReceiptEntryView): Group {
  switch (entry.result.kind) {
    case "snapshot":
    case "governor":
      return "cast";
    case "dry_run":
      return "dry_run";
    default:
      return "not_cast";
  }
}

/** Who was in the pooled vote and who was left out, and why. */
function poolLines(view: ReceiptsView): string[] {
  const pool = view.pool;
  if (!pool) return [];
  const lines = [
    `The pooled delegate's vote combined ${formatCount(pool.counted)} member${pool.counted === 1 ? "" : "s"}' ballots.`,
  ];
  if (pool.leftOut.length > 0) {
    lines.push("**Left out of the pooled vote:**");
    const shown = pool.leftOut.slice(0, 40);
    for (const { member, why } of shown) lines.push(`• ${memberText(member)}, because ${reasonWords(why)}`);
    if (pool.leftOut.length > shown.length) lines.push(`…and ${formatCount(pool.leftOut.length - shown.length)} more.`);
  }
  return lines;
}

/** One settled vote as a line. */
export function receiptLine(entry: ReceiptEntryView, view: Pick<ReceiptsView, "proposal" | "power">): string {
  const who = voterText(entry.voter);
  const ballot = `**${choiceText(entry.choice, view)}**`;
  const { result } = entry;
  switch (result.kind) {
    case "snapshot": {
      const record = result.ipfsHash && /^[A-Za-z0-9]{10,100}$/.test(result.ipfsHash);
      const ipfs = record ? ` · ${maskedLink("IPFS record", `${IPFS_GATEWAY}${result.ipfsHash}`)}` : "";
      return `• ${who} → ${ballot} · vote ${voteIdText(result.voteId)}${ipfs}`;
    }
    case "governor":
      return `• ${who} → ${ballot} · transaction ${transactionLink(result.chainId, result.txHash)}`;
    case "dry_run":
      return `• ${who} → would have voted ${ballot}`;
    case "failed": {
      const detail = result.detail ? ` (${safeClip(result.detail, 200)})` : "";
      return `• ${who} → not cast, it failed because ${reasonWords(result.reason)}${detail}`;
    }
    case "skipped":
      return `• ${who} → not cast, because ${reasonWords(result.reason)}`;
  }
}

function voterText(voter: VoterView): string {
  return voter.kind === "pooled" ? "the pooled delegate" : memberText(voter.member);
}

/** A public member as a mention (nobody is pinged: allowed mentions are empty), anyone else as "a delegator". */
function memberText(member: MemberRef | null): string {
  if (member?.privacy !== "public") return "a delegator";
  return userMention(member.discordUserId) ?? "a delegator";
}

function choiceText(choice: ReceiptEntryView["choice"], view: Pick<ReceiptsView, "proposal" | "power">): string {
  if (choice === null) return "no choice";
  if (typeof choice === "object" && !Array.isArray(choice) && "fractional" in choice) {
    // A Governor's fractional vote: the pooled power per support, in the proposal's choice order.
    const parts = Object.entries(choice.fractional).map(([support, amount]) => {
      const power = parsePower(amount, view.power);
      const label = safeClip(support.charAt(0).toUpperCase() + support.slice(1), 40);
      return `${label} ${power === null ? "?" : formatPowerWithUnit(power, view.power)}`;
    });
    return parts.join(" · ") || "no choice";
  }
  return ballotText(choice as SnapshotChoice, view.proposal.votingType, view.proposal.choices);
}

/** The lines by group, as embeds: as many as fit in `maxMessages` messages beside the header, then a closing count. */
function fittingLines(view: ReceiptsView, header: readonly APIEmbed[], maxMessages: number): APIEmbed[] {
  const order: Group[] = ["cast", "dry_run", "not_cast"];
  const lines: { group: Group; text: string }[] = [];
  let length = 0;
  for (const group of order) {
    for (const entry of view.entries) {
      // Lines are built only until they alone would fill every message: the rest could never be shown.
      if (groupOf(entry) !== group || length > maxMessages * EMBEDS_TOTAL_MAX) continue;
      const text = receiptLine(entry, view);
      lines.push({ group, text });
      length += text.length + 1;
    }
  }
  const build = (shown: number): APIEmbed[] => {
    const embeds: APIEmbed[] = [];
    for (const group of order) {
      const blocks = lines.slice(0, shown).filter((l) => l.group === group);
      if (blocks.length === 0) continue;
      packBlocks(
        blocks.map((b) => b.text),
        EMBED_DESCRIPTION_MAX,
        "\n",
      ).forEach((description, i) => {
        embeds.push(i === 0 ? { title: GROUP_TITLES[group], description } : { description });
      });
    }
    const rest = view.entries.length - shown;
    if (rest > 0) embeds.push({ description: `…and ${formatCount(rest)} more: see the web view for every receipt.` });
    return embeds;
  };
  const fits = (shown: number) => packEmbeds([...header, ...build(shown)]).length <= maxMessages;
  return build(mostThatFit(lines.length, fits));
}
