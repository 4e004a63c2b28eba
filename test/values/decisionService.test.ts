import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AuditLog, createAuditLog } from "../../src/audit/auditLog.js";
import { createDecisionService, type DecisionService } from "../../src/values/decisionService.js";
import { DEFAULT_TAXONOMY } from "../../src/values/taxonomy.js";
import { createTaxonomyStore, type TaxonomyStore } from "../../src/values/taxonomyStore.js";
import { createTestDatabase, type TestDatabase } from "../support/testDatabase.js";
import { impact } from "./digestFixtures.js";
import { seedDigest, seedMember, seedProfile, seedProposal, seedSpace } from "./seed.js";

let t: TestDatabase;
let audit: AuditLog;
let taxonomies: TaxonomyStore;
let decisions: DecisionService;
beforeAll(async () => {
  t = await createTestDatabase();
  audit = createAuditLog({ prisma: t.db.prisma });
  decisions = createDecisionService({ prisma: t.db.prisma, audit, taxonomies: lazyTaxonomies(), chunkSize: 2 });
  taxonomies = createTaxonomyStore({
    prisma: t.db.prisma,
    audit,
    onChanged: (spaceId) => decisions.redecideSpace(spaceId).then(() => undefined),
  });
});
afterAll(() => t.drop());

/** The decision service reads taxonomies through the store, which is built after it (it calls back into it). */
function lazyTaxonomies(): TaxonomyStore {
  return { get: (spaceId) => taxonomies.get(spaceId), update: (...args) => taxonomies.update(...args) };
}

/** "For" is good for security and bad for the treasury; every impact quoted. */
const forIsSecure = [
  impact(1, "security_risk", 2),
  impact(1, "treasury_prudence", -2),
  impact(2, "security_risk", -1),
  impact(2, "treasury_prudence", 1),
];

async function scenario() {
  const space = await seedSpace(t.db.prisma);
  const { proposal, version } = await seedProposal(t.db.prisma, space.id);
  const digest = await seedDigest(
    t.db.prisma,
    proposal,
    version.id,
    { impacts: forIsSecure },
    {
      createdAt: new Date(Date.now() - 60_000),
    },
  );
  const [alice, bob, carol] = await Promise.all([
    seedMember(t.db.prisma),
    seedMember(t.db.prisma),
    seedMember(t.db.prisma),
  ]);
  const profiles = {
    alice: await seedProfile(t.db.prisma, alice.id, space.id, { security_risk: 5 }),
    bob: await seedProfile(t.db.prisma, bob.id, space.id, { treasury_prudence: 5 }),
    // Carol never confirmed: she must not be voted for.
    carol: await seedProfile(t.db.prisma, carol.id, space.id, { security_risk: 5 }, { confirmed: false }),
  };
  return { space, proposal, version, digest, members: { alice, bob, carol }, profiles };
}

async function auditActions(proposalId: string) {
  const rows = await t.db.prisma.auditEntry.findMany({ where: { proposalId }, orderBy: { seq: "asc" } });
  return rows.map((r) => ({ action: r.action, memberId: r.memberId, data: JSON.parse(r.canonical).data }));
}

