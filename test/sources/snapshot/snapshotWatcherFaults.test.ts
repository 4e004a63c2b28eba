import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PrismaClient } from "../../../src/generated/prisma/client.js";
import type { DigestJobs } from "../../../src/sources/digestQueueing.js";
import {
  HubInvalidAnswerError,
  HubMalformedResponseError,
  HubPartialAnswerError,
  HubRateLimitedError,
  HubTimeoutError,
  HubUnavailableError,
} from "../../../src/sources/snapshot/hubErrors.js";
import type { HubFault } from "../../fakes/snapshotHub.js";
import { plainProposal } from "./hubFixtures.js";
import { auditOf, createHarness, type Harness } from "./watcherHarness.js";

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(() => h.close());

const feedCursor = async () =>
  (await h.t.db.prisma.sourceCursor.findUnique({ where: { source_key: { source: "snapshot", key: "feed" } } }))?.cursor;

const faults: [string, HubFault[], new (...args: never[]) => Error][] = [
  [
    "429 with a Retry-After too long to wait",
    [{ kind: "status", status: 429, retryAfter: "600" }],
    HubRateLimitedError,
  ],
  ["500 on every attempt", [500, 502, 503].map((status) => ({ kind: "status", status })), HubUnavailableError],
  ["a hub slower than the timeout", [1, 2, 3].map(() => ({ kind: "delay", ms: 2_500 })), HubTimeoutError],
  ["malformed JSON", [{ kind: "malformed" }], HubMalformedResponseError],
  ["a partial answer", [{ kind: "partial" }], HubPartialAnswerError],
  [
    "a proposal missing its title",
    [{ kind: "tamper", mutate: (data) => delete (data.created0 as Record<string, unknown>[])[0]?.title }],
    HubInvalidAnswerError,
  ],
];

describe("Snapshot watcher when things fail", () => {
  it.each(faults)(
    "on %s: a typed error, nothing written, the cursor kept; the next poll catches up",
    async (name, hubFaults, kind) => {
      const space = `fault-${name.replace(/\W+/g, "-")}.eth`;
      await h.watcher([space]).pollOnce();
      const id = h.hub.createProposal(plainProposal(space, 1));
      const cursor = await feedCursor();
      const audit = await h.t.db.prisma.auditEntry.count();

      h.hub.faults.push(...hubFaults);
      await expect(h.watcher([space], { client: { timeoutMs: 1_000 } }).pollOnce()).rejects.toBeInstanceOf(kind);
      expect(await h.t.db.prisma.proposal.count({ where: { externalId: id } })).toBe(0);
      expect(await feedCursor()).toEqual(cursor);
      expect(await h.t.db.prisma.auditEntry.count()).toBe(audit);

      h.hub.faults.length = 0;
      expect(await h.watcher([space]).pollOnce()).toMatchObject({ created: 1 });
      expect(await h.t.db.prisma.proposal.count({ where: { externalId: id } })).toBe(1);
    },
  );

  it("waits out a short 429 within the poll", async () => {
    const watcher = h.watcher(["patient.eth"]);
    await watcher.pollOnce();
    h.hub.createProposal(plainProposal("patient.eth", 1));
    h.hub.faults.push({ kind: "status", status: 429, retryAfter: "2" });
    expect(await watcher.pollOnce()).toMatchObject({ created: 1 });
  });

  it("resumes after a crash between fetching and writing: nothing lost, nothing doubled", async () => {
    const space = "crash.eth";
    await h.watcher([space]).pollOnce();
    const ids = Array.from({ length: 5 }, (_, i) => h.hub.createProposal(plainProposal(space, i)));
    const cursor = await feedCursor();

    // The process "dies" inside the second transaction: after the first two proposals committed, before the rest.
    let creates = 0;
    const dying = h.t.db.prisma.$extends({
      query: {
        proposal: {
          async createMany({ args, query }) {
            creates += 1;
            if (creates === 2) throw new Error("simulated crash: the process died here");
            return query(args);
          },
        },
      },
    }) as unknown as PrismaClient;
    await expect(h.watcher([space], { prisma: dying, chunkSize: 2 }).pollOnce()).rejects.toThrow("simulated crash");
    expect(await h.t.db.prisma.proposal.count({ where: { externalId: { in: ids } } })).toBe(2);
    expect(await feedCursor()).toEqual(cursor);

    const report = await h.watcher([space], { chunkSize: 2 }).pollOnce();
    expect(report).toMatchObject({ created: 3, unchanged: 2 });
    const rows = await h.t.db.prisma.proposal.findMany({
      where: { externalId: { in: ids } },
      include: { versions: true },
    });
    expect(rows.map((r) => r.externalId).sort()).toEqual([...ids].sort());
    expect(rows.every((r) => r.versions.length === 1)).toBe(true);
    const jobs = await h.digestJobs(rows.flatMap((r) => r.versions.map((v) => v.id)));
    expect([...jobs.values()]).toEqual([1, 1, 1, 1, 1]);
    const ingested = (await auditOf(h.t.db.prisma, "snapshot.proposal.ingested")).filter((e) =>
      ids.includes(String(e.data.externalId)),
    );
    expect(ingested).toHaveLength(5);
    expect(await feedCursor()).not.toEqual(cursor);
  });

  it("queues the digest after a crash between committing a version and queueing its job", async () => {
    const space = "crash-queue.eth";
    await h.watcher([space]).pollOnce();
    const id = h.hub.createProposal(plainProposal(space, 1));
    const dyingJobs: DigestJobs = {
      enqueue: async () => {
        throw new Error("simulated crash before the job was queued");
      },
    };
    await expect(h.watcher([space], { jobs: dyingJobs }).pollOnce()).rejects.toThrow("simulated crash");
    const row = await h.t.db.prisma.proposal.findFirstOrThrow({
      where: { externalId: id },
      include: { versions: true },
    });
    const versionId = row.versions[0]?.id as string;
    expect((await h.digestJobs([versionId])).get(versionId)).toBe(0);

    expect(await h.watcher([space]).pollOnce()).toMatchObject({ created: 0, unchanged: 1, digestsQueued: 1 });
    expect((await h.digestJobs([versionId])).get(versionId)).toBe(1);
    expect(await h.watcher([space]).pollOnce()).toMatchObject({ digestsQueued: 0 });
    expect((await h.digestJobs([versionId])).get(versionId)).toBe(1);
  });
});
