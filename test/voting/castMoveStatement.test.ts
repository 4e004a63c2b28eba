import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Cast, Prisma } from "../../src/generated/prisma/client.js";
import {
  castRowOf,
  MOVE_STATEMENT,
  MOVE_STATEMENT_RETURNING_ROWS,
  type MoveRecord,
  moveParameter,
  moveRecord,
} from "../../src/voting/castMoveStatement.js";
import type { CastChanges } from "../../src/voting/castOutbox.js";
import { createTestDatabase, type TestDatabase } from "../support/testDatabase.js";

// The outbox's one-statement group move must leave every row exactly as one ORM update per row would: each kind of
// column (text, int, boolean, timestamp, JSON, SQL NULL and JSON null), untouched columns kept, and a row whose fence
// no longer matches left alone. Twin rows get the same changes, one through each path, on the engine under test.

let t: TestDatabase;
let spaceId: string;
let proposalId: string;
beforeAll(async () => {
  t = await createTestDatabase();
  const space = await t.db.prisma.space.create({
    data: { kind: "snapshot", externalId: "moves.eth", name: "Moves", taxonomy: [], mode: "live" },
  });
  const proposal = await t.db.prisma.proposal.create({
    data: {
      spaceId: space.id,
      source: "snapshot",
      externalId: "0xmoves",
      title: "Moves",
      body: "b",
      choices: ["For", "Against"],
      votingType: "basic",
      startAt: new Date("2026-11-01T00:00:00Z"),
      endAt: new Date("2026-12-01T00:00:00Z"),
      state: "active",
      contentHash: "h",
    },
  });
  spaceId = space.id;
  proposalId = proposal.id;
});
afterAll(async () => {
  await t.drop();
});

let voter = 0;
async function twinRows(): Promise<[Cast, Cast]> {
  const data = {
    proposalId,
    spaceId,
    state: "signing" as const,
    attempts: 2,
    choice: 1,
    reason: "kept",
    payload: { digestHash: "d", auditHash: "a" },
    votingPower: "10",
    dueAt: new Date("2026-11-20T10:00:00.123Z"),
  };
  voter += 2;
  return Promise.all([
    t.db.prisma.cast.create({ data: { ...data, voterAddress: `0x${voter - 1}` } }),
    t.db.prisma.cast.create({ data: { ...data, voterAddress: `0x${voter}` } }),
  ]);
}

const comparable = ({ id: _id, voterAddress: _v, updatedAt: _u, createdAt: _c, ...rest }: Cast) => rest;

const CHANGES: [string, CastChanges][] = [
  [
    "submitted",
    {
      votingPower: "42.5",
      voteId: "0xvote",
      voteTimestamp: 1_764_000_000,
      dryRun: false,
      payload: { voter: "0xA", message: { choice: [1, 2], reason: "ünï" } },
    },
  ],
  [
    "due",
    {
      nextAttemptAt: new Date("2026-11-21T08:30:15.250Z"),
      failureReason: "sequencer_unavailable",
      receipt: Prisma.JsonNull,
    },
  ],
  [
    "planned",
    { announcedAt: null, dueAt: null, reason: null, voteId: null, voteTimestamp: null, payload: Prisma.DbNull },
  ],
  ["confirmed", { nextAttemptAt: null, receipt: { id: "0xvote", ipfs: "bafy" }, failureReason: null, attempts: 3 }],
];

describe("the outbox's one-statement group move", () => {
  it("leaves each row as one ORM update would, for every kind of column", async () => {
    const records: MoveRecord[] = [];
    const twins: [Cast, Cast, string, CastChanges][] = [];
    for (const [to, changes] of CHANGES) {
      const [viaOrm, viaStatement] = await twinRows();
      const record = moveRecord(viaStatement, to as Cast["state"], changes as Record<string, unknown>);
      expect(record).not.toBeNull();
      records.push(record as MoveRecord);
      twins.push([viaOrm, viaStatement, to, changes]);
    }
    const moved = await t.db.prisma.$queryRawUnsafe<{ id: string }[]>(MOVE_STATEMENT, moveParameter(records));
    expect(moved).toHaveLength(CHANGES.length);
    for (const [viaOrm, viaStatement, to, changes] of twins) {
      await t.db.prisma.cast.updateMany({
        where: { id: viaOrm.id },
        data: { ...changes, state: to as Cast["state"] },
      });
      const [orm, statement] = await Promise.all([
        t.db.prisma.cast.findUniqueOrThrow({ where: { id: viaOrm.id } }),
        t.db.prisma.cast.findUniqueOrThrow({ where: { id: viaStatement.id } }),
      ]);
      expect(comparable(statement)).toEqual(comparable(orm));
      expect(statement.state).toBe(to);
    }
  });

  it("returns each moved row, through the raw runner, exactly as the ORM reads it back", async () => {
    const records: MoveRecord[] = [];
    for (const [to, changes] of CHANGES) {
      const [row] = await twinRows();
      records.push(moveRecord(row as Cast, to as Cast["state"], changes as Record<string, unknown>) as MoveRecord);
    }
    const { rows } = await t.db.sql.query<Record<string, unknown>>(MOVE_STATEMENT_RETURNING_ROWS, [
      moveParameter(records),
    ]);
    expect(rows).toHaveLength(records.length);
    for (const raw of rows) {
      const returned = castRowOf(raw);
      expect(returned).toEqual(await t.db.prisma.cast.findUniqueOrThrow({ where: { id: returned.id } }));
    }
  });

  it("moves no row whose state or attempts changed since its mover read it", async () => {
    const [a, b] = await twinRows();
    const stale = moveRecord({ ...a, attempts: 1 }, "confirmed", {}) as MoveRecord;
    const wrongState = moveRecord({ ...b, state: "due" }, "confirmed", {}) as MoveRecord;
    const moved = await t.db.prisma.$queryRawUnsafe<{ id: string }[]>(
      MOVE_STATEMENT,
      moveParameter([stale, wrongState]),
    );
    expect(moved).toEqual([]);
    const rows = await t.db.prisma.cast.findMany({ where: { id: { in: [a.id, b.id] } } });
    expect(rows.map((row) => row.state)).toEqual(["signing", "signing"]);
  });

  it("refuses what it cannot carry, so the outbox moves that row through the ORM", () => {
    const fence = { id: "x", state: "due" as const, attempts: 1 };
    expect(moveRecord(fence, "signing", { attempts: { increment: 1 } })).toBeNull();
    expect(moveRecord(fence, "signing", { unknownColumn: 1 })).toBeNull();
    expect(moveRecord(fence, "signing", { payload: Prisma.AnyNull })).toBeNull();
    expect(moveRecord(fence, "signing", { voteTimestamp: 1.5 })).toBeNull();
    expect(moveRecord(fence, "signing", { reason: undefined })).toEqual({
      id: "x",
      from: "due",
      attempts: 1,
      to: "signing",
      set: {},
      dbNull: [],
    });
  });
});