describe("deciding a digest for a space", () => {
  it("stores one decision per confirmed profile, each with its audit entry, and only once", async () => {
    const s = await scenario();
    const report = await decisions.decideDigest({ proposalId: s.proposal.id, digestId: s.digest.id });
    expect(report).toMatchObject({ status: "decided", members: 2, created: 2, unchanged: 0, staled: 0 });

    const rows = await t.db.prisma.decision.findMany({ where: { proposalId: s.proposal.id } });
    const byMember = new Map(rows.map((r) => [r.memberId, r]));
    expect(byMember.has(s.members.carol.id)).toBe(false);
    expect(byMember.get(s.members.alice.id)).toMatchObject({
      outcome: "vote",
      choice: 1,
      profileId: s.profiles.alice.id,
      digestId: s.digest.id,
      taxonomyVersion: 1,
      utilities: [10, -5, 0],
      contributions: { security_risk: [10, -5, 0] },
      staleAt: null,
    });
    expect(byMember.get(s.members.bob.id)).toMatchObject({ outcome: "vote", choice: 2 });
    expect(byMember.get(s.members.alice.id)?.explanation).toMatchObject({
      line: 'Vote "For" mainly for security and risk.',
      decidedBy: "weights",
      engine: "engine-1",
    });

    const entries = await auditActions(s.proposal.id);
    expect(entries.map((e) => [e.action, e.memberId]).sort()).toEqual(
      [
        ["decision.made", s.members.alice.id],
        ["decision.made", s.members.bob.id],
      ].sort(),
    );
    const aliceEntry = entries.find((e) => e.memberId === s.members.alice.id);
    expect(aliceEntry?.data).toMatchObject({
      decisionId: byMember.get(s.members.alice.id)?.id,
      outcome: "vote",
      choice: 1,
      profileVersion: 1,
      supersedes: [],
    });

    const again = await decisions.decideDigest({ proposalId: s.proposal.id, digestId: s.digest.id });
    expect(again).toMatchObject({ created: 0, unchanged: 2, staled: 0 });
    expect(await auditActions(s.proposal.id)).toHaveLength(2);
    expect(await audit.verify()).toMatchObject({ intact: true });
  });

  it("recomputes on a new digest, marks the old decisions stale, and ignores the superseded digest", async () => {
    const s = await scenario();
    await decisions.decideDigest({ proposalId: s.proposal.id, digestId: s.digest.id });
    const old = await t.db.prisma.decision.findMany({ where: { proposalId: s.proposal.id } });
    // The proposal was edited: the new digest says "For" is the insecure one.
    const flipped = forIsSecure.map((i) => ({ ...i, impact: -i.impact }));
    const newer = await seedDigest(t.db.prisma, s.proposal, s.version.id, { impacts: flipped });

    const report = await decisions.decideDigest({ proposalId: s.proposal.id, digestId: newer.id });
    expect(report).toMatchObject({ created: 2, staled: 2 });
    const rows = await t.db.prisma.decision.findMany({ where: { proposalId: s.proposal.id } });
    const live = rows.filter((r) => r.staleAt === null);
    expect(live.map((r) => r.digestId)).toEqual([newer.id, newer.id]);
    expect(live.find((r) => r.memberId === s.members.alice.id)?.choice).toBe(2);
    expect(
      rows
        .filter((r) => r.staleAt !== null)
        .map((r) => r.id)
        .sort(),
    ).toEqual(old.map((r) => r.id).sort());
    const made = (await auditActions(s.proposal.id)).filter((e) => e.data.digestId === newer.id);
    expect(made.flatMap((e) => e.data.supersedes).sort()).toEqual(old.map((r) => r.id).sort());

    expect(await decisions.decideDigest({ proposalId: s.proposal.id, digestId: s.digest.id })).toEqual({
      status: "skipped",
      proposalId: s.proposal.id,
      digestId: s.digest.id,
      why: "superseded_digest",
    });
  });

  it("asks everyone and casts nothing on a flagged digest", async () => {
    const s = await scenario();
    const flagged = await seedDigest(
      t.db.prisma,
      s.proposal,
      s.version.id,
      { impacts: forIsSecure },
      { flagged: true },
    );
    const report = await decisions.decideDigest({ proposalId: s.proposal.id, digestId: flagged.id });
    expect(report).toMatchObject({ outcomes: { vote: 0, abstain: 0, ask: 2, never: 0 } });
    const rows = await t.db.prisma.decision.findMany({ where: { proposalId: s.proposal.id, digestId: flagged.id } });
    expect(rows.map((r) => [r.outcome, r.choice])).toEqual([
      ["ask", null],
      ["ask", null],
    ]);
  });

  it("decides the others when one stored profile is broken, and records the broken one", async () => {
    const s = await scenario();
    const dave = await seedMember(t.db.prisma);
    const broken = await t.db.prisma.valueProfile.create({
      data: {
        memberId: dave.id,
        spaceId: s.space.id,
        version: 1,
        statement: "x",
        weights: { security_risk: 9 },
        rules: { rules: [], whenUnsure: "ask" },
        taxonomyVersion: 1,
        compiledBy: "test",
        confirmedAt: new Date(),
      },
    });
    const report = await decisions.decideDigest({ proposalId: s.proposal.id, digestId: s.digest.id });
    expect(report).toMatchObject({ members: 2, created: 2, invalidProfiles: [broken.id] });
    const entries = await auditActions(s.proposal.id);
    expect(entries.find((e) => e.action === "decision.profiles_invalid")?.data.invalid).toEqual([
      expect.objectContaining({ memberId: dave.id, profileId: broken.id }),
    ]);
  });

  it("does not decide a proposal that is no longer open", async () => {
    const space = await seedSpace(t.db.prisma);
    const { proposal, version } = await seedProposal(t.db.prisma, space.id, { state: "closed" });
    const digest = await seedDigest(t.db.prisma, proposal, version.id, { impacts: forIsSecure });
    expect(await decisions.decideDigest({ proposalId: proposal.id, digestId: digest.id })).toMatchObject({
      status: "skipped",
      why: "proposal_not_open",
    });
  });

  it("refuses a digest of another proposal with a typed error", async () => {
    const s = await scenario();
    const other = await scenario();
    await expect(
      decisions.decideDigest({ proposalId: s.proposal.id, digestId: other.digest.id }),
    ).rejects.toMatchObject({
      code: "values.decide_not_found",
    });
  });

  it("recomputes in place when the taxonomy changes, and says so in the audit log", async () => {
    const s = await scenario();
    await decisions.decideDigest({ proposalId: s.proposal.id, digestId: s.digest.id });
    const renamed = DEFAULT_TAXONOMY.map((d) => (d.id === "security_risk" ? { ...d, name: "Safety of funds" } : d));
    const { version } = await taxonomies.update(s.space.id, renamed, "steward:test");
    expect(version).toBe(2);

    const rows = await t.db.prisma.decision.findMany({ where: { proposalId: s.proposal.id } });
    expect(rows).toHaveLength(2);
    expect(rows.every((r) => r.taxonomyVersion === 2 && r.staleAt === null)).toBe(true);
    const alice = rows.find((r) => r.memberId === s.members.alice.id);
    expect(alice?.explanation).toMatchObject({ line: 'Vote "For" mainly for safety of funds.' });
    const actions = (await auditActions(s.proposal.id)).map((e) => e.action);
    expect(actions.filter((a) => a === "decision.recomputed")).toHaveLength(2);
    const change = await t.db.prisma.auditEntry.findFirst({
      where: { spaceId: s.space.id, action: "taxonomy.changed" },
    });
    expect(JSON.parse(change?.canonical ?? "{}").data.change.renamed).toEqual([
      { id: "security_risk", from: "Security and risk", to: "Safety of funds" },
    ]);
    expect(await audit.verify()).toMatchObject({ intact: true });
  });
});
