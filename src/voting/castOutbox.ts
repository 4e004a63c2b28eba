import { createHash } from "node:crypto";
import type { AuditLog } from "../audit/auditLog.js";
import { canonicalJson } from "../audit/canonicalJson.js";
import type { ChainedEntry } from "../audit/hashChain.js";
import type { Cast, CastState, Prisma, PrismaClient, SpaceKind } from "../generated/prisma/client.js";
import type { Explanation } from "../values/explainDecision.js";
import { snapshotVoteReason } from "./snapshot/voteMessage.js";

// The casting outbox's state machine. One row per (proposal, voter address):
//
//   planned ─markAnnounced→ announced ─dueAt passed→ due ─claim→ signing ─beforeSubmit→ submitted ─→ confirmed
//      ↑                        │                     ↑            │  │                      │      ├→ failed(code)
//      └──── stale (new decision or word) ───────────┘            │  └→ skipped(reason)     └──────┴→ due (retry)
//   skipped(vetoed|asked|never|…) ⇄ planned (the member's word or decision changes)
//
// Every transition is one conditional UPDATE (WHERE id AND state AND attempts = what the mover read) and its audit
// entry, in one transaction: two workers can never both move the same row, and a row never changes without a record.
// `attempts` is the fencing token: each claim increments it, so a worker whose lease ran out (and whose row another
// worker reclaimed) finds its later updates refused. `nextAttemptAt` is the retry time in `due` and the lease's end in
// `signing`/`submitted`: a worker killed mid-cast leaves a row that another worker reclaims when the lease ends.

/** What a mover read: the row's id, state and fencing token. */
export interface CastFence {
  readonly id: string;
  readonly state: CastState;
  readonly attempts: number;
}

/** The row fields a transition may set (never id, proposal, voter). */
export type CastChanges = Omit<Prisma.CastUncheckedUpdateManyInput, "id" | "proposalId" | "voterAddress" | "state">;

export interface CastOutboxOptions {
  prisma: PrismaClient;
  audit: AuditLog;
  /** How long a claim holds a row; must exceed a cast's worst case (hub reads + the sequencer's timeout). 120 s. */
  leaseMs?: number;
  /** Who the audit log names for the outbox's own moves. */
  actor?: string;
}

export interface CastOutbox {
  /**
   * Moves due rows into `signing` under a lease and returns them (none while the casting switch or the row's space
   * is paused), of spaces of one kind (each kind has its own caster; Snapshot by default): announced rows whose veto window
   * has passed, `due` rows whose retry time has come, and `signing`/`submitted` rows whose lease ran out (their worker
   * died). Rows another transaction holds are skipped, so any number of workers can claim at once.
   */
  claimDue(now: Date, limit: number, kind?: SpaceKind): Promise<Cast[]>;
  /** One conditional transition with its audit entry; null when the row was not in `from` (someone else moved it). */
  move(
    from: CastFence,
    to: CastState,
    changes: CastChanges,
    event: { action?: string; data?: Record<string, unknown> },
  ): Promise<{ row: Cast; entry: ChainedEntry } | null>;
}

/** Moves one row inside the caller's transaction (the planner and announcer batch several). */
export async function moveCast(
  tx: Prisma.TransactionClient,
  audit: AuditLog,
  from: CastFence,
  to: CastState,
  changes: CastChanges,
  event: { action?: string; actor?: string; data?: Record<string, unknown> },
): Promise<{ row: Cast; entry: ChainedEntry } | null> {
  const { count } = await tx.cast.updateMany({
    where: { id: from.id, state: from.state, attempts: from.attempts },
    data: { ...changes, state: to },
  });
  if (count !== 1) return null;
  const row = await tx.cast.findUniqueOrThrow({ where: { id: from.id } });
  const entry = await audit.append(castEvent(row, from.state, to, event), tx);
  return { row, entry };
}

/** The audit event of one transition: who, which row, from and to, and what the row now says. */
export function castEvent(
  row: Cast,
  from: CastState | null,
  to: CastState,
  event: { action?: string; actor?: string; data?: Record<string, unknown> },
) {
  return {
    action: event.action ?? `cast.${to}`,
    actor: event.actor ?? "system",
    spaceId: row.spaceId,
    proposalId: row.proposalId,
    memberId: row.memberId,
    data: {
      castId: row.id,
      voter: row.voterAddress,
      from,
      to,
      choice: row.choice,
      decisionId: row.decisionId,
      attempts: row.attempts,
      ...(row.failureReason && (to === "failed" || to === "skipped") ? { reason: row.failureReason } : {}),
      ...event.data,
    },
  };
}

