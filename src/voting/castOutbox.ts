import { createHash } from "node:crypto";
import type { AuditLog } from "../audit/auditLog.js";
import { canonicalJson } from "../audit/canonicalJson.js";
import type { ChainedEntry } from "../audit/hashChain.js";
import type { SqlRunner } from "../db/sqlRunner.js";
import { TribuneError } from "../errors/tribuneError.js";
import type { Cast, CastState, Prisma, PrismaClient, SpaceKind } from "../generated/prisma/client.js";
import type { Explanation } from "../values/explainDecision.js";
import {
  castRowOf,
  MOVE_STATEMENT,
  MOVE_STATEMENT_RETURNING_ROWS,
  type MoveRecord,
  moveParameter,
  moveRecord,
} from "./castMoveStatement.js";
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

/** The outbox found the database in a state its locks rule out: a bug, and the transaction is rolled back. */
export class OutboxInvariantError extends TribuneError {
  constructor(message: string) {
    super("voting.outbox_invariant", message, "nothing was moved; report this with the log line");
  }
}

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
  /**
   * The same database's raw runner: with it, a group commit of several moves is raw statements in one transaction
   * (the moves, their audit entries), a fraction of the ORM's CPU on the path of every vote. Without it, the ORM.
   */
  sql?: SqlRunner;
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
  const row = await moveRow(tx, from, to, changes);
  if (!row) return null;
  const entry = await audit.append(castEvent(row, from.state, to, event), tx);
  return { row, entry };
}

/** The conditional UPDATE of one transition (one statement, RETURNING the row); null when the row was not in `from`. */
async function moveRow(
  tx: Prisma.TransactionClient,
  from: CastFence,
  to: CastState,
  changes: CastChanges,
): Promise<Cast | null> {
  const [row, ...more] = await tx.cast.updateManyAndReturn({
    where: { id: from.id, state: from.state, attempts: from.attempts },
    data: { ...changes, state: to },
  });
  if (more.length > 0) throw new OutboxInvariantError(`cast ${from.id}: one transition moved ${more.length + 1} rows`);
  return row ?? null;
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
  const moves = createMoveBatcher(prisma, options.sql, audit, actor);

  return {
    async claimDue(now, limit, kind = "snapshot") {
      return prisma.$transaction(
        async (tx) => {
          // SKIP LOCKED: rows another worker (or the planner) holds are left to it; the rows picked stay locked by
          // this transaction, so the states read below hold until it commits.
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
            include: { decision: { include: { digest: { select: { id: true, content: true } } } } },
            orderBy: [{ dueAt: "asc" }, { id: "asc" }],
          });
          // The whole batch in one append and one update (a claim of a hundred rows is not two hundred
          // transactions): an announced row is recorded as two transitions, announced → due → signing.
          const lease = new Date(now.getTime() + leaseMs);
          const digests = new Map<string, string>();
          const events: ReturnType<typeof castEvent>[] = [];
          const claims = rows.map(({ decision, ...row }) => {
            if (row.state === "announced") {
              events.push(
                castEvent({ ...row, state: "due" }, "announced", "due", { actor, data: { dueAt: row.dueAt } }),
              );
            }
            const from = row.state === "announced" ? "due" : row.state;
            const reclaimed = from === "signing" || from === "submitted";
            const signing: Cast = { ...row, state: "signing", attempts: row.attempts + 1, nextAttemptAt: lease };
            const digest = digestHashOf(decision, digests);
            events.push(
              castEvent(signing, from, "signing", {
                action: reclaimed ? "cast.reclaimed" : "cast.signing",
                actor,
                data: { leaseUntil: lease.toISOString(), voteId: row.voteId, digest },
              }),
            );
            return { row, decision, digest, entryIndex: events.length - 1 };
          });
          const entries = await audit.appendMany(events, tx);
          const updates = claims.map(({ row, decision, digest, entryIndex }) => {
            // The on-record reason carries the signing entry's hash: the entry names the ballot, the decision and
            // the voter, so anyone holding the vote can find its full record. Pinned once: a retry re-signs the
            // identical message.
            const hash = (entries[entryIndex] as ChainedEntry).hash;
            const pin = row.reason === null;
            return {
              id: row.id,
              state: row.state,
              attempts: row.attempts,
              reason: pin ? snapshotVoteReason(explanationFor(decision, row), hash) : null,
              payload: pin ? JSON.stringify({ digestHash: digest, auditHash: hash }) : null,
            };
          });
          const updated = await tx.$executeRaw`
            UPDATE "Cast" c SET state = 'signing', attempts = c.attempts + 1,
              "nextAttemptAt" = (${lease.toISOString()}::timestamptz AT TIME ZONE 'UTC'),
              reason = COALESCE(c.reason, v.reason),
              payload = CASE WHEN c.reason IS NULL THEN COALESCE(c.payload, '{}'::jsonb) || COALESCE(v.payload::jsonb, '{}'::jsonb) ELSE c.payload END,
              "updatedAt" = (${new Date().toISOString()}::timestamptz AT TIME ZONE 'UTC')
            FROM jsonb_to_recordset(${JSON.stringify(updates)}::jsonb)
              AS v(id text, state text, attempts int, reason text, payload text)
            WHERE c.id = v.id AND c.state::text = v.state AND c.attempts = v.attempts`;
          if (updated !== updates.length) {
            // Cannot happen while the rows are locked; if it does, nothing of this claim may stand.
            throw new OutboxInvariantError(`claimed ${updates.length} rows but moved ${updated}`);
          }
          const claimed = await tx.cast.findMany({ where: { id: { in: updates.map((u) => u.id) } } });
          const byId = new Map(claimed.map((row) => [row.id, row]));
          return updates.flatMap((u) => byId.get(u.id) ?? []);
        },
        { maxWait: 30_000, timeout: 60_000 },
      );
    },

    move: moves.move,
  };
}

