import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAuditLog } from "../../src/audit/auditLog.js";
import type { DigestJobs } from "../../src/sources/digestQueueing.js";
import {
  DEMO_BUNDLE_DIR,
  type ReplayBundle,
  ReplayBundleError,
  readReplayBundle,
} from "../../src/sources/replay/replayBundle.js";
import { replayWindow } from "../../src/sources/replay/replayRecord.js";
import { createReplayWatcher } from "../../src/sources/replay/replayWatcher.js";
import { createTestDatabase, type TestDatabase } from "../support/testDatabase.js";

// The replay source on its own: which bundled proposals are out at a given moment, that a restart stores nothing
// new (the anchor is kept), that each debate is written once before its digest is queued, and that states follow
// the clock.

const SPACE = "replay-test.eth";
let t: TestDatabase;
let bundle: ReplayBundle;
beforeAll(async () => {
  t = await createTestDatabase();
  bundle = await readReplayBundle();
});
afterAll(async () => {
  await t.drop();
});

/** The digest queue as the watcher sees it, recording what it was asked (the real queue is tested elsewhere). */
function recordingJobs(): DigestJobs & { versions: string[] } {
  const versions: string[] = [];
  return {
    versions,
    async enqueue(_job, payload, options) {
      versions.push((payload as { proposalVersionId: string }).proposalVersionId);
      return options?.singletonKey ?? null;
    },
  };
}

describe("the replay watcher", () => {
  it("releases proposals as their vote opens, keeps its anchor across restarts, and follows the clock", async () => {
    const audit = createAuditLog({ prisma: t.db.prisma });
    const t0 = new Date("2030-01-01T12:00:00Z");
    let now = t0;
    const jobs = recordingJobs();
    const watcher = () =>
      createReplayWatcher({ prisma: t.db.prisma, audit, jobs, bundle, space: SPACE, now: () => now });
    const openAtStart = bundle.proposals.filter((p) => p.timing.startMinutes <= 0);
    const later = bundle.proposals.filter((p) => p.timing.startMinutes > 0);
    expect(later.length).toBeGreaterThan(0);

    const first = await watcher().pollOnce();
    expect(first).toMatchObject({
      released: openAtStart.length,
      created: openAtStart.length,
      forumTopics: openAtStart.length,
      digestsQueued: openAtStart.length,
      upcoming: later.length,
      anchor: t0,
    });
    expect(first.nextReleaseAt?.getTime()).toBe(replayWindow(later[0] as (typeof later)[0], t0).start * 1000);
    const stored = await t.db.prisma.proposal.findMany({ include: { forum: true } });
    expect(stored.every((p) => p.state === "active" && p.forum.length === 1)).toBe(true);
    const posts = stored[0]?.forum[0]?.posts as { url: string; author: string; text: string }[];
    expect(posts[0]?.url).toMatch(/^https:\/\/forum\.tribune-demo\.example\/t\/.+\/1$/);

    // A restart an hour later (a new watcher, the clock moved): same anchor, so the same content, nothing new.
    now = new Date(t0.getTime() + 60 * 60_000);
    const restarted = await watcher().pollOnce();
    expect(restarted.anchor).toEqual(t0);
    // Only the proposals that opened meanwhile are new; the others are found unchanged, their debates not rewritten.
    expect(restarted).toMatchObject({
      released: bundle.proposals.length,
      created: later.length,
      unchanged: openAtStart.length,
      edited: 0,
      forumTopics: later.length,
      upcoming: 0,
    });
    const ingested = await t.db.prisma.auditEntry.count({ where: { action: "snapshot.proposal.ingested" } });
    expect(ingested).toBe(bundle.proposals.length);
    expect(await t.db.prisma.auditEntry.count({ where: { action: "snapshot.proposal.edited" } })).toBe(0);
  });

  it("stores each bundled proposal once with one version, whatever the number of polls", async () => {
    const audit = createAuditLog({ prisma: t.db.prisma });
    const space = "replay-once.eth";
    const t0 = new Date("2030-02-01T00:00:00Z");
    const jobs = recordingJobs();
    const clock = { now: t0 };
    const watcher = createReplayWatcher({ prisma: t.db.prisma, audit, jobs, bundle, space, now: () => clock.now });
    for (const minutes of [0, 0, 3, 6, 6]) {
      clock.now = new Date(t0.getTime() + minutes * 60_000);
      await watcher.pollOnce();
    }
    const rows = await t.db.prisma.proposal.findMany({
      where: { space: { externalId: space } },
      include: { versions: true, forum: true },
    });
    expect(rows.map((r) => r.externalId).sort()).toEqual(bundle.proposals.map((p) => p.id).sort());
    expect(rows.every((r) => r.versions.length === 1 && r.forum.length === 1)).toBe(true);
    const ingested = await t.db.prisma.auditEntry.count({
      where: { action: "snapshot.proposal.ingested", proposalId: { in: rows.map((r) => r.id) } },
    });
    expect(ingested).toBe(bundle.proposals.length);

    // Past the first proposal's end it is closed, once (one audited state change, however many polls follow).
    const shortest = [...bundle.proposals].sort(
      (a, b) => replayWindow(a, t0).end - replayWindow(b, t0).end,
    )[0] as (typeof bundle.proposals)[0];
    clock.now = new Date((replayWindow(shortest, t0).end + 60) * 1000);
    await watcher.pollOnce();
    await watcher.pollOnce();
    const closed = await t.db.prisma.proposal.findFirstOrThrow({
      where: { externalId: shortest.id, space: { externalId: space } },
    });
    expect(closed.state).toBe("closed");
    const changes = await t.db.prisma.auditEntry.findMany({
      where: { proposalId: closed.id, action: "snapshot.proposal.state_changed" },
    });
    expect(changes.map((c) => JSON.parse(c.canonical).data)).toEqual([
      expect.objectContaining({ from: "active", to: "closed" }),
    ]);
  });
});

describe("the bundle", () => {
  it("keeps the real proposal's text exactly as its source has it", () => {
    const real = JSON.parse(
      readFileSync(join(DEMO_BUNDLE_DIR, "../sources/snapshotjs-test-examples-proposal.json"), "utf8"),
    );
    const copy = JSON.parse(readFileSync(join(DEMO_BUNDLE_DIR, "yip-63-general-expense-fund.json"), "utf8"));
    expect({ title: copy.title, body: copy.body, choices: copy.choices }).toEqual({
      title: real.name,
      body: real.body,
      choices: real.choices,
    });
    expect(copy.origin).toContain("snapshot.js");
  });

  it("refuses a broken file by name, and duplicate ids", async () => {
    const dir = mkdtempSync(join(tmpdir(), "replay-bundle-"));
    try {
      const good = readFileSync(join(DEMO_BUNDLE_DIR, "tdp-12-treasury-tbills.json"), "utf8");
      writeFileSync(join(dir, "a.json"), good);
      writeFileSync(join(dir, "b.json"), good);
      await expect(readReplayBundle(dir)).rejects.toThrow(/b\.json has the same id as a\.json/);
      writeFileSync(join(dir, "b.json"), JSON.stringify({ ...JSON.parse(good), type: "plurality" }));
      const error = await readReplayBundle(dir).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ReplayBundleError);
      expect((error as Error).message).toMatch(/b\.json is not valid: type/);
      await expect(readReplayBundle(join(dir, "missing"))).rejects.toBeInstanceOf(ReplayBundleError);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
