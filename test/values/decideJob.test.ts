import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAuditLog } from "../../src/audit/auditLog.js";
import { decideProposal, jobCatalog } from "../../src/jobs/jobCatalog.js";
import { createJobQueue, type JobQueue } from "../../src/jobs/jobQueue.js";
import { createDecideHandler } from "../../src/values/decideJob.js";
import { createDecisionService, type DecideReport } from "../../src/values/decisionService.js";
import { createTaxonomyStore } from "../../src/values/taxonomyStore.js";
import { createTestDatabase, type TestDatabase } from "../support/testDatabase.js";
import { impact } from "./digestFixtures.js";
import { seedDigest, seedMember, seedProfile, seedProposal, seedSpace } from "./seed.js";

let t: TestDatabase;
let queue: JobQueue;
beforeAll(async () => {
  t = await createTestDatabase();
  queue = createJobQueue({ sql: t.db.sql, catalog: jobCatalog, onError: () => undefined, pollingIntervalSeconds: 0.5 });
  await queue.start();
});
afterAll(async () => {
  await queue.stop(5_000);
  await t.drop();
});

describe("the values.decide job", () => {
  it("runs from the queue to stored decisions, and tells the caller what it decided", async () => {
    const audit = createAuditLog({ prisma: t.db.prisma });
    const decisions = createDecisionService({
      prisma: t.db.prisma,
      audit,
      taxonomies: createTaxonomyStore({ prisma: t.db.prisma, audit }),
    });
    const reports: DecideReport[] = [];
    await queue.work(decideProposal, createDecideHandler({ decisions, onDecided: async (r) => void reports.push(r) }));

    const space = await seedSpace(t.db.prisma);
    const { proposal, version } = await seedProposal(t.db.prisma, space.id, {
      votingType: "weighted",
      choices: ["A", "B", "Abstain"],
    });
    const digest = await seedDigest(t.db.prisma, proposal, version.id, {
      impacts: [impact(1, "security_risk", 2), impact(2, "security_risk", 1)],
    });
    for (let i = 0; i < 3; i++) {
      const member = await seedMember(t.db.prisma);
      await seedProfile(t.db.prisma, member.id, space.id, { security_risk: 5 });
    }
    await queue.enqueue(decideProposal, { proposalId: proposal.id, digestId: digest.id }, { singletonKey: digest.id });

    const deadline = Date.now() + 20_000;
    while (reports.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(reports).toEqual([expect.objectContaining({ status: "decided", created: 3, digestId: digest.id })]);
    const rows = await t.db.prisma.decision.findMany({ where: { proposalId: proposal.id } });
    expect(rows.map((r) => r.choice)).toEqual([
      { "1": 67, "2": 33 },
      { "1": 67, "2": 33 },
      { "1": 67, "2": 33 },
    ]);
  });
});