type DecisionWithDigest = {
  choice: Prisma.JsonValue;
  explanation: Prisma.JsonValue;
  digest: { id: string; content: Prisma.JsonValue };
} | null;

/** sha256 of the digest's canonical content: the vote's metadata names the reading it rests on. */
function digestHashOf(decision: DecisionWithDigest, known: Map<string, string>): string {
  if (!decision) return "none";
  const id = decision.digest.id;
  let hash = known.get(id);
  if (hash === undefined) {
    hash = createHash("sha256").update(canonicalJson(decision.digest.content)).digest("hex");
    known.set(id, hash);
  }
  return hash;
}

/**
 * The decision's public reason when the cast follows it; for the pooled delegate, what a pooled vote is; otherwise
 * the member chose the ballot themselves.
 */
function explanationFor(decision: DecisionWithDigest, row: Cast): string {
  if (row.voterKind === "pooled") return "The pooled vote: the members' decisions combined by voting power.";
  if (decision && canonicalJson(decision.choice) === canonicalJson(row.choice)) {
    const reason = (decision.explanation as unknown as Partial<Explanation>).reason;
    if (typeof reason === "string" && reason.trim() !== "") return reason;
  }
  return "Cast as the member chose.";
}

interface PendingMove {
  from: CastFence;
  to: CastState;
  changes: CastChanges;
  event: { action?: string; actor?: string; data?: Record<string, unknown> };
  resolve(moved: { row: Cast; entry: ChainedEntry } | null): void;
  reject(error: unknown): void;
}

/**
 * The group's rows moved in the caller's transaction: several in one statement (castMoveStatement.ts) when every
 * change is one it carries, one ORM update each otherwise. Null for a row that was no longer where its mover read it.
 */
async function moveRows(tx: Prisma.TransactionClient, group: readonly PendingMove[]) {
  const answers = new Map<PendingMove, Cast | null>();
  const records = group.map((move) => moveRecord(move.from, move.to, move.changes as Record<string, unknown>));
  const oneRowEach = new Set(group.map((move) => move.from.id)).size === group.length;
  if (group.length > 1 && oneRowEach && records.every((record) => record !== null)) {
    const moved = await tx.$queryRawUnsafe<{ id: string }[]>(MOVE_STATEMENT, moveParameter(records as MoveRecord[]));
    const rows =
      moved.length === 0 ? [] : await tx.cast.findMany({ where: { id: { in: moved.map((row) => row.id) } } });
    const byId = new Map(rows.map((row) => [row.id, row]));
    for (const move of group) answers.set(move, byId.get(move.from.id) ?? null);
    return answers;
  }
  for (const move of group) answers.set(move, await moveRow(tx, move.from, move.to, move.changes));
  return answers;
}

