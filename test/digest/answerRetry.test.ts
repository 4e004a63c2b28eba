import { readFileSync } from "node:fs";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { DigestService } from "../../src/digest/digestService.js";
import { jobCatalog } from "../../src/jobs/jobCatalog.js";
import { createJobQueue, type JobQueue } from "../../src/jobs/jobQueue.js";
import { llmSpendOfSpace } from "../../src/llm/llmCallLog.js";
import { LlmError } from "../../src/llm/llmError.js";
import { errorReply, type FakeAnthropicApi, jsonReply, startFakeAnthropicApi } from "../fakes/anthropicApi.js";
import { createTestDatabase, type TestDatabase } from "../support/testDatabase.js";
import { adversarialVariants } from "./support/adversarialSet.js";
import { fixtureInput, fixturePath } from "./support/fixtures.js";
import { createLlmDigestService } from "./support/llmDigestService.js";
import { seedProposal } from "./support/seed.js";

// A malformed model answer (cut off, not JSON, off the schema) is asked again, at most twice more, through the real
// SDK against the local fake Messages API; every attempt is a recorded call and a visible audit entry, and what can
// not be mended by asking again (a refusal, an overfull context window, a refused request) is asked once.

let t: TestDatabase;
let api: FakeAnthropicApi;
let queue: JobQueue;
let service: DigestService;

const good = JSON.parse(readFileSync(fixturePath("recorded", "lumen-lip-17"), "utf8")) as Record<string, unknown>;
const offSchema = () => jsonReply({ ...good, tldr: "x".repeat(281) });
const notJson = () => ({ kind: "message" as const, text: '{"tldr": "Lumen moves its treasury' });
const cutOff = () => jsonReply(good, "max_tokens");

beforeAll(async () => {
  t = await createTestDatabase();
  api = await startFakeAnthropicApi();
  queue = createJobQueue({ sql: t.db.sql, catalog: jobCatalog, onError: () => undefined });
  await queue.start();
  // No SDK retries: every request the fake sees is one attempt of the digest step.
  service = await createLlmDigestService({ db: t.db, apiUrl: api.url, queue, maxRetries: 0 });
}, 120_000);
afterAll(async () => {
  await queue.stop(5_000);
  await api.close();
  await t.drop();
});
beforeEach(() => {
  api.reset();
});

async function auditOf(proposalId: string): Promise<{ action: string; data: Record<string, unknown> }[]> {
  const rows = await t.db.prisma.auditEntry.findMany({ where: { proposalId }, orderBy: { seq: "asc" } });
  return rows.map((r) => JSON.parse(r.canonical) as { action: string; data: Record<string, unknown> });
}

