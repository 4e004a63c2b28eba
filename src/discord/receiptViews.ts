import { z } from "zod";
import type { Cast, PrismaClient, Proposal, Space } from "../generated/prisma/client.js";
import type { Privacy } from "../values/valueProfile.js";
import { REVIVABLE_SKIPS } from "../voting/castIntent.js";
import type { CastResultView, MemberRef, ReceiptEntryView, ReceiptsView } from "./presenters/views.js";
import { proposalView } from "./threadViews.js";

// The outbox's settled rows → the thread's receipts view. Every JSON column (Cast.receipt, Cast.payload.pool) goes
// through zod: a row written by an older or newer caster shows what can be read of it, never a half-parsed link.
//
// What counts as settled for the thread: confirmed and failed rows, and skipped rows whose reason is final. A skip the
// member can still undo before the end (a veto, an "ask me", …; REVIVABLE_SKIPS) is already in the plan message, so
// it joins the receipts only once they exist for another reason or the proposal has ended: a member who vetoed is told
// where their vote stands without the thread getting a receipts message before anything was cast.

/** Snapshot: the sequencer's receipt, or the hub's record found when reconciling. */
const snapshotReceiptSchema = z.object({
  source: z.enum(["sequencer", "hub"]),
  id: z.string().min(1),
  ipfs: z.string().nullish(),
});

/** Governor: the mined transaction. */
const chainReceiptSchema = z.object({
  source: z.literal("chain"),
  chainId: z.coerce.number().int(),
  txHash: z.string().min(1),
});

/** What the refusing hub or chain said, when a failure recorded it. */
const refusalSchema = z.union([
  z.object({ refusal: z.string() }).transform((r) => r.refusal),
  z.object({ description: z.string() }).transform((r) => r.description),
]);

/** A pooled row's members (src/voting/pooled*.ts): who counted, who was left out and why. */
const poolSchema = z.object({
  contributions: z
    .array(z.object({ memberId: z.string(), amounts: z.record(z.string(), z.unknown()).optional() }).loose())
    .default([]),
  leftOut: z.array(z.object({ memberId: z.string(), why: z.string() }).loose()).default([]),
});

/** Proposal states in which a skip can still be undone. */
const OPEN_STATES: ReadonlySet<string> = new Set(["pending", "active"]);

/** Reasons that belong to the other voting mode's rows: the row that replaced them tells the story. */
const HIDDEN_SKIPS: ReadonlySet<string> = new Set(["voting_mode_changed"]);

/** Builds the receipts view of a proposal from its settled casts; `entries` is empty when nothing is to be shown. */
export async function loadReceiptsView(
  deps: { prisma: PrismaClient; now: Date },
  proposal: Proposal,
  space: Space,
): Promise<ReceiptsView> {
  const { prisma } = deps;
  const rows = await prisma.cast.findMany({
    where: { proposalId: proposal.id, state: { in: ["confirmed", "failed", "skipped"] } },
    include: { member: { select: { id: true, discordUserId: true } } },
    orderBy: [{ updatedAt: "asc" }, { id: "asc" }],
  });
  const visible = rows.filter((r) => !(r.state === "skipped" && HIDDEN_SKIPS.has(r.failureReason ?? "")));
  const final = visible.filter((r) => !(r.state === "skipped" && REVIVABLE_SKIPS.has(r.failureReason ?? "")));
  const ended = proposal.endAt.getTime() <= deps.now.getTime() || !OPEN_STATES.has(proposal.state);
  const shown = final.length > 0 || ended ? visible : [];

  const pooledRow = shown.find((r) => r.voterKind === "pooled") ?? null;
  const pool = pooledRow ? poolSchema.safeParse((pooledRow.payload as { pool?: unknown } | null)?.pool) : null;
  const memberIds = new Set(shown.flatMap((r) => (r.memberId ? [r.memberId] : [])));
  for (const m of pool?.success ? pool.data.leftOut : []) memberIds.add(m.memberId);
  const refs = await memberRefs(prisma, space.id, [...memberIds]);

  const entries: ReceiptEntryView[] = shown.map((row) => ({
    voter:
      row.voterKind === "pooled"
        ? { kind: "pooled" }
        : { kind: "member", member: (row.memberId && refs.get(row.memberId)) || PRIVATE_UNKNOWN },
    choice: (row.choice ?? null) as ReceiptEntryView["choice"],
    result: resultOf(row, space),
    at: row.updatedAt,
  }));
  return {
    proposal: proposalView(proposal, space),
    power: { decimals: space.kind === "governor" ? 18 : 0, symbol: null },
    entries,
    pool:
      pooledRow && pool?.success
        ? {
            counted: pool.data.contributions.filter((c) =>
              c.amounts === undefined
                ? !pool.data.leftOut.some((l) => l.memberId === c.memberId)
                : Object.keys(c.amounts).length > 0,
            ).length,
            leftOut: pool.data.leftOut.map((l) => ({ member: refs.get(l.memberId) ?? null, why: l.why })),
          }
        : null,
  };
}

/** A voter Tribune cannot name: shown as "a delegator", like any private member. */
const PRIVATE_UNKNOWN: MemberRef = { discordUserId: "", privacy: "private" };

/** Each member's Discord id and their current privacy in the space (newest profile; private when none). */
async function memberRefs(prisma: PrismaClient, spaceId: string, memberIds: string[]): Promise<Map<string, MemberRef>> {
  if (memberIds.length === 0) return new Map();
  const [members, profiles] = await Promise.all([
    prisma.member.findMany({ where: { id: { in: memberIds } }, select: { id: true, discordUserId: true } }),
    prisma.valueProfile.findMany({
      where: { spaceId, memberId: { in: memberIds } },
      select: { memberId: true, privacy: true, version: true },
      orderBy: { version: "desc" },
    }),
  ]);
  const privacy = new Map<string, Privacy>();
  for (const p of profiles) if (!privacy.has(p.memberId)) privacy.set(p.memberId, p.privacy);
  return new Map(
    members.map((m) => [m.id, { discordUserId: m.discordUserId, privacy: privacy.get(m.id) ?? "private" }]),
  );
}

/** What became of one settled row, as the receipts show it. */
export function resultOf(row: Cast, space: Pick<Space, "kind" | "externalId">): CastResultView {
  if (row.state === "confirmed") {
    const chain = chainReceiptSchema.safeParse(row.receipt);
    if (chain.success) return { kind: "governor", chainId: chain.data.chainId, txHash: chain.data.txHash };
    const snapshot = snapshotReceiptSchema.safeParse(row.receipt);
    if (snapshot.success) return { kind: "snapshot", voteId: snapshot.data.id, ipfsHash: snapshot.data.ipfs ?? null };
    // A receipt Tribune cannot read: what the row itself pinned before sending still identifies the vote.
    if (space.kind === "governor" && row.txHash) {
      return { kind: "governor", chainId: Number(space.externalId.split(":")[0]), txHash: row.txHash };
    }
    return { kind: "snapshot", voteId: row.voteId ?? "not recorded", ipfsHash: null };
  }
  const reason = row.failureReason ?? "unknown";
  if (row.state === "skipped") {
    return reason === "dry_run" ? { kind: "dry_run" } : { kind: "skipped", reason, detail: null };
  }
  const refusal = refusalSchema.safeParse(row.receipt);
  return { kind: "failed", reason, detail: refusal.success ? refusal.data : null };
}
