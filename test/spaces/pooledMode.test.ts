import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AuditLog, createAuditLog } from "../../src/audit/auditLog.js";
import { Secret } from "../../src/config/secret.js";
import type { PrismaClient } from "../../src/generated/prisma/client.js";
import { createSpaceAdmin, SpaceAdminError } from "../../src/spaces/spaceAdmin.js";
import { createKeyring, type Keyring } from "../../src/voting/keyring.js";
import { POOLED_INDEX_BASE } from "../../src/voting/pooledAgent.js";
import { createTestDatabase, type TestDatabase } from "../support/testDatabase.js";

// A space switched to pooled gets its delegate: a key of the agents' mnemonic at an index from the pooled range
// (2^30 up), which never meets a member's (0 up), is allocated once, and is kept through later switches.

const DEV_PHRASE = "test test test test test test test test test test test junk";

let t: TestDatabase;
let prisma: PrismaClient;
let audit: AuditLog;
let keyring: Keyring;
beforeAll(async () => {
  t = await createTestDatabase();
  prisma = t.db.prisma;
  audit = createAuditLog({ prisma });
  keyring = createKeyring(new Secret(DEV_PHRASE));
});
afterAll(async () => {
  await t?.drop();
});

function admin(withKeys = true) {
  return createSpaceAdmin({ prisma, audit, liveCastingAvailable: withKeys, keyring: withKeys ? keyring : null });
}

async function newSpace(): Promise<string> {
  const ref = `pool-${randomUUID().slice(0, 8)}.eth`;
  await admin().add({ ref, guildId: null, channelId: null, actor: "steward-1" });
  return ref;
}

async function pooledIndexes(): Promise<number[]> {
  const rows = await prisma.space.findMany({ where: { pooledAgentIndex: { not: null } } });
  return rows.map((r) => r.pooledAgentIndex as number);
}

describe("the pooled delegate", () => {
  it("is allocated from 2^30 on the first switch and kept through later ones", async () => {
    const ref = await newSpace();
    const pooled = await admin().setVotingMode({ ref, guildId: null, votingMode: "pooled", actor: "steward-1" });
    const space = await prisma.space.findUniqueOrThrow({ where: { id: pooled.id } });
    expect(space.votingMode).toBe("pooled");
    expect(space.pooledAgentIndex).toBe(POOLED_INDEX_BASE);
    expect(space.pooledAgentAddress).toBe(keyring.address(POOLED_INDEX_BASE));
    expect(pooled.pooledAgentAddress).toBe(space.pooledAgentAddress);

    await admin().setVotingMode({ ref, guildId: null, votingMode: "personal", actor: "steward-1" });
    await admin().setVotingMode({ ref, guildId: null, votingMode: "pooled", actor: "steward-1" });
    const again = await prisma.space.findUniqueOrThrow({ where: { id: pooled.id } });
    expect([again.pooledAgentIndex, again.pooledAgentAddress]).toEqual([
      space.pooledAgentIndex,
      space.pooledAgentAddress,
    ]);
    const entries = await prisma.auditEntry.findMany({
      where: { spaceId: pooled.id, action: "space.voting_mode_changed" },
      orderBy: { seq: "asc" },
    });
    expect(entries.map((e) => JSON.parse(e.canonical).data.pooledAgent?.allocated)).toEqual([true, false, false]);
  });

  it("never gives two spaces, or a space and a member, the same index, even when switched at once", async () => {
    // A member whose index sits where the next delegate would go (never in practice: it would take 2^30 members).
    const next = Math.max(POOLED_INDEX_BASE - 1, ...(await pooledIndexes())) + 1;
    await prisma.member.create({
      data: { discordUserId: `d-${randomUUID()}`, agentIndex: next, agentAddress: keyring.address(next) },
    });
    const refs = await Promise.all(Array.from({ length: 6 }, () => newSpace()));
    await Promise.all(
      refs.map((ref) => admin().setVotingMode({ ref, guildId: null, votingMode: "pooled", actor: "steward-1" })),
    );
    const indexes = await pooledIndexes();
    expect(new Set(indexes).size).toBe(indexes.length);
    expect(indexes).not.toContain(next);
    const members = await prisma.member.findMany({ select: { agentIndex: true, agentAddress: true } });
    const spaces = await prisma.space.findMany({ where: { pooledAgentIndex: { not: null } } });
    for (const space of spaces) {
      expect(space.pooledAgentIndex).toBeGreaterThanOrEqual(POOLED_INDEX_BASE);
      expect(space.pooledAgentAddress).toBe(keyring.address(space.pooledAgentIndex as number));
      expect(members.map((m) => m.agentAddress)).not.toContain(space.pooledAgentAddress);
    }
  });

  it("without agent keys a space cannot get a delegate, and the steward is told what to configure", async () => {
    const ref = await newSpace();
    const error = await admin(false)
      .setVotingMode({ ref, guildId: null, votingMode: "pooled", actor: "steward-1" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SpaceAdminError);
    expect(error).toMatchObject({ code: "space.pooled_unavailable" });
    expect((error as SpaceAdminError).hint).toMatch(/AGENT_MNEMONIC/);
    const space = await prisma.space.findFirstOrThrow({ where: { externalId: ref } });
    expect([space.votingMode, space.pooledAgentAddress]).toEqual(["personal", null]);

    // A space that already has its delegate switches without keys: nothing needs deriving.
    await admin().setVotingMode({ ref, guildId: null, votingMode: "pooled", actor: "steward-1" });
    await admin(false).setVotingMode({ ref, guildId: null, votingMode: "personal", actor: "steward-1" });
    const back = await admin(false).setVotingMode({ ref, guildId: null, votingMode: "pooled", actor: "steward-1" });
    expect(back.votingMode).toBe("pooled");
  });
});
