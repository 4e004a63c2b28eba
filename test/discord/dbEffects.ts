// What one interaction wrote: a picture of every row a member or steward can change (spaces, the casting switch,
// members, profiles, decisions, overrides, steward grants) and of the audit log, taken before and after. Thread rows
// and the publisher's own audit entries (discord.*) are left out: the announce worker writes them in the background,
// whoever clicked.
import type { PrismaClient } from "../../src/generated/prisma/client.js";

/** One changed row: its table, its id, and the member it belongs to (for member-owned tables). */
export interface RowChange {
  table: string;
  id: string;
  memberId: string | null;
}

export interface AuditWrite {
  action: string;
  actor: string;
  memberId: string | null;
}

export interface DbPicture {
  rows: Map<string, { json: string; memberId: string | null }>;
  auditSeq: number;
}

/** Reads the picture. */
export async function pictureOf(prisma: PrismaClient): Promise<DbPicture> {
  const [spaces, switches, members, profiles, decisions, overrides, stewards, top] = await Promise.all([
    prisma.space.findMany({
      select: {
        id: true,
        mode: true,
        votingMode: true,
        vetoWindowSeconds: true,
        taxonomyVersion: true,
        removedAt: true,
        discordChannelId: true,
      },
    }),
    prisma.switch.findMany(),
    prisma.member.findMany({ select: { id: true, discordUserId: true } }),
    prisma.valueProfile.findMany({
      select: { id: true, memberId: true, version: true, confirmedAt: true, privacy: true },
    }),
    prisma.decision.findMany({
      select: { id: true, memberId: true, outcome: true, staleAt: true, taxonomyVersion: true },
    }),
    prisma.override.findMany({ select: { id: true, memberId: true, choice: true } }),
    prisma.steward.findMany({ select: { id: true, discordUserId: true, spaceId: true } }),
    prisma.auditEntry.aggregate({ _max: { seq: true } }),
  ]);
  const rows = new Map<string, { json: string; memberId: string | null }>();
  const put = (table: string, list: readonly ({ id: string } | { name: string })[], owner?: (row: never) => string) => {
    for (const row of list) {
      const id = "id" in row ? row.id : row.name;
      rows.set(`${table}:${id}`, { json: JSON.stringify(row), memberId: owner ? owner(row as never) : null });
    }
  };
  put("space", spaces);
  put("switch", switches);
  put("member", members, (m: { id: string }) => m.id);
  put("profile", profiles, (p: { memberId: string }) => p.memberId);
  put("decision", decisions, (d: { memberId: string }) => d.memberId);
  put("override", overrides, (o: { memberId: string }) => o.memberId);
  put("steward", stewards);
  return { rows, auditSeq: top._max.seq ?? 0 };
}

/** Rows added, changed or removed between two pictures. */
export function rowChanges(before: DbPicture, after: DbPicture): RowChange[] {
  const changes: RowChange[] = [];
  for (const [key, row] of after.rows) {
    if (before.rows.get(key)?.json !== row.json) changes.push(change(key, row.memberId));
  }
  for (const [key, row] of before.rows) if (!after.rows.has(key)) changes.push(change(key, row.memberId));
  return changes;
}

/** Audit entries appended since `before`, without the thread publisher's. */
export async function auditSince(prisma: PrismaClient, before: DbPicture): Promise<AuditWrite[]> {
  const entries = await prisma.auditEntry.findMany({
    where: { seq: { gt: before.auditSeq }, NOT: { action: { startsWith: "discord." } } },
    orderBy: { seq: "asc" },
    select: { action: true, actor: true, memberId: true },
  });
  return entries;
}

function change(key: string, memberId: string | null): RowChange {
  const at = key.indexOf(":");
  return { table: key.slice(0, at), id: key.slice(at + 1), memberId };
}
