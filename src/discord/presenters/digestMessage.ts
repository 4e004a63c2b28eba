import type { MoneyFlow } from "../../digest/digestSchema.js";
import { formatUsd } from "../../values/describeRules.js";
import { maskedLink, safeClip, safeInline, safeText } from "./hostileText.js";
import { type EmbedSection, layoutEmbeds } from "./limits.js";
import { embedMessages, type PresentedMessage } from "./presentedMessage.js";
import { COLOURS, choiceList, fullTime, proposalTitle, proposalUrl, votingTypeText } from "./proposalText.js";
import type { DigestView, ProposalView } from "./views.js";

// The thread's opening message: what the proposal does, in the digest's words, with the warning first when the digest
// cannot be trusted. The first message returned is the one the thread is started on; a digest too long for one
// message continues in the next ones (parts 1, 2… of the "digest" thread message).

/** Said wherever a flagged or unreliable digest is shown: the one promise that matters to members. */
export const NO_AUTOMATIC_VOTE = "Tribune will not vote automatically on this proposal; members are asked.";

const FAMILY_WORDS: Record<string, string> = {
  ignore_previous: "orders to ignore earlier instructions",
  addressed_to_ai: "text addressed to an AI",
  role_play: "role-play instructions",
  assessment_steering: "instructions on how to rate the proposal",
  fake_markup: "forged chat markup",
  hidden_html: "hidden HTML",
  hidden_style: "text hidden by styling",
  invisible_characters: "invisible characters",
  encoded_blob: "encoded text",
};

/** The digest as the thread's opening message(s). */
export function digestMessages(proposal: ProposalView, digest: DigestView): PresentedMessage[] {
  const { content } = digest;
  const warned = digest.assessment.flagged || digest.assessment.unreliable;
  const description = [
    ...warningLines(digest),
    `**TL;DR** ${safeText(content.tldr)}`,
    content.extractive
      ? "_Extractive summary by the offline summariser: sentences taken from the proposal, not a model's judgement._"
      : "",
  ].filter(Boolean);
  const sections: EmbedSection[] = [
    { name: "What changes", value: bullets(content.whatChanges) },
    { name: "Money", value: content.money.map(moneyLine).join("\n") },
    { name: "Risks", value: bullets(content.risks) },
    { name: "Voting ends", value: fullTime(proposal.endAt) },
    {
      name: `Voting: ${votingTypeText(proposal.votingType)}`,
      value: choiceList(proposal.choices) || "No choices listed.",
    },
    { name: "Proposed by", value: proposal.author ? safeClip(proposal.author, 120) : "" },
    { name: "Discussion", value: proposal.discussionUrl ? maskedLink("Forum thread", proposal.discussionUrl) : "" },
  ];
  const embeds = layoutEmbeds({
    title: proposalTitle(proposal),
    url: proposalUrl(proposal.source) ?? undefined,
    color: warned ? COLOURS.warning : COLOURS.digest,
    description: description.join("\n\n"),
    sections,
    footer: provenance(proposal, digest),
  });
  return embedMessages(embeds);
}

/** The warning a flagged or unreliable digest carries, first thing in the message. */
function warningLines(digest: DigestView): string[] {
  if (!digest.assessment.flagged && !digest.assessment.unreliable) return [];
  const lines = [`⚠️ **${NO_AUTOMATIC_VOTE}**`];
  if (digest.assessment.flagged) lines.push(`The injection screen found ${screenWords(digest)}.`);
  if (digest.assessment.unreliable) {
    const tally = digest.evidenceCheck;
    const count = tally && tally.claims > 0 ? ` (${tally.failures} of ${tally.claims})` : "";
    lines.push(`Too many of the digest's claims failed the evidence check${count}.`);
  }
  return [lines.join("\n")];
}

function screenWords(digest: DigestView): string {
  const kinds = [...new Set(digest.screen.map((f) => FAMILY_WORDS[f.family] ?? f.family.replace(/_/g, " ")))];
  const places = [
    ...new Set(
      digest.screen.map((f) =>
        f.source.kind === "proposal" ? `the proposal's ${f.source.field}` : maskedLink("a forum post", f.source.url),
      ),
    ),
  ];
  const what = kinds.length > 0 ? safeInline(kinds.slice(0, 4).join(", ")) : "instruction-like text";
  return places.length > 0 ? `${what} in ${places.slice(0, 5).join(", ")}` : what;
}

function bullets(items: readonly string[]): string {
  return items.map((item) => `• ${safeInline(item)}`).join("\n");
}

const DIRECTION_WORDS: Record<MoneyFlow["direction"], string> = {
  outflow: "Out of the treasury",
  inflow: "Into the treasury",
  other: "Moves",
};

/** "• Out of the treasury: 250,000 USDC → Grants council (≈ $250,000)". */
function moneyLine(flow: MoneyFlow): string {
  const token = flow.token ? ` ${safeInline(flow.token)}` : "";
  const recipient = flow.recipient ? ` → ${safeInline(flow.recipient)}` : "";
  const usd = flow.usdEstimate === null ? "" : ` (≈ ${formatUsd(flow.usdEstimate)})`;
  return `• ${DIRECTION_WORDS[flow.direction]}: ${safeInline(flow.amount)}${token}${recipient}${usd}`;
}

/** Footers render no markdown: plain words only. */
function provenance(proposal: ProposalView, digest: DigestView): string {
  const by =
    digest.provider === "offline"
      ? "the offline summariser"
      : `${digest.provider}:${digest.model}`.replace(/[^\w.:/@-]/g, "").slice(0, 80);
  const confidence = digest.assessment.confidence.toFixed(2);
  const category = digest.content.category.replace(/_/g, " ");
  return `${proposal.spaceName} · digest by ${by} · prompt ${digest.promptVersion} · confidence ${confidence} · ${category}`;
}
