import type { FeedCursor } from "./cursorStore.js";
import { chunk, hubLimits } from "./hubLimits.js";
import type { HubProposal } from "./hubProposal.js";
import type { FeedMessage } from "./operations/proposalFeed.js";
import { type ProposalSlice, proposalsWhereRequest } from "./operations/proposalsWhere.js";
import { type ApplyReport, applyHubProposals, type WatchContext } from "./watchContext.js";

type Waiting = FeedCursor["waiting"][number];

export interface FeedPageOutcome extends ApplyReport {
  deleted: number;
  /** Messages whose proposal the hub has not returned yet, carried in the cursor to the next poll. */
  waiting: Waiting[];
  /** Messages given up on (their proposal never appeared, e.g. created and deleted between two polls). */
  abandoned: number;
}

interface PageInput {
  messages: readonly FeedMessage[];
  /** Proposals that came back with the feed; most messages are answered from these without another request. */
  recent: readonly HubProposal[];
  waiting: readonly Waiting[];
  giveUpSeconds: number;
}

type Slice = ProposalSlice & { purpose: "ids" | "edits" | "deletions" };

/**
 * Applies one page of the hub's message log to the store: new proposals and edits are read (from the proposals that
 * came with the feed, else by id or by edit time), deletions are confirmed by asking for the space's stored
 * proposals and marking those the hub no longer has. The log's messages carry no proposal body and, for edits and
 * deletions, not even the proposal id, so the hub's current records are the only data trusted.
 */
export async function applyFeedPage(
  ctx: WatchContext,
  input: PageInput,
  signal?: AbortSignal,
): Promise<FeedPageOutcome> {
  const nowSeconds = Math.floor(ctx.now().getTime() / 1000);
  // Entries of spaces no longer watched are dropped: nobody asked for them any more.
  const wanted: Waiting[] = input.waiting.filter((w) => ctx.spaceIds.has(w.space));
  const deletionSpaces = new Set<string>();
  for (const m of input.messages) {
    if (!ctx.spaceIds.has(m.space)) continue;
    if (m.type === "proposal") wanted.push({ kind: "proposal", space: m.space, ref: m.id, firstSeen: nowSeconds });
    if (m.type === "update-proposal") {
      wanted.push({ kind: "update-proposal", space: m.space, ref: m.timestamp, firstSeen: nowSeconds });
    }
    if (m.type === "delete-proposal") deletionSpaces.add(m.space);
  }

  const found = new Map<string, HubProposal>();
  let unanswered = answer(wanted, input.recent, found);

  const slices: Slice[] = [];
  const ids = unanswered.filter((w) => w.kind === "proposal").map((w) => String(w.ref));
  for (const part of chunk([...new Set(ids)], hubLimits.inList)) {
    slices.push({ purpose: "ids", where: { id_in: part }, first: hubLimits.inList });
  }
  const edits = unanswered.filter((w) => w.kind === "update-proposal");
  for (const part of chunk(edits, hubLimits.inList)) {
    // An edit is answered by its proposal having `updated` at or after the edit's time (a later edit supersedes it).
    const since = Math.min(...part.map((w) => Number(w.ref)));
    slices.push({
      purpose: "edits",
      where: { space_in: [...new Set(part.map((w) => w.space))], updated_gte: since },
      orderBy: "updated",
    });
  }
  const checked = deletionSpaces.size
    ? await ctx.store.live([...deletionSpaces].flatMap((space) => ctx.spaceIds.get(space) ?? []))
    : [];
  for (const part of chunk(checked, hubLimits.inList)) {
    slices.push({ purpose: "deletions", where: { id_in: part.map((p) => p.externalId) }, first: hubLimits.inList });
  }

  const stillThere = new Set<string>();
  for (const group of chunk(slices, hubLimits.rootFields)) {
    const answers = await ctx.hub.send(proposalsWhereRequest("proposalLookup", group), signal);
    group.forEach((slice, i) => {
      for (const proposal of answers[i] ?? []) {
        found.set(proposal.id, proposal);
        if (slice.purpose === "deletions") stillThere.add(proposal.id);
      }
    });
  }
  unanswered = answer(unanswered, [...found.values()], found);
  unanswered = await withoutKnownDeletions(ctx, unanswered);

  const report = await applyHubProposals(ctx, [...found.values()]);
  const gone = checked.filter((p) => !stillThere.has(p.externalId)).map((p) => p.id);
  const deleted = await ctx.store.markDeleted(gone, "a delete-proposal message, and the hub no longer returns it");

  const waiting = dedupe(unanswered).filter((w) => nowSeconds - w.firstSeen < input.giveUpSeconds);
  const abandoned = dedupe(unanswered).length - waiting.length;
  if (abandoned > 0) {
    ctx.logger.warn(
      { abandoned: dedupe(unanswered).filter((w) => !waiting.includes(w)) },
      "Snapshot messages whose proposal never appeared on the hub were given up on",
    );
  }
  return { ...report, deleted, waiting, abandoned };
}

/** A "proposal" message for a proposal Tribune already marked deleted needs no answer from the hub. */
async function withoutKnownDeletions(ctx: WatchContext, unanswered: Waiting[]): Promise<Waiting[]> {
  const ids = unanswered.filter((w) => w.kind === "proposal").map((w) => String(w.ref));
  if (ids.length === 0) return unanswered;
  const deleted = await ctx.prisma.proposal.findMany({
    where: { source: "snapshot", externalId: { in: ids }, deletedAt: { not: null } },
    select: { externalId: true },
  });
  const known = new Set(deleted.map((d) => d.externalId));
  return unanswered.filter((w) => !(w.kind === "proposal" && known.has(String(w.ref))));
}

/** Marks what `proposals` answer (adding them to `found`) and returns the wanted entries still unanswered. */
function answer(
  wanted: readonly Waiting[],
  proposals: readonly HubProposal[],
  found: Map<string, HubProposal>,
): Waiting[] {
  const byId = new Map(proposals.map((p) => [p.id, p]));
  return wanted.filter((w) => {
    if (w.kind === "proposal") {
      const hit = byId.get(String(w.ref));
      if (hit && hit.space?.id === w.space) found.set(hit.id, hit);
      return !(hit && hit.space?.id === w.space);
    }
    const hits = proposals.filter((p) => p.space?.id === w.space && (p.updated ?? 0) >= Number(w.ref));
    for (const hit of hits) found.set(hit.id, hit);
    return hits.length === 0;
  });
}

/** One entry per message meaning, keeping the earliest sighting (so the give-up clock is not reset). */
function dedupe(entries: readonly Waiting[]): Waiting[] {
  const byKey = new Map<string, Waiting>();
  for (const entry of entries) {
    const key = `${entry.kind}\n${entry.space}\n${entry.ref}`;
    const known = byKey.get(key);
    if (!known || entry.firstSeen < known.firstSeen) byKey.set(key, entry);
  }
  return [...byKey.values()];
}
