import { readFileSync } from "node:fs";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createAuditLog } from "../../src/audit/auditLog.js";
import { createDigestJobHandler } from "../../src/digest/digestJob.js";
import { createDigestService, type DigestService } from "../../src/digest/digestService.js";
import { createOfflineDigester } from "../../src/digest/offline/offlineDigester.js";
import { loadOfflineLexicon } from "../../src/digest/offline/offlineLexicon.js";
import { digestProposal, jobCatalog } from "../../src/jobs/jobCatalog.js";
import { createJobQueue, type JobQueue } from "../../src/jobs/jobQueue.js";
import { llmSpendOfSpace } from "../../src/llm/llmCallLog.js";
import { LlmError } from "../../src/llm/llmError.js";
import { costOf, priceOf } from "../../src/llm/prices.js";
import { errorReply, type FakeAnthropicApi, jsonReply, startFakeAnthropicApi } from "../fakes/anthropicApi.js";
import { createTestDatabase, type TestDatabase } from "../support/testDatabase.js";
import { type FixtureName, fixtureInput, fixturePath } from "./support/fixtures.js";
import { createLlmDigestService } from "./support/llmDigestService.js";
import { editProposal, seedDecision, seedProposal } from "./support/seed.js";

let t: TestDatabase;
let api: FakeAnthropicApi;
let queue: JobQueue;
let service: DigestService;
const queueErrors: Error[] = [];

const recorded = (name: FixtureName) => JSON.parse(readFileSync(fixturePath("recorded", name), "utf8")) as object;

beforeAll(async () => {
  t = await createTestDatabase();
  api = await startFakeAnthropicApi();
  queue = createJobQueue({
    sql: t.db.sql,
    catalog: jobCatalog,
    onError: (e) => queueErrors.push(e),
    pollingIntervalSeconds: 0.5,
  });
  await queue.start();
  service = await createLlmDigestService({ db: t.db, apiUrl: api.url, queue, maxRetries: 1 });
});
afterAll(async () => {
  await queue.stop(5_000);
  await api.close();
  await t.drop();
});
beforeEach(() => {
  api.reset();
});

async function decideJobs(digestId: string): Promise<unknown[]> {
  const { rows } = await t.db.sql.query<{ data: unknown }>(
    "SELECT data FROM pgboss.job WHERE name = 'values.decide' AND singleton_key = $1",
    [digestId],
  );
  return rows.map((r) => r.data);
}

async function auditActions(proposalId: string): Promise<{ action: string; data: Record<string, unknown> }[]> {
  const rows = await t.db.prisma.auditEntry.findMany({ where: { proposalId }, orderBy: { seq: "asc" } });
  return rows.map((r) => {
    const parsed = JSON.parse(r.canonical) as { action: string; data: Record<string, unknown> };
    return { action: parsed.action, data: parsed.data };
  });
}

