import { type Cast, Prisma } from "../generated/prisma/client.js";
import type { CastState } from "../generated/prisma/enums.js";

// Many outbox transitions in one statement. A transition is a conditional UPDATE of one row (WHERE id, state and
// attempts are what the mover read); the casting path makes two per vote, and an ORM update costs about 1.4 ms of CPU
// each, so a group commit's moves go to PostgreSQL as one UPDATE over a JSON list of (fence, changes) instead. Each
// change names its columns: a column not named keeps its value. Pure: this builds the statement's parameter and knows
// which changes it can carry; the outbox runs it (and falls back to one ORM update per move for anything else).

type CastColumnKind = "text" | "int" | "bool" | "timestamp" | "json";

/** Every column a transition may set, with how its JSON-carried value becomes the column's type. */
const COLUMNS: Record<string, CastColumnKind> = {
  spaceId: "text",
  memberId: "text",
  decisionId: "text",
  choice: "json",
  reason: "text",
  dryRun: "bool",
  voterKind: "text",
  agentIndex: "int",
  votingPower: "text",
  announcedDecisionId: "text",
  announcedAt: "timestamp",
  dueAt: "timestamp",
  voteId: "text",
  voteTimestamp: "int",
  txHash: "text",
  payload: "json",
  nextAttemptAt: "timestamp",
  attempts: "int",
  receipt: "json",
  failureReason: "text",
};

/** One transition as the statement carries it. */
export interface MoveRecord {
  id: string;
  from: CastState;
  attempts: number;
  to: CastState;
  /** The named columns' new values (timestamps as ISO strings). */
  set: Record<string, unknown>;
  /** JSON columns set to SQL NULL (Prisma.DbNull), as opposed to the JSON value null. */
  dbNull: string[];
}

/**
 * The record of one transition, or null when a change is one the statement does not carry (a field operation such as
 * `{ increment: 1 }`, an unknown column): the caller then moves that row through the ORM.
 */
export function moveRecord(
  from: { id: string; state: CastState; attempts: number },
  to: CastState,
  changes: Record<string, unknown>,
): MoveRecord | null {
  const set: Record<string, unknown> = {};
  const dbNull: string[] = [];
  for (const [column, value] of Object.entries(changes)) {
    if (value === undefined) continue;
    const kind = COLUMNS[column];
    if (!kind) return null;
    if (kind === "json") {
      if (value === Prisma.AnyNull) return null;
      // Named in `set` either way; a DbNull is also listed, and the statement writes SQL NULL for it.
      if (value === Prisma.DbNull) dbNull.push(column);
      set[column] = value === Prisma.DbNull || value === Prisma.JsonNull ? null : value;
      continue;
    }
    if (value === null) set[column] = null;
    else if (kind === "timestamp" && value instanceof Date) set[column] = value.toISOString();
    else if (kind === "text" && typeof value === "string") set[column] = value;
    else if (kind === "int" && Number.isInteger(value)) set[column] = value;
    else if (kind === "bool" && typeof value === "boolean") set[column] = value;
    else return null;
  }
  return { id: from.id, from: from.state, attempts: from.attempts, to, set, dbNull };
}

function assignment(column: string, kind: CastColumnKind): string {
  const value = `v.s -> '${column}'`;
  const text = `v.s ->> '${column}'`;
  const converted = {
    text,
    int: `(${text})::int`,
    bool: `(${text})::boolean`,
    // Prisma keeps DateTime as timestamp(3) without time zone, in UTC.
    timestamp: `((${text})::timestamptz AT TIME ZONE 'UTC')`,
    json: `CASE WHEN v.n ? '${column}' THEN NULL ELSE ${value} END`,
  }[kind];
  return `"${column}" = CASE WHEN v.s ? '${column}' THEN ${converted} ELSE c."${column}" END`;
}

/**
 * The statement: `$1` is the JSON list of MoveRecords; it returns the ids of the rows it moved (a row whose state or
 * attempts changed since the mover read it is not moved, as with one conditional UPDATE).
 */
export const MOVE_STATEMENT = `UPDATE "Cast" c SET
  state = v."to"::"CastState",
  ${Object.entries(COLUMNS)
    .map(([column, kind]) => assignment(column, kind))
    .join(",\n  ")},
  "updatedAt" = (now() AT TIME ZONE 'UTC')
FROM jsonb_to_recordset($1::jsonb) AS v(id text, "from" text, attempts int, "to" text, s jsonb, n jsonb)
WHERE c.id = v.id AND c.state::text = v."from" AND c.attempts = v.attempts
RETURNING c.id`;

/** Every column of a Cast row, as the ORM returns it; timestamps as ISO text (they are UTC wall times). */
const CAST_ROW: Record<keyof Cast, "plain" | "timestamp"> = {
  id: "plain",
  proposalId: "plain",
  spaceId: "plain",
  voterAddress: "plain",
  memberId: "plain",
  decisionId: "plain",
  state: "plain",
  choice: "plain",
  reason: "plain",
  dryRun: "plain",
  voterKind: "plain",
  agentIndex: "plain",
  votingPower: "plain",
  announcedDecisionId: "plain",
  announcedAt: "timestamp",
  dueAt: "timestamp",
  voteId: "plain",
  voteTimestamp: "plain",
  txHash: "plain",
  payload: "plain",
  nextAttemptAt: "timestamp",
  attempts: "plain",
  receipt: "plain",
  failureReason: "plain",
  createdAt: "timestamp",
  updatedAt: "timestamp",
};

/** The statement, returning each moved row whole (for `castRowOf`): one round trip, no read-back. */
export const MOVE_STATEMENT_RETURNING_ROWS = MOVE_STATEMENT.replace(
  "RETURNING c.id",
  `RETURNING ${Object.entries(CAST_ROW)
    .map(([column, kind]) =>
      kind === "timestamp"
        ? `to_char(c."${column}", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "${column}"`
        : column === "state"
          ? `c.state::text AS state`
          : `c."${column}"`,
    )
    .join(", ")}`,
);

/** A row the returning statement gave, as the ORM would have given it. */
export function castRowOf(raw: Record<string, unknown>): Cast {
  const row: Record<string, unknown> = {};
  for (const [column, kind] of Object.entries(CAST_ROW)) {
    const value = raw[column];
    row[column] = kind === "timestamp" && typeof value === "string" ? new Date(value) : value;
  }
  return row as Cast;
}

/** The statement's parameter for `records` (dbNull lists become JSON objects, so `?` can test them). */
export function moveParameter(records: readonly MoveRecord[]): string {
  return JSON.stringify(
    records.map((r) => ({
      id: r.id,
      from: r.from,
      attempts: r.attempts,
      to: r.to,
      s: r.set,
      n: Object.fromEntries(r.dbNull.map((column) => [column, true])),
    })),
  );
}