/** Moves committed together at most (one transaction, one audit append). */
const MOVES_PER_COMMIT = 64;

/**
 * Group commit for `move`: transitions asked for while a commit is under way wait for it, then go together in the
 * next transaction, their audit entries in one append. Each caller still gets its own answer only once its move is
 * committed, so nothing a caller does next (sending a vote) runs ahead of the record. Should a shared transaction
 * fail, its moves are retried one by one, so one bad move never takes the others with it.
 */
function createMoveBatcher(prisma: PrismaClient, sql: SqlRunner | undefined, audit: AuditLog, actor: string) {
  const queue: PendingMove[] = [];
  let flushing = false;
  const options = { maxWait: 30_000, timeout: 30_000 };

  /** The group in raw statements, when the runner is there and every move is one the statement carries. */
  const commitRaw = (runner: SqlRunner, group: PendingMove[], records: MoveRecord[]) =>
    runner.transaction(async (tx) => {
      const { rows } = await tx.query<Record<string, unknown>>(MOVE_STATEMENT_RETURNING_ROWS, [moveParameter(records)]);
      const byId = new Map(rows.map((raw) => [raw.id as string, castRowOf(raw)]));
      const moved = group.flatMap((move) => {
        const row = byId.get(move.from.id);
        return row ? [{ move, row }] : [];
      });
      // Appended last: the chain's lock is held until this transaction commits.
      const entries = await audit.appendManyWith(
        tx,
        moved.map(({ move, row }) => castEvent(row, move.from.state, move.to, { actor, ...move.event })),
      );
      const results = new Map(moved.map(({ move, row }, i) => [move, { row, entry: entries[i] as ChainedEntry }]));
      return group.map((move) => results.get(move) ?? null);
    });

  const commit = (group: PendingMove[]) => {
    // A lone move too: with the runner there, the ORM's transaction is never on a vote's path.
    if (sql && new Set(group.map((move) => move.from.id)).size === group.length) {
      const records = group.map((move) => moveRecord(move.from, move.to, move.changes as Record<string, unknown>));
      if (records.every((record) => record !== null)) return commitRaw(sql, group, records as MoveRecord[]);
    }
    return prisma.$transaction(async (tx) => {
      const moved: { move: PendingMove; row: Cast }[] = [];
      const answers = await moveRows(tx, group);
      for (const move of group) {
        const row = answers.get(move) ?? null;
        if (row) moved.push({ move, row });
      }
      const entries = await audit.appendMany(
        moved.map(({ move, row }) => castEvent(row, move.from.state, move.to, { actor, ...move.event })),
        tx,
      );
      const results = new Map(moved.map(({ move, row }, i) => [move, { row, entry: entries[i] as ChainedEntry }]));
      return group.map((move) => (answers.get(move) ? (results.get(move) ?? null) : null));
    }, options);
  };

  const flush = async () => {
    while (queue.length > 0) {
      // Rows in id order: two workers' commits lock shared rows (a reclaimed one) in the same order.
      const group = queue.splice(0, MOVES_PER_COMMIT).sort((a, b) => (a.from.id < b.from.id ? -1 : 1));
      try {
        const results = await commit(group);
        for (const [i, move] of group.entries()) move.resolve(results[i] ?? null);
      } catch (error) {
        if (group.length === 1) group[0]?.reject(error);
        else {
          for (const move of group) await commit([move]).then(([r]) => move.resolve(r ?? null), move.reject);
        }
      }
    }
    flushing = false;
  };

  return {
    move(
      from: CastFence,
      to: CastState,
      changes: CastChanges,
      event: PendingMove["event"],
    ): Promise<{ row: Cast; entry: ChainedEntry } | null> {
      return new Promise((resolve, reject) => {
        queue.push({ from, to, changes, event, resolve, reject });
        if (!flushing) {
          flushing = true;
          void flush();
        }
      });
    },
  };
}
