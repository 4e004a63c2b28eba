import * as chains from "viem/chains";
import { clip } from "../../values/plainText.js";
import { CAST_REASONS, isCastReason } from "../../voting/castReasons.js";
import { maskedLink, safeClip, safeInline, safeText, userMention } from "./hostileText.js";
import { layoutEmbeds } from "./limits.js";
import { type PresentedMessage, presentMessage } from "./presentedMessage.js";
import { ballotText, COLOURS, proposalTitle, proposalUrl } from "./proposalText.js";
import type { ReceiptView, VoterView } from "./views.js";

// A receipt for one planned vote, posted to the proposal's thread: where to see the vote that was cast, what a dry run
// would have sent, or, in plain words, why nothing was cast.

/**
 * Snapshot's own IPFS gateway: the first of snapshot.js's gateways (its default), run by Snapshot, which pins what its
 * sequencer stores, so a receipt is served by the same party that recorded the vote.
 * @see https://github.com/snapshot-labs/snapshot.js/blob/master/src/gateways.json
 */
export const IPFS_GATEWAY = "https://ipfs.snapshot.box/ipfs/";

let explorers: Map<number, string | null> | undefined;

/** The block explorer viem knows for a chain id; null when it knows none, or several chains claim the id. */
export function blockExplorer(chainId: number): string | null {
  if (!explorers) {
    explorers = new Map();
    for (const chain of Object.values(chains) as { id?: unknown; blockExplorers?: { default?: { url?: string } } }[]) {
      const url = chain.blockExplorers?.default?.url;
      if (typeof chain.id !== "number" || !url) continue;
      const known = explorers.get(chain.id);
      explorers.set(chain.id, known === undefined || known === url ? url : null);
    }
  }
  return explorers.get(chainId) ?? null;
}

/** One cast's receipt as a message. Nobody is pinged. */
export function receiptMessage(view: ReceiptView): PresentedMessage {
  const { result } = view;
  const ballot =
    view.choice === null
      ? "no choice"
      : `**${ballotText(view.choice, view.proposal.votingType, view.proposal.choices)}**`;
  const lines: string[] = [];
  const sections: { name: string; value: string }[] = [];
  let title: string;
  let color: number = COLOURS.done;
  switch (result.kind) {
    case "snapshot":
      title = "Vote cast on Snapshot";
      lines.push(`Voted ${ballot} for ${voterText(view.voter)}.`);
      sections.push({ name: "Vote id", value: code(result.voteId) });
      if (result.ipfsHash) sections.push({ name: "IPFS", value: ipfsLink(result.ipfsHash) });
      break;
    case "governor":
      title = "Vote cast on-chain";
      lines.push(`Voted ${ballot} for ${voterText(view.voter)}.`);
      sections.push({ name: "Transaction", value: transactionLink(result.chainId, result.txHash) });
      break;
    case "dry_run":
      title = "Dry run: would have sent";
      color = COLOURS.plan;
      lines.push(`Would have voted ${ballot} for ${voterText(view.voter)}. Nothing was sent.`);
      break;
    case "failed":
    case "skipped":
      title = result.kind === "failed" ? "Vote not cast: it failed" : "Vote skipped";
      color = result.kind === "failed" ? COLOURS.problem : COLOURS.warning;
      lines.push(`No vote was cast for ${voterText(view.voter)} because ${reasonWords(result.reason)}.`);
      if (result.detail) lines.push(`> ${safeClip(result.detail, 500)}`);
      break;
  }
  if (view.reason && result.kind !== "failed" && result.kind !== "skipped") {
    sections.push({ name: "On-record reason", value: clip(safeText(view.reason), 1000) });
  }
  if (view.auditHash) sections.push({ name: "Audit entry", value: code(view.auditHash) });
  const embeds = layoutEmbeds({
    title: `${title}: ${proposalTitle(view.proposal, 150)}`,
    url: proposalUrl(view.proposal.source) ?? undefined,
    color,
    description: lines.join("\n"),
    sections,
    footer: `${view.proposal.spaceName} · ${view.at.toISOString().replace("T", " ").slice(0, 16)} UTC`,
  });
  return presentMessage({ embeds });
}

function voterText(voter: VoterView): string {
  if (voter.kind === "pooled") return "the pooled delegate";
  return (voter.member.privacy === "public" ? userMention(voter.member.discordUserId) : null) ?? "a delegator";
}

/**
 * A skip or failure code in the outbox's own words (src/voting/castReasons.ts; each completes "…because"), addressed
 * to the member it concerns; an unknown code is shown as it is, inert.
 */
export function reasonWords(code: string): string {
  // Own keys only: a code such as "constructor" must not find Object's own properties.
  const known = isCastReason(code) ? CAST_REASONS[code] : undefined;
  return known ?? `of a problem Tribune has no words for (${safeInline(code.replace(/_/g, " "))})`;
}

/** A vote id or hash as a receipt line shows it: inline code, or inert text when it is not plain. */
export function voteIdText(id: string): string {
  return code(id);
}

/** An id as inline code when it is plain letters and digits (inline code shows escapes literally), else inert text. */
function code(id: string): string {
  return /^[A-Za-z0-9]{1,200}$/.test(id) ? `\`${id}\`` : safeClip(id, 200);
}

function ipfsLink(hash: string): string {
  return /^[A-Za-z0-9]{10,100}$/.test(hash) ? maskedLink(hash, `${IPFS_GATEWAY}${hash}`) : code(hash);
}

/** A transaction hash linked on the chain's explorer, or as plain code when the explorer or the hash is unknown. */
export function transactionLink(chainId: number, hash: string): string {
  const explorer = blockExplorer(chainId);
  if (!explorer || !/^0x[0-9a-fA-F]{64}$/.test(hash)) return code(hash);
  return maskedLink(hash, `${explorer.replace(/\/$/, "")}/tx/${hash}`);
}
