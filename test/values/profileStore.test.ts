import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAuditLog } from "../../src/audit/auditLog.js";
import { TribuneError } from "../../src/errors/tribuneError.js";
import { createDecisionService } from "../../src/values/decisionService.js";
import { offlineProfileCompiler } from "../../src/values/offlineCompiler.js";
import { createProfileStore, type ProfileStore } from "../../src/values/profileStore.js";
import { DEFAULT_TAXONOMY } from "../../src/values/taxonomy.js";
import { createTaxonomyStore } from "../../src/values/taxonomyStore.js";
import { createTestDatabase, type TestDatabase } from "../support/testDatabase.js";
import { impact } from "./digestFixtures.js";
import { seedDigest, seedMember, seedProposal, seedSpace } from "./seed.js";

let t: TestDatabase;
let profiles: ProfileStore;
beforeAll(async () => {
  t = await createTestDatabase();
  const audit = createAuditLog({ prisma: t.db.prisma });
  const taxonomies = createTaxonomyStore({ prisma: t.db.prisma, audit });
  const decisions = createDecisionService({ prisma: t.db.prisma, audit, taxonomies });
  profiles = createProfileStore({
    prisma: t.db.prisma,
    audit,
    taxonomies,
    compiler: offlineProfileCompiler,
    onConfirmed: (memberId, spaceId) => decisions.redecideMember(memberId, spaceId).then(() => undefined),
  });
});
afterAll(() => t.drop());

async function actions(memberId: string) {
  const rows = await t.db.prisma.auditEntry.findMany({ where: { memberId }, orderBy: { seq: "asc" } });
  return rows.map((r) => r.action);
}

describe("value profiles", () => {
  it("drafts from a statement, shows it back, and votes only once confirmed", async () => {
    const space = await seedSpace(t.db.prisma);
    const member = await seedMember(t.db.prisma);
    const drafted = await profiles.draft({
      memberId: member.id,
      spaceId: space.id,
      statement: "Security above all. Ask me about grants over $500k.",
    });
    if (!drafted.ok) throw new Error(drafted.message);
    expect(drafted.profile).toMatchObject({
      version: 1,
      confirmedAt: null,
      compiledBy: "offline@lexicon-1",
      privacy: "private",
    });
    expect(drafted.profile.weights.security_risk).toBe(5);
    expect(drafted.profile.shownBack).toContain('Security and risk: 5 (above all) — you wrote "security above all"');
    expect(drafted.profile.shownBack).toContain(
      "1. When the proposal moves more than $500,000 out of the treasury and is a grant, Tribune will ask you instead of voting.",
    );
    expect(await profiles.current(member.id, space.id)).toBeNull();

    const confirmed = await profiles.confirm({ memberId: member.id, spaceId: space.id, version: 1 });
    expect(confirmed.confirmedAt).toBeInstanceOf(Date);
    expect((await profiles.current(member.id, space.id))?.version).toBe(1);
    expect(await actions(member.id)).toEqual(["profile.drafted", "profile.confirmed"]);
  });

  it("refuses a statement it cannot read, storing nothing", async () => {
    const space = await seedSpace(t.db.prisma);
    const member = await seedMember(t.db.prisma);
    const result = await profiles.draft({ memberId: member.id, spaceId: space.id, statement: "  " });
    expect(result).toMatchObject({ ok: false, problem: "empty" });
    expect(await t.db.prisma.valueProfile.count({ where: { memberId: member.id } })).toBe(0);
  });

  it("keeps the confirmed version voting while an edit waits for confirmation", async () => {
    const space = await seedSpace(t.db.prisma);
    const member = await seedMember(t.db.prisma);
    await profiles.draft({ memberId: member.id, spaceId: space.id, statement: "decentralization matters" });
    await profiles.confirm({ memberId: member.id, spaceId: space.id, version: 1 });
    const edited = await profiles.edit({
      memberId: member.id,
      spaceId: space.id,
      weights: { ...Object.fromEntries(DEFAULT_TAXONOMY.map((d) => [d.id, 0])), growth_adoption: 5 },
    });
    expect(edited).toMatchObject({ version: 2, confirmedAt: null, compiledBy: "offline@lexicon-1+edited" });
    expect((await profiles.current(member.id, space.id))?.version).toBe(1);
    await expect(profiles.confirm({ memberId: member.id, spaceId: space.id, version: 1 })).rejects.toMatchObject({
      code: "values.stale_confirmation",
    });
    await profiles.confirm({ memberId: member.id, spaceId: space.id, version: 2 });
    expect((await profiles.current(member.id, space.id))?.weights.growth_adoption).toBe(5);

    // Privacy alone changes nothing the member confirmed: the new version votes at once.
    const publicVersion = await profiles.edit({ memberId: member.id, spaceId: space.id, privacy: "public" });
    expect(publicVersion).toMatchObject({ version: 3, privacy: "public" });
    expect(publicVersion.confirmedAt).toBeInstanceOf(Date);

    await expect(
      profiles.edit({ memberId: member.id, spaceId: space.id, weights: { vibes: 3 } }),
    ).rejects.toBeInstanceOf(TribuneError);
  });

  it("re-decides the member's open proposals when a new version is confirmed", async () => {
    const space = await seedSpace(t.db.prisma);
    const member = await seedMember(t.db.prisma);
    const { proposal, version } = await seedProposal(t.db.prisma, space.id);
    await seedDigest(t.db.prisma, proposal, version.id, {
      impacts: [impact(1, "security_risk", 2), impact(1, "treasury_prudence", -2), impact(2, "treasury_prudence", 2)],
    });
    await profiles.draft({ memberId: member.id, spaceId: space.id, statement: "Security above all" });
    await profiles.confirm({ memberId: member.id, spaceId: space.id, version: 1 });
    let rows = await t.db.prisma.decision.findMany({ where: { memberId: member.id } });
    expect(rows.map((r) => [r.choice, r.staleAt])).toEqual([[1, null]]);

    await profiles.draft({ memberId: member.id, spaceId: space.id, statement: "Frugal spending is my top priority" });
    await profiles.confirm({ memberId: member.id, spaceId: space.id, version: 2 });
    rows = await t.db.prisma.decision.findMany({ where: { memberId: member.id }, orderBy: { createdAt: "asc" } });
    expect(rows.map((r) => [r.choice, r.staleAt === null])).toEqual([
      [1, false],
      [2, true],
    ]);
  });

  it("versions the space's taxonomy, ignoring an edit that changes nothing and refusing an invalid one", async () => {
    const space = await seedSpace(t.db.prisma);
    const taxonomies = createTaxonomyStore({ prisma: t.db.prisma, audit: createAuditLog({ prisma: t.db.prisma }) });
    expect(await taxonomies.update(space.id, DEFAULT_TAXONOMY, "steward:test")).toMatchObject({ version: 1 });
    const added = [...DEFAULT_TAXONOMY, { id: "l2_expansion", name: "L2 expansion", meaning: "More rollups." }];
    expect(await taxonomies.update(space.id, added, "steward:test")).toMatchObject({
      version: 2,
      change: { added: ["l2_expansion"] },
    });
    expect((await taxonomies.get(space.id)).taxonomy).toHaveLength(9);
    await expect(taxonomies.update(space.id, [], "steward:test")).rejects.toMatchObject({
      code: "values.taxonomy_invalid",
    });
  });
});
