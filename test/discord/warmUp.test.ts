// The warm-up the bot runs before logging in (startDiscord.ts, and the test harness the same way): the first uses
// that block the event loop are paid, and nothing is written.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProposalIndex } from "../../src/discord/proposalIndex.js";
import { warmUp } from "../../src/discord/warmUp.js";
import { createTestDatabase, type TestDatabase } from "../support/testDatabase.js";

let test: TestDatabase;

beforeAll(async () => {
  test = await createTestDatabase();
}, 60_000);

afterAll(async () => {
  await test?.drop();
});

describe("warming up before login", () => {
  it("queries, compiles a profile and derives a key once, and writes nothing", async () => {
    const prisma = test.db.prisma;
    const derived: number[] = [];
    const keyring = {
      address(index: number) {
        derived.push(index);
        return "0x0000000000000000000000000000000000000001";
      },
    };
    const counts = async () => [
      await prisma.auditEntry.count(),
      await prisma.member.count(),
      await prisma.space.count(),
    ];
    const before = await counts();
    const report = await warmUp({ prisma, proposals: createProposalIndex({ prisma }), keyring });
    expect(derived).toEqual([0]);
    expect(report).toEqual({
      databaseMs: expect.any(Number),
      compilerMs: expect.any(Number),
      keysMs: expect.any(Number),
    });
    expect(await counts()).toEqual(before);
  });

  it("without agent keys (none configured), warms the rest without failing", async () => {
    const prisma = test.db.prisma;
    const report = await warmUp({ prisma, proposals: createProposalIndex({ prisma }), keyring: null });
    expect(report.keysMs).toBeGreaterThanOrEqual(0);
  });
});
