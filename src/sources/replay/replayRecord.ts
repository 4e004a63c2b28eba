import type { KeptPost } from "../forum/debateSelection.js";
import type { HubProposal } from "../snapshot/hubProposal.js";
import { type ProposalRecord, toProposalRecord } from "../snapshot/proposalRecord.js";
import type { BundledProposal } from "./replayBundle.js";

// A bundled proposal becomes exactly what the Snapshot watcher stores: a hub-shaped record with its window moved to
// the replay's start, through the watcher's own toProposalRecord, so the content hash, the voting type and every
// check downstream are the real ones. The window is fixed by the anchor (stored once), so a restart stores the same
// content hash and nothing is re-digested.

/** When a bundled proposal's vote opens and closes (unix seconds), for a replay that started at `anchor`. */
export function replayWindow(proposal: BundledProposal, anchor: Date): { start: number; end: number } {
  const start = Math.floor(anchor.getTime() / 1000) + Math.round(proposal.timing.startMinutes * 60);
  return { start, end: start + Math.round(proposal.timing.durationHours * 3600) };
}

/** The hub's record of the proposal as it would read in `space` on this replay. */
export function replayHubProposal(proposal: BundledProposal, space: string, anchor: Date): HubProposal {
  const { start, end } = replayWindow(proposal, anchor);
  return {
    id: proposal.id,
    ipfs: null,
    author: proposal.author,
    created: start,
    updated: null,
    title: proposal.title,
    body: proposal.body,
    // Left empty on purpose: the forum reader would otherwise try to fetch the bundled topic from the network and
    // record it unreachable; the replay stores the debate itself (see replayForumTopic).
    discussion: "",
    choices: proposal.choices,
    labels: [],
    type: proposal.type,
    start,
    end,
    snapshot: null,
    state: null,
    privacy: null,
    network: "1",
    symbol: "TDAO",
    quorum: 0,
    quorumType: "default",
    app: "tribune-replay",
    link: null,
    flagged: false,
    space: { id: space },
    strategies: [],
  };
}

/** The stored record; a bundled proposal the Snapshot rules refuse is a broken bundle, so it throws. */
export function replayRecord(proposal: BundledProposal, space: string, anchor: Date): ProposalRecord {
  const verdict = toProposalRecord(replayHubProposal(proposal, space, anchor));
  if (!verdict.ok) throw new Error(`bundled proposal ${proposal.id} is not storable: ${verdict.reason}`);
  return verdict.record;
}

/** The debate as the forum reader would have kept it: one post per entry, numbered from 1, written before the vote. */
export function replayForumTopic(
  proposal: BundledProposal,
  anchor: Date,
): { url: string; host: string; posts: KeptPost[] } {
  const { start } = replayWindow(proposal, anchor);
  const { url, posts } = proposal.forum;
  return {
    url,
    host: new URL(url).host,
    posts: posts.map((post, i) => ({
      url: `${url}/${i + 1}`,
      author: post.author,
      text: post.text,
      postNumber: i + 1,
      likes: post.likes,
      // An hour apart, the last one an hour before the vote opened.
      createdAt: new Date((start - (posts.length - i) * 3600) * 1000).toISOString(),
    })),
  };
}
