import type { APIEmbed } from "discord.js";
import type { Argument, Evidence } from "../../digest/digestSchema.js";
import { maskedLink, quoteBlock, safeText } from "./hostileText.js";
import { EMBED_DESCRIPTION_MAX, packBlocks } from "./limits.js";
import { embedMessages, type PresentedMessage } from "./presentedMessage.js";
import { COLOURS, proposalUrl } from "./proposalText.js";
import type { DigestView, ProposalView } from "./views.js";

// The argument map: every argument for and against, each with the verbatim quote that backs it and where the quote
// comes from. Arguments are packed whole into embed descriptions (an argument is split only if it alone is longer than
// a description), and the embeds into as many messages as they need.

/** The arguments for and against, as one or more messages. */
export function argumentsMessages(proposal: ProposalView, digest: DigestView): PresentedMessage[] {
  const url = proposalUrl(proposal.source) ?? undefined;
  return embedMessages([
    ...side("Arguments for", digest.content.arguments.for, COLOURS.for, url),
    ...side("Arguments against", digest.content.arguments.against, COLOURS.against, url),
  ]);
}

function side(title: string, items: readonly Argument[], color: number, url: string | undefined): APIEmbed[] {
  const blocks = items.map((item, i) => `**${i + 1}.** ${safeText(item.claim)}\n${evidenceBlock(item.evidence)}`);
  const texts = packBlocks(blocks, EMBED_DESCRIPTION_MAX, "\n\n");
  if (texts.length === 0) texts.push("_None found in the proposal or its debate._");
  return texts.map((description, i) =>
    i === 0
      ? { title: `${title} (${items.length})`, ...(url ? { url } : {}), color, description }
      : { color, description },
  );
}

/** The quote as a block quote, then its source: the proposal, or a link to the forum post. */
export function evidenceBlock(evidence: Evidence): string {
  const source =
    evidence.source.kind === "proposal"
      ? "the proposal"
      : maskedLink(
          evidence.source.author ? `forum post by ${evidence.source.author}` : "forum post",
          evidence.source.url,
        );
  return `${quoteBlock(evidence.quote)}\n— ${source}`;
}
