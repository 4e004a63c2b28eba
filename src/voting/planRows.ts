import type { AuditLog } from "../audit/auditLog.js";
import { canonicalJson } from "../audit/canonicalJson.js";
import { type Cast, Prisma } from "../generated/prisma/client.js";
import { REVIVABLE_SKIPS } from "./castIntent.js";
import { castEvent, moveCast } from "./castOutbox.js";

// Writing what planning decided into the outbox, shared by personal and pooled planning and by the stewards' switch
// of a space's voting mode: a new row, or an existing row brought in line, each change one row update and its audit
// entry in the caller's transaction. Rows that are in flight or settled are never touched, and a row whose ballot
// changed after it was announced goes back to `planned`, to be announced again before it can be cast.

/** Rows in these states are in flight or settled: planning never touches them. */
export const FROZEN: ReadonlySet<string> = new Set(["signing", "submitted", "confirmed", "failed"]);

/** What a row should say: cast this ballot (as `Cast.choice` holds it), or skip with a reason code. */
export type RowIntent =
  | { readonly kind: "cast"; readonly choice: Prisma.JsonValue; readonly source: string }
  | { readonly kind: "skip"; readonly reason: string };

export interface RowTarget {
  decisionId: string | null;
  memberId?: string;
  agentIndex?: number;
  dryRun?: boolean;
  /** Pooled rows: how the members were combined (`payload.pool`), recorded with every change. */
  pool?: unknown;
}

/** Creates a row (planned, or skipped with its reason) and its audit entry. */
export async function createPlannedRow(
  tx: Prisma.TransactionClient,
  audit: AuditLog,
  data: Prisma.CastUncheckedCreateInput,
  intent: RowIntent,
  pool?: unknown,
): Promise<Cast> {
  const row = await tx.cast.create({
    data: {
      ...data,
      state: intent.kind === "cast" ? "planned" : "skipped",
      choice: intent.kind === "cast" ? (intent.choice as Prisma.InputJsonValue) : undefined,
      failureReason: intent.kind === "skip" ? intent.reason : null,
      ...(pool === undefined ? {} : { payload: { pool } as Prisma.InputJsonValue }),
    },
  });
  await audit.append(
    castEvent(row, null, row.state, {
      action: intent.kind === "cast" ? "cast.planned" : "cast.skipped",
      data: { ...(intent.kind === "cast" ? { source: intent.source } : {}), ...(pool === undefined ? {} : { pool }) },
    }),
    tx,
  );
  return row;
}

/** Brings one existing row in line with the intent; says whether it changed. */
export async function refreshPlannedRow(
  tx: Prisma.TransactionClient,
  audit: AuditLog,
  row: Cast,
  target: RowTarget,
  intent: RowIntent,
  actor = "system",
): Promise<boolean> {
  if (FROZEN.has(row.state)) return false;
  // A row that was signed once (a retry waits in `due`) may be on the hub: it is the caster's now.
  if (row.state === "due" && (row.voteId !== null || row.txHash !== null)) return false;
  if (row.state === "skipped" && !REVIVABLE_SKIPS.has(row.failureReason ?? "")) return false;

  const withPool = target.pool !== undefined;
  const poolChanged = withPool && canonicalJson(poolOf(row.payload)) !== canonicalJson(target.pool ?? null);
  const poolData = withPool ? { pool: target.pool } : {};
  /** The same state, a new record of how the pool is made up (the ballot itself did not change). */
  const recordPool = async () =>
    (await moveCast(
      tx,
      audit,
      row,
      row.state,
      { payload: withPool ? mergedPayload(row.payload, target.pool) : undefined },
      { action: "cast.pool_changed", actor, data: poolData },
    )) !== null;

  if (intent.kind === "skip") {
    if (row.state === "skipped" && row.failureReason === intent.reason) return poolChanged ? recordPool() : false;
    const moved = await moveCast(
      tx,
      audit,
      row,
      "skipped",
      {
        failureReason: intent.reason,
        decisionId: target.decisionId,
        nextAttemptAt: null,
        ...(withPool ? { payload: mergedPayload(row.payload, target.pool) } : {}),
      },
      { actor, data: poolData },
    );
    return moved !== null;
  }
  const sameBallot = row.choice !== null && canonicalJson(row.choice) === canonicalJson(intent.choice);
  const announcedAsIs =
    (row.state === "announced" || row.state === "due") && sameBallot && row.announcedDecisionId === target.decisionId;
  const plannedAsIs = row.state === "planned" && sameBallot && row.decisionId === target.decisionId;
  if (announcedAsIs || plannedAsIs) return poolChanged ? recordPool() : false;
  // Anything else is (back to) planned: what was announced, if anything, is not what would be cast now.
  const moved = await moveCast(
    tx,
    audit,
    row,
    "planned",
    {
      choice: intent.choice as Prisma.InputJsonValue,
      decisionId: target.decisionId,
      failureReason: null,
      announcedAt: null,
      dueAt: null,
      nextAttemptAt: null,
      // Nothing of an earlier claim survives a new ballot: its reason named the old decision.
      reason: null,
      payload: withPool ? ({ pool: target.pool } as Prisma.InputJsonValue) : Prisma.DbNull,
      ...(target.dryRun === undefined ? {} : { dryRun: target.dryRun }),
    },
    {
      action: row.state === "planned" ? "cast.replanned" : row.state === "skipped" ? "cast.revived" : "cast.stale",
      actor,
      data: {
        source: intent.source,
        previous: { state: row.state, choice: row.choice, announcedDecisionId: row.announcedDecisionId },
        ...poolData,
      },
    },
  );
  return moved !== null;
}

/**
 * Skips every castable row of the other voting kind (personal rows in a pooled space and the other way round) with
 * `voting_mode_changed`; returns how many moved. The skip is revivable: switching back plans them again.
 */
export async function skipOtherKind(
  tx: Prisma.TransactionClient,
  audit: AuditLog,
  rows: readonly Cast[],
  keep: "personal" | "pooled",
  actor = "system",
): Promise<number> {
  let moved = 0;
  for (const row of rows) {
    if (row.voterKind === keep) continue;
    const skip: RowIntent = { kind: "skip", reason: "voting_mode_changed" };
    if (await refreshPlannedRow(tx, audit, row, { decisionId: row.decisionId }, skip, actor)) moved += 1;
  }
  return moved;
}

/** `payload.pool` of a row, or null. */
export function poolOf(payload: Prisma.JsonValue | null): Prisma.JsonValue {
  if (payload === null || typeof payload !== "object" || Array.isArray(payload)) return null;
  return (payload as Prisma.JsonObject).pool ?? null;
}

/** The row's payload with a new `pool`: what a claim pinned there (digest and audit hashes) stays. */
function mergedPayload(payload: Prisma.JsonValue | null, pool: unknown): Prisma.InputJsonValue {
  const base = payload !== null && typeof payload === "object" && !Array.isArray(payload) ? payload : {};
  return { ...base, pool } as Prisma.InputJsonValue;
}
