import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAuditLog } from "../../src/audit/auditLog.js";
import { createTestDatabase, type TestDatabase } from "../support/testDatabase.js";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

describe("audit log", () => {
  it("keeps one unbroken chain under 1,000 concurrent appends from 8 connections", async () => {
    const connections = await Promise.all(Array.from({ length: 8 }, () => t.connect(1)));
    const logs = connections.map((db) => createAuditLog({ prisma: db.prisma }));
    await Promise.all(
      Array.from({ length: 1_000 }, (_, i) =>
        logs[i % logs.length]?.append({ action: "test.concurrent", actor: `writer-${i % 8}`, data: { i } }),
      ),
    );

    const verdict = await createAuditLog({ prisma: t.db.prisma }).verify();
    expect(verdict).toMatchObject({ intact: true, count: 1_000, lastSeq: 1_000 });
    const rows = await t.db.prisma.auditEntry.findMany({ select: { seq: true, prevHash: true, canonical: true } });
    expect(new Set(rows.map((r) => r.prevHash)).size).toBe(1_000);
    const written = new Set(rows.map((r) => (JSON.parse(r.canonical) as { data: { i: number } }).data.i));
    expect(written.size).toBe(1_000);
  }, 180_000);

  it("is refused UPDATE, DELETE and TRUNCATE by the database itself", async () => {
    await expect(t.db.sql.query(`UPDATE "AuditEntry" SET action = 'forged' WHERE seq = 1`)).rejects.toThrow(
      /append-only/,
    );
    await expect(t.db.sql.query(`DELETE FROM "AuditEntry" WHERE seq = 2`)).rejects.toThrow(/append-only/);
    await expect(t.db.sql.query(`TRUNCATE "AuditEntry"`)).rejects.toThrow(/append-only/);
    await expect(t.db.prisma.auditEntry.deleteMany({})).rejects.toThrow(/append-only/);
    expect(await t.db.prisma.auditEntry.count()).toBe(1_000);
  });

  it("names the position of an entry altered behind its back", async () => {
    await t.db.sql.transaction(async (tx) => {
      // Only a table owner can switch the guard off: this is the tampering the chain exists to reveal.
      await tx.query(`ALTER TABLE "AuditEntry" DISABLE TRIGGER "AuditEntry_append_only"`);
      await tx.query(
        `UPDATE "AuditEntry" SET canonical = replace(canonical, '"actor":"writer', '"actor":"forger') WHERE seq = 500`,
      );
      await tx.query(`ALTER TABLE "AuditEntry" ENABLE TRIGGER "AuditEntry_append_only"`);
    });
    const verdict = await createAuditLog({ prisma: t.db.prisma }).verify();
    expect(verdict).toMatchObject({ intact: false, brokenAt: 500, count: 499 });
  });

  it("appends a batch in order as one stretch of the chain", async () => {
    const audit = createAuditLog({ prisma: t.db.prisma });
    const before = (await audit.head())?.seq ?? 0;
    const batch = await audit.appendMany(
      Array.from({ length: 250 }, (_, i) => ({ action: "test.batch", actor: "test", memberId: `m${i}`, data: { i } })),
    );
    expect(batch.map((e) => e.seq)).toEqual(Array.from({ length: 250 }, (_, i) => before + i + 1));
    expect(batch[1]?.prevHash).toBe(batch[0]?.hash);
    expect((await audit.head())?.hash).toBe(batch[249]?.hash);
    expect(await audit.appendMany([])).toEqual([]);
  });

  it("commits an entry with the caller's transaction, or not at all", async () => {
    const audit = createAuditLog({ prisma: t.db.prisma });
    const before = await t.db.prisma.auditEntry.count();
    await expect(
      t.db.prisma.$transaction(async (tx) => {
        await audit.append({ action: "test.rolled_back", actor: "test" }, tx);
        throw new Error("the state change failed");
      }),
    ).rejects.toThrow("the state change failed");
    expect(await t.db.prisma.auditEntry.count()).toBe(before);

    const entry = await t.db.prisma.$transaction((tx) => audit.append({ action: "test.committed", actor: "test" }, tx));
    expect(entry.seq).toBe(before + 1);
    expect((await audit.head())?.hash).toBe(entry.hash);
  });
});