async function callsOf(proposalId: string) {
  const calls = await t.db.prisma.llmCall.findMany({ where: { proposalId }, orderBy: { createdAt: "asc" } });
  return calls.map((c) => ({
    failure: c.failure,
    costUsd: c.costUsd.toNumber(),
    inputTokens: c.inputTokens,
    outputTokens: c.outputTokens,
    cacheReadTokens: c.cacheReadTokens,
    cacheWriteTokens: c.cacheWriteTokens,
  }));
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

async function digestLumen() {
  const seeded = await seedProposal(t.db.prisma, fixtureInput("lumen-lip-17"));
  const run = () => service.digestVersion({ proposalId: seeded.proposalId, proposalVersionId: seeded.versionId });
  return { seeded, run };
}

describe("digest answer retry", () => {
  it("asks again after a malformed answer and stores one digest that carries both attempts' cost", async () => {
    const { seeded, run } = await digestLumen();
    api.script(offSchema(), jsonReply(good));
    const result = await run();
    expect(result).toMatchObject({ status: "stored", attempts: 2 });
    expect(api.requests).toHaveLength(2);
    if (result.status !== "stored") return;

    const calls = await callsOf(seeded.proposalId);
    expect(calls.map((c) => c.failure)).toEqual(["schema_miss", null]);
    expect(calls[0]?.outputTokens).toBeGreaterThan(0);
    const digests = await t.db.prisma.digest.findMany({ where: { proposalId: seeded.proposalId } });
    expect(digests).toHaveLength(1);
    const [digest] = digests;
    // The stored digest's usage is both calls together, so the discarded answer's spend is not hidden.
    expect(digest?.outputTokens).toBe(sum(calls.map((c) => c.outputTokens)));
    expect(digest?.inputTokens).toBe(sum(calls.map((c) => c.inputTokens)));
    expect(digest?.cacheReadTokens).toBe(sum(calls.map((c) => c.cacheReadTokens)));
    expect(digest?.cacheWriteTokens).toBe(sum(calls.map((c) => c.cacheWriteTokens)));
    expect(digest?.costUsd.toNumber()).toBeCloseTo(sum(calls.map((c) => c.costUsd)), 6);
    expect(digest?.costUsd.toNumber()).toBeGreaterThan(calls[1]?.costUsd ?? 0);
    const spend = await llmSpendOfSpace(t.db.prisma, seeded.spaceId);
    expect(spend).toMatchObject({ calls: 2, failedCalls: 1, costUsd: digest?.costUsd.toFixed(6) });

    const audit = await auditOf(seeded.proposalId);
    expect(audit.map((a) => a.action)).toEqual(["digest.retrying", "digest.created"]);
    expect(audit[0]?.data).toMatchObject({
      attempt: 1,
      maxAttempts: 3,
      reason: "schema_miss",
      detail: expect.stringMatching(/tldr/),
      costUsd: calls[0]?.costUsd.toFixed(6),
    });
    expect(audit[1]?.data).toMatchObject({ digestId: result.digestId, attempts: 2 });

    // Stored once: the job again asks nothing and stores nothing.
    api.reset();
    expect(await run()).toEqual({ status: "existing", digestId: result.digestId });
    expect(api.requests).toHaveLength(0);
    expect(await t.db.prisma.digest.count({ where: { proposalId: seeded.proposalId } })).toBe(1);
  });

  it("gives up after three malformed answers: one digest.unavailable with the reason, no digest", async () => {
    const { seeded, run } = await digestLumen();
    api.script(cutOff(), notJson(), offSchema(), jsonReply(good));
    const result = await run();
    expect(result).toMatchObject({ status: "no_digest", reason: "schema_miss", attempts: 3 });
    // The fourth, good reply was never asked for: the bound holds.
    expect(api.requests).toHaveLength(3);
    expect(await t.db.prisma.digest.count({ where: { proposalId: seeded.proposalId } })).toBe(0);

    const calls = await callsOf(seeded.proposalId);
    expect(calls.map((c) => c.failure)).toEqual(["max_tokens", "schema_miss", "schema_miss"]);
    expect(calls.every((c) => c.costUsd > 0)).toBe(true);

    const audit = await auditOf(seeded.proposalId);
    expect(audit.map((a) => a.action)).toEqual(["digest.retrying", "digest.retrying", "digest.unavailable"]);
    expect(audit[0]?.data).toMatchObject({
      attempt: 1,
      reason: "max_tokens",
      detail: expect.stringMatching(/cut off/),
    });
    expect(audit[1]?.data).toMatchObject({ attempt: 2, reason: "schema_miss", detail: expect.stringMatching(/JSON/) });
    expect(audit[2]?.data).toMatchObject({
      reason: "schema_miss",
      detail: expect.stringMatching(/tldr/),
      attempts: 3,
      costUsd: sum(calls.map((c) => c.costUsd)).toFixed(6),
    });
  });

  it("asks once when the model refuses", async () => {
    const { seeded, run } = await digestLumen();
    api.script(jsonReply(good, "refusal"), jsonReply(good));
    expect(await run()).toMatchObject({ status: "no_digest", reason: "refusal", attempts: 1 });
    expect(api.requests).toHaveLength(1);
    expect((await callsOf(seeded.proposalId)).map((c) => c.failure)).toEqual(["refusal"]);
    expect((await auditOf(seeded.proposalId)).map((a) => a.action)).toEqual(["digest.unavailable"]);
  });

  it("asks once when the input fills the model's context window", async () => {
    const { seeded, run } = await digestLumen();
    api.script(jsonReply(good, "model_context_window_exceeded"), jsonReply(good));
    expect(await run()).toMatchObject({ status: "no_digest", reason: "context_window", attempts: 1 });
    expect(api.requests).toHaveLength(1);
    expect((await auditOf(seeded.proposalId)).map((a) => a.action)).toEqual(["digest.unavailable"]);
  });

  it("asks once when the API refuses the request (400): digest.failed, once", async () => {
    const { seeded, run } = await digestLumen();
    api.script(errorReply(400), jsonReply(good));
    expect(await run()).toMatchObject({ status: "failed", kind: "bad_request" });
    expect(api.requests).toHaveLength(1);
    expect((await auditOf(seeded.proposalId)).map((a) => a.action)).toEqual(["digest.failed"]);
  });

  it("ends a retry run that meets a 400 with one digest.failed, the discarded answer still counted", async () => {
    const { seeded, run } = await digestLumen();
    api.script(notJson(), errorReply(400));
    expect(await run()).toMatchObject({ status: "failed", kind: "bad_request" });
    expect(api.requests).toHaveLength(2);
    expect((await callsOf(seeded.proposalId)).map((c) => c.failure)).toEqual(["schema_miss", "bad_request"]);
    expect((await auditOf(seeded.proposalId)).map((a) => a.action)).toEqual(["digest.retrying", "digest.failed"]);
  });

  it("hands a transient failure met while retrying to the job queue, with the discarded answer recorded", async () => {
    const { seeded, run } = await digestLumen();
    api.script(cutOff(), errorReply(529, 0));
    const error = await run().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LlmError);
    expect(error).toMatchObject({ kind: "overloaded", transient: true });
    const calls = await callsOf(seeded.proposalId);
    expect(calls.map((c) => c.failure)).toEqual(["max_tokens", "overloaded"]);
    expect(calls[0]?.outputTokens).toBeGreaterThan(0);
    // Not a final failure: the queue's retry comes back later, so nothing says the digest failed.
    expect((await auditOf(seeded.proposalId)).map((a) => a.action)).toEqual(["digest.retrying"]);

    api.script(jsonReply(good));
    expect(await run()).toMatchObject({ status: "stored", attempts: 1 });
    expect((await auditOf(seeded.proposalId)).map((a) => a.action)).toEqual(["digest.retrying", "digest.created"]);
  });

  it("stores a digest the injection screen flagged on the first answer: a verdict is not asked again", async () => {
    const variant = adversarialVariants().find((v) => v.base === "lumen-lip-17" && v.kind === "direct");
    if (!variant) throw new Error("the adversarial set has no direct attack on lumen-lip-17");
    const seeded = await seedProposal(t.db.prisma, variant.input);
    api.script(jsonReply(good), jsonReply(good));
    const result = await service.digestVersion({ proposalId: seeded.proposalId, proposalVersionId: seeded.versionId });
    expect(result).toMatchObject({ status: "stored", flagged: true, attempts: 1 });
    expect(api.requests).toHaveLength(1);
    expect((await auditOf(seeded.proposalId)).map((a) => a.action)).toEqual(["digest.created"]);
  });
});