describe("digest service", () => {
  let harbor: Awaited<ReturnType<typeof seedProposal>>;
  let firstDigestId: string;

  it("stores the digest with its cost, records the call and an audit entry, and hands over to values.decide", async () => {
    harbor = await seedProposal(t.db.prisma, fixtureInput("harbor-hip-42"));
    api.script(jsonReply(recorded("harbor-hip-42")));
    const result = await service.digestVersion({ proposalId: harbor.proposalId, proposalVersionId: harbor.versionId });
    expect(result).toMatchObject({ status: "stored", flagged: false, unreliable: false, staleDecisions: 0 });
    if (result.status !== "stored") return;
    firstDigestId = result.digestId;

    const digest = await t.db.prisma.digest.findUniqueOrThrow({ where: { id: result.digestId } });
    expect(digest.content).toEqual({ ...recorded("harbor-hip-42"), extractive: false });
    expect(digest).toMatchObject({
      provider: "anthropic",
      model: "claude-sonnet-5-5",
      confidence: 0.8,
      taxonomyVersion: 1,
    });
    expect(digest.promptVersion).toMatch(/^digest\.v1@[0-9a-f]{8}$/);
    expect(digest.findings).toMatchObject({ screen: [], evidence: [], failures: 0 });
    const usage = {
      inputTokens: digest.inputTokens,
      outputTokens: digest.outputTokens,
      cacheReadTokens: digest.cacheReadTokens,
      cacheWriteTokens: digest.cacheWriteTokens,
    };
    expect(digest.inputTokens + digest.cacheWriteTokens).toBeGreaterThan(1_000);
    expect(digest.costUsd.toNumber()).toBe(costOf(usage, priceOf("claude-sonnet-5-5")));

    const calls = await t.db.prisma.llmCall.findMany({ where: { proposalId: harbor.proposalId } });
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ purpose: "digest", spaceId: harbor.spaceId, failure: null, ...usage });
    expect(calls[0]?.costUsd.toNumber()).toBe(digest.costUsd.toNumber());

    expect(await auditActions(harbor.proposalId)).toEqual([
      expect.objectContaining({
        action: "digest.created",
        data: expect.objectContaining({ digestId: result.digestId }),
      }),
    ]);
    expect(await decideJobs(result.digestId)).toEqual([{ proposalId: harbor.proposalId, digestId: result.digestId }]);
  });

  it("is idempotent: the same version again makes no model call and stores nothing new", async () => {
    const result = await service.digestVersion({ proposalId: harbor.proposalId, proposalVersionId: harbor.versionId });
    expect(result).toEqual({ status: "existing", digestId: firstDigestId });
    expect(api.requests).toHaveLength(0);
    expect(await t.db.prisma.digest.count({ where: { proposalId: harbor.proposalId } })).toBe(1);
    expect(await t.db.prisma.llmCall.count({ where: { proposalId: harbor.proposalId } })).toBe(1);
    expect(await decideJobs(firstDigestId)).toHaveLength(1);
  });

  it("digests an edit anew and marks the decisions made on the old digest stale", async () => {
    const decision = await seedDecision(t.db.prisma, harbor.spaceId, harbor.proposalId, firstDigestId);
    const input = fixtureInput("harbor-hip-42");
    const edited = `${input.proposal.body}\n\nUpdate: every report is also mirrored on IPFS.`;
    const versionId = await editProposal(t.db.prisma, harbor.proposalId, edited);
    api.script(jsonReply(recorded("harbor-hip-42")));
    const result = await service.digestVersion({ proposalId: harbor.proposalId, proposalVersionId: versionId });
    expect(result).toMatchObject({ status: "stored", staleDecisions: 1 });
    const stale = await t.db.prisma.decision.findUniqueOrThrow({ where: { id: decision.id } });
    expect(stale.staleAt).toBeInstanceOf(Date);
    expect(api.requests[0]?.userText).toContain("mirroredˆonˆIPFS");

    // A late job for the old version digests nothing: it is no longer what members vote on.
    api.requests.length = 0;
    const late = await service.digestVersion({ proposalId: harbor.proposalId, proposalVersionId: harbor.versionId });
    expect(late).toMatchObject({ status: "superseded" });
    expect(api.requests).toHaveLength(0);
  });

  it("records a refusal as a failed call and an audit entry, and stores no digest", async () => {
    const lumen = await seedProposal(t.db.prisma, fixtureInput("lumen-lip-17"));
    api.script(jsonReply(recorded("lumen-lip-17"), "refusal"));
    const result = await service.digestVersion({ proposalId: lumen.proposalId, proposalVersionId: lumen.versionId });
    expect(result).toMatchObject({ status: "no_digest", reason: "refusal" });
    expect(await t.db.prisma.digest.count({ where: { proposalId: lumen.proposalId } })).toBe(0);
    const [call] = await t.db.prisma.llmCall.findMany({ where: { proposalId: lumen.proposalId } });
    expect(call).toMatchObject({ failure: "refusal" });
    expect(call?.costUsd.toNumber()).toBeGreaterThan(0);
    expect((await auditActions(lumen.proposalId)).map((a) => a.action)).toEqual(["digest.unavailable"]);
  });

  it("throws a transient failure for the queue to retry, after recording it; a later run stores the digest", async () => {
    const lumen = await seedProposal(t.db.prisma, fixtureInput("lumen-lip-17"));
    api.script(errorReply(529, 0.05), errorReply(529, 0.05));
    const error = await service
      .digestVersion({ proposalId: lumen.proposalId, proposalVersionId: lumen.versionId })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LlmError);
    expect(error).toMatchObject({ kind: "overloaded", transient: true });
    expect(api.requests).toHaveLength(2);
    expect(await t.db.prisma.llmCall.findMany({ where: { proposalId: lumen.proposalId } })).toMatchObject([
      { failure: "overloaded", inputTokens: 0 },
    ]);

    api.script(jsonReply(recorded("lumen-lip-17")));
    const result = await service.digestVersion({ proposalId: lumen.proposalId, proposalVersionId: lumen.versionId });
    expect(result).toMatchObject({ status: "stored" });
  });

  it("does not retry a refused credential: it is recorded and audited", async () => {
    const atlas = await seedProposal(t.db.prisma, fixtureInput("atlas-aip-9"));
    api.script(errorReply(401));
    const result = await service.digestVersion({ proposalId: atlas.proposalId, proposalVersionId: atlas.versionId });
    expect(result).toMatchObject({ status: "failed", kind: "auth" });
    expect(api.requests).toHaveLength(1);
    expect((await auditActions(atlas.proposalId)).map((a) => a.action)).toEqual(["digest.failed"]);
  });

  it("runs as the digest.proposal job on the real queue", async () => {
    await queue.work(digestProposal, createDigestJobHandler({ service }));
    const yam = await seedProposal(t.db.prisma, fixtureInput("snapshotjs-yip-63"));
    api.script(jsonReply(recorded("snapshotjs-yip-63")));
    await queue.enqueue(
      digestProposal,
      { proposalId: yam.proposalId, proposalVersionId: yam.versionId },
      { singletonKey: yam.versionId },
    );
    const deadline = Date.now() + 20_000;
    let digest = null;
    while (!digest && Date.now() < deadline) {
      digest = await t.db.prisma.digest.findFirst({ where: { proposalId: yam.proposalId } });
      if (!digest) await new Promise((r) => setTimeout(r, 100));
    }
    expect(digest).toMatchObject({ flagged: false, unreliable: false, confidence: 0.7 });
    expect(queueErrors).toEqual([]);
  });

  it("sums tokens and cost per space, and keeps spaces apart", async () => {
    const spaces = await t.db.prisma.llmCall.groupBy({ by: ["spaceId"], _sum: { costUsd: true, inputTokens: true } });
    expect(spaces.length).toBeGreaterThanOrEqual(4);
    for (const space of spaces) {
      if (!space.spaceId) continue;
      const spend = await llmSpendOfSpace(t.db.prisma, space.spaceId);
      expect(spend.costUsd).toBe(space._sum.costUsd?.toFixed(6));
      expect(spend.inputTokens).toBe(space._sum.inputTokens);
    }
    const harborSpend = await llmSpendOfSpace(t.db.prisma, harbor.spaceId);
    const harborDigests = await t.db.prisma.digest.findMany({ where: { proposalId: harbor.proposalId } });
    expect(harborSpend).toMatchObject({ calls: 2, failedCalls: 0 });
    const digestCosts = harborDigests.reduce((sum, d) => sum + d.costUsd.toNumber(), 0);
    expect(Number(harborSpend.costUsd)).toBeCloseTo(digestCosts, 6);
    // The second call read the cached system prompt and taxonomy the first one wrote.
    expect(harborDigests.some((d) => d.cacheReadTokens > 0)).toBe(true);
  });

  it("stores offline digests through the same path, at no cost", async () => {
    const offline = createDigestService({
      prisma: t.db.prisma,
      audit: createAuditLog({ prisma: t.db.prisma }),
      digester: createOfflineDigester(await loadOfflineLexicon()),
      jobs: queue,
    });
    const yam = await seedProposal(t.db.prisma, fixtureInput("snapshotjs-yip-63"));
    const result = await offline.digestVersion({ proposalId: yam.proposalId, proposalVersionId: yam.versionId });
    expect(result).toMatchObject({ status: "stored", flagged: false, unreliable: false });
    const digest = await t.db.prisma.digest.findFirstOrThrow({ where: { proposalId: yam.proposalId } });
    expect(digest).toMatchObject({ provider: "offline", model: "tribune-extractive", confidence: 0.3 });
    expect(digest.content).toMatchObject({ extractive: true });
    expect(digest.costUsd.toNumber()).toBe(0);
    expect(api.requests).toHaveLength(0);
  });
});
