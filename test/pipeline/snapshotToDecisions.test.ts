import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createAuditLog } from "../../src/audit/auditLog.js";
import { offlineProfileCompiler } from "../../src/values/offlineCompiler.js";
import { createProfileStore } from "../../src/values/profileStore.js";
import { DEFAULT_TAXONOMY } from "../../src/values/taxonomy.js";
import { createTaxonomyStore } from "../../src/values/taxonomyStore.js";
import { FakeSnapshotHub } from "../fakes/snapshotHub.js";
import { yip63 } from "../sources/snapshot/hubFixtures.js";
import { eventually } from "../support/eventually.js";
import { createTestDatabase, type TestDatabase } from "../support/testDatabase.js";
import { killAllTribunes, startTribune } from "../support/tribuneProcess.js";

// The whole pipeline as `npm start` wires it, in a real process: the Snapshot watcher sees a proposal on a local
// hub, the worker digests it offline, and every confirmed member profile gets a decision — all audited.
vi.setConfig({ testTimeout: 240_000 });

const SPACE = "pipeline.eth";
const statements = [
  "Security above all: protect users and funds. Treasury prudence matters too.",
  "Growth and adoption first; public goods and community are important to me.",
];

let t: TestDatabase;
const hub = new FakeSnapshotHub();
beforeAll(async () => {
  t = await createTestDatabase();
  hub.now = Math.floor(Date.now() / 1000);
});
afterAll(async () => {
  killAllTribunes();
  await hub.close();
  await t.drop();
});

describe("sources → digests → decisions", () => {
  it("turns a new Snapshot proposal into an audited decision for every confirmed member", async (context) => {
    if (!t.url) return context.skip("needs a PostgreSQL URL to share with the child process");
    const { prisma } = t.db;
    const audit = createAuditLog({ prisma });
    const space = await prisma.space.create({
      data: { kind: "snapshot", externalId: SPACE, name: SPACE, taxonomy: DEFAULT_TAXONOMY },
    });
    const profiles = createProfileStore({
      prisma,
      audit,
      taxonomies: createTaxonomyStore({ prisma, audit }),
      compiler: offlineProfileCompiler,
    });
    for (const [i, statement] of statements.entries()) {
      const member = await prisma.member.create({
        data: {
          discordUserId: `10000000000000000${i}`,
          agentIndex: i,
          agentAddress: `0x${String(i).padStart(40, "0")}`,
        },
      });
      const drafted = await profiles.draft({ memberId: member.id, spaceId: space.id, statement });
      if (!drafted.ok) throw new Error(`the statement did not compile: ${JSON.stringify(drafted)}`);
      await profiles.confirm({ memberId: member.id, spaceId: space.id, version: drafted.profile.version });
    }

    const hubUrl = await hub.listen();
    const proposalId = hub.createProposal({ ...yip63(SPACE), start: hub.now - 60, end: hub.now + 3 * 86_400 });
    const tribune = startTribune({
      DATABASE_URL: t.url,
      PORT: "0",
      SNAPSHOT_HUB_URL: hubUrl,
      SNAPSHOT_SPACES: SPACE,
      SNAPSHOT_POLL_SECONDS: "2",
    });
    await tribune.waitFor(/Tribune is ready\./);
    expect(tribune.output()).toContain(`watching 1 space(s) at ${hubUrl}`);

    const decisions = await eventually(
      () => prisma.decision.findMany({ include: { proposal: true, digest: true } }),
      (rows) => rows.length >= statements.length,
      150_000,
    );
    expect(decisions).toHaveLength(statements.length);
    for (const decision of decisions) {
      expect(decision.proposal.externalId).toBe(proposalId);
      expect(decision.digest.provider).toBe("offline");
      expect(["vote", "abstain", "ask"]).toContain(decision.outcome);
      expect(JSON.stringify(decision.explanation)).toContain("line");
    }
    expect(await prisma.llmCall.count()).toBe(1); // one digest for the proposal, whatever the number of members

    const actions = (await prisma.auditEntry.findMany({ select: { action: true } })).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(["snapshot.proposal.ingested", "digest.created", "decision.made"]));
    expect(await audit.verify()).toMatchObject({ intact: true });

    tribune.child.kill("SIGTERM");
    expect(await tribune.exited).toBe(0);
  });
});