/** Builds the outbox over Prisma. */
export function createCastOutbox(options: CastOutboxOptions): CastOutbox {
  const { prisma, audit } = options;
  const leaseMs = options.leaseMs ?? 120_000;
  const actor = options.actor ?? "system";

  return {
    async claimDue(now, limit, kind = "snapshot") {
      return prisma.$transaction(
        async (tx) => {
          // SKIP LOCKED: rows another worker (or the planner) holds are left to it; the conditional updates below
          // would refuse them anyway, this only spares the wait.
          const picked = await tx.$queryRaw<{ id: string }[]>`
            SELECT c.id FROM "Cast" c JOIN "Space" s ON s.id = c."spaceId"
            WHERE s.paused = false AND s.kind::text = ${kind}
            AND NOT EXISTS (SELECT 1 FROM "Switch" w WHERE w.name = 'casting.paused' AND w."on")
            AND (
              (c.state = 'announced' AND c."dueAt" <= (${now.toISOString()}::timestamptz AT TIME ZONE 'UTC'))
              OR (c.state = 'due' AND (c."nextAttemptAt" IS NULL
                   OR c."nextAttemptAt" <= (${now.toISOString()}::timestamptz AT TIME ZONE 'UTC')))
              OR (c.state IN ('signing', 'submitted')
                   AND c."nextAttemptAt" <= (${now.toISOString()}::timestamptz AT TIME ZONE 'UTC')))
            ORDER BY c."dueAt" NULLS LAST, c.id
            LIMIT ${limit}
            FOR UPDATE OF c SKIP LOCKED`;
          if (picked.length === 0) return [];
          const rows = await tx.cast.findMany({
            where: { id: { in: picked.map((p) => p.id) } },
            include: { decision: { include: { digest: { select: { content: true } } } } },
          });
          const lease = new Date(now.getTime() + leaseMs);
          const claimed: Cast[] = [];
          for (const { decision, ...found } of rows) {
            let row: Cast = found;
            if (row.state === "announced") {
              const moved = await moveCast(tx, audit, row, "due", {}, { actor, data: { dueAt: row.dueAt } });
              if (!moved) continue;
              row = moved.row;
            }
            const reclaimed = row.state === "signing" || row.state === "submitted";
            const moved = await moveCast(
              tx,
              audit,
              row,
              "signing",
              { attempts: row.attempts + 1, nextAttemptAt: lease },
              {
                action: reclaimed ? "cast.reclaimed" : "cast.signing",
                actor,
                data: { leaseUntil: lease.toISOString(), voteId: row.voteId, digest: digestHashOf(decision) },
              },
            );
            if (!moved) continue;
            row = moved.row;
            if (row.reason === null) {
              // The on-record reason carries this entry's hash: the entry names the ballot, the decision and the
              // voter, so anyone holding the vote can find its full record. Pinned here, once: a retry re-signs the
              // identical message.
              const text = explanationFor(decision, row.choice);
              row = await tx.cast.update({
                where: { id: row.id },
                data: {
                  reason: snapshotVoteReason(text, moved.entry.hash),
                  payload: { digestHash: digestHashOf(decision), auditHash: moved.entry.hash },
                },
              });
            }
            claimed.push(row);
          }
          return claimed;
        },
        { maxWait: 30_000, timeout: 60_000 },
      );
    },

    move(from, to, changes, event) {
      return prisma.$transaction((tx) => moveCast(tx, audit, from, to, changes, { actor, ...event }), {
        maxWait: 30_000,
        timeout: 30_000,
      });
    },
  };
}

type DecisionWithDigest = {
  choice: Prisma.JsonValue;
  explanation: Prisma.JsonValue;
  digest: { content: Prisma.JsonValue };
} | null;

/** sha256 of the digest's canonical content: the vote's metadata names the reading it rests on. */
function digestHashOf(decision: DecisionWithDigest): string {
  if (!decision) return "none";
  return createHash("sha256").update(canonicalJson(decision.digest.content)).digest("hex");
}

/** The decision's public reason when the cast follows it; otherwise the member chose the ballot themselves. */
function explanationFor(decision: DecisionWithDigest, choice: Prisma.JsonValue): string {
  if (decision && canonicalJson(decision.choice) === canonicalJson(choice)) {
    const reason = (decision.explanation as unknown as Partial<Explanation>).reason;
    if (typeof reason === "string" && reason.trim() !== "") return reason;
  }
  return "Cast as the member chose.";
}
