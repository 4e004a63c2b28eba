import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EndingSoon } from "../../../src/sources/snapshot/stateSweep.js";
import { plainProposal, sequencerProposal, sidekickProposals, yip63 } from "./hubFixtures.js";
import { auditOf, createHarness, type Harness } from "./watcherHarness.js";

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(() => h.close());

const proposalsOf = (space: string) =>
  h.t.db.prisma.proposal.findMany({
    where: { space: { externalId: space } },
    include: { versions: { orderBy: { version: "asc" } } },
    orderBy: { firstSeenAt: "asc" },
  });

describe("Snapshot watcher", () => {
  it("reads open proposals of new spaces, then each new proposal once, with one version and one digest job", async () => {
    const past = h.hub.createProposal(
      plainProposal("yam.eth", 0, {
        created: h.hub.now - 10 * 86400,
        start: h.hub.now - 9 * 86400,
        end: h.hub.now - 8 * 86400,
      }),
    );
    for (const input of sidekickProposals("aave.eth")) h.hub.createProposal(input);
    const watcher = h.watcher(["aave.eth", "yam.eth"]);

    const first = await watcher.pollOnce();
    expect(first).toMatchObject({ backfilledSpaces: 2, created: 5, digestsQueued: 5 });
    const aave = await proposalsOf("aave.eth");
    expect(aave.map((p) => p.votingType).sort()).toEqual([
      "approval",
      "quadratic",
      "ranked_choice",
      "single_choice",
      "weighted",
    ]);
    expect(aave.every((p) => p.version === 1 && p.versions.length === 1 && p.state === "pending")).toBe(true);
    expect(await proposalsOf("yam.eth")).toEqual([]); // closed before Tribune watched: history, not loaded
    expect(past).toMatch(/^0x/);

    h.hub.now += 60;
    const yamId = h.hub.createProposal(yip63("yam.eth"));
    h.hub.createProposal(plainProposal("not-watched.eth", 1));
    const requestsBefore = h.hub.requestCount();
    const second = await watcher.pollOnce();
    expect(second).toMatchObject({ created: 1, edited: 0, digestsQueued: 1, messages: 2 });
    // The new proposal came back with the feed itself: one request for the whole poll.
    expect(h.hub.requestCount() - requestsBefore).toBe(1);
    const [yam] = await proposalsOf("yam.eth");
    expect(yam).toMatchObject({
      externalId: yamId,
      title: "YIP-63:  Add 20,000 $YAM tokens to the general expense fund. ",
      votingType: "single_choice",
      privacy: "shutter",
      snapshotTimepoint: "12345167",
      discussionUrl: "https://forum.yam.finance/t/yip-add-20-000-yam-tokens-to-the-general-expense-fund/1452",
    });
    expect(yam?.body).toContain("This proposal adds 20,000 $YAM from the contributor vesting pool.");
    expect(await h.t.db.prisma.proposal.count({ where: { space: { externalId: "not-watched.eth" } } })).toBe(0);

    const versions = [...aave, yam].flatMap((p) => p?.versions.map((v) => v.id) ?? []);
    expect([...(await h.digestJobs(versions)).values()]).toEqual([1, 1, 1, 1, 1, 1]);
    const ingested = await auditOf(h.t.db.prisma, "snapshot.proposal.ingested");
    expect(ingested.map((e) => e.data.externalId)).toContain(yamId);

    const third = await watcher.pollOnce();
    expect(third).toMatchObject({ created: 0, edited: 0, messages: 0, digestsQueued: 0 });
    expect(await auditOf(h.t.db.prisma, "snapshot.proposal.ingested")).toHaveLength(ingested.length);
  });

  it("stores an edit as a new version, keeps the old one, digests the new one, and goes back on a revert", async () => {
    const watcher = h.watcher(["edit.eth"]);
    const id = h.hub.createProposal(plainProposal("edit.eth", 1));
    await watcher.pollOnce();
    const original = h.hub.proposals.get(id)?.body as string;

    h.hub.now += 30;
    h.hub.editProposal(id, { body: `${original}\n\n## Budget\nRaised to 2,000 USDC.` });
    expect(await watcher.pollOnce()).toMatchObject({ edited: 1, digestsQueued: 1 });
    let [row] = await proposalsOf("edit.eth");
    expect(row?.version).toBe(2);
    expect(row?.versions.map((v) => [v.version, v.body.includes("Raised to 2,000")])).toEqual([
      [1, false],
      [2, true],
    ]);
    expect([...(await h.digestJobs(row?.versions.map((v) => v.id))).values()]).toEqual([1, 1]);
    expect((await auditOf(h.t.db.prisma, "snapshot.proposal.edited")).at(-1)?.data).toMatchObject({
      fromVersion: 1,
      version: 2,
      reverted: false,
    });

    h.hub.now += 30;
    h.hub.editProposal(id, { labels: ["treasury"] }); // not content: no version
    expect(await watcher.pollOnce()).toMatchObject({ edited: 0, unchanged: 1 });

    h.hub.now += 30;
    h.hub.editProposal(id, { body: original });
    expect(await watcher.pollOnce()).toMatchObject({ edited: 1, digestsQueued: 0 });
    [row] = await proposalsOf("edit.eth");
    expect(row?.version).toBe(1);
    expect(row?.versions).toHaveLength(2);
    expect(row?.contentHash).toBe(row?.versions[0]?.contentHash);
  });

  it("marks a deleted proposal (never drops it), audits it, and leaves its neighbours alone", async () => {
    const watcher = h.watcher(["delete.eth"]);
    const doomed = h.hub.createProposal(plainProposal("delete.eth", 1));
    const kept = h.hub.createProposal(plainProposal("delete.eth", 2));
    await watcher.pollOnce();

    h.hub.now += 10;
    h.hub.deleteProposal(doomed);
    expect(await watcher.pollOnce()).toMatchObject({ deleted: 1 });
    const rows = await proposalsOf("delete.eth");
    expect(Object.fromEntries(rows.map((r) => [r.externalId, r.deletedAt !== null]))).toEqual({
      [doomed]: true,
      [kept]: false,
    });
    const [entry] = (await auditOf(h.t.db.prisma, "snapshot.proposal.deleted")).filter(
      (e) => e.data.externalId === doomed,
    );
    expect(entry?.proposalId).toBe(rows.find((r) => r.externalId === doomed)?.id);
    expect(await watcher.pollOnce()).toMatchObject({ deleted: 0 });
  });

  it("moves proposals pending → active → closed with the clock, and announces ending soon once", async () => {
    const announced: EndingSoon[][] = [];
    let failOnce = true;
    const watcher = h.watcher(["clock.eth"], {
      endingSoonWindowSeconds: 7_200,
      onEndingSoon: async (events) => {
        if (failOnce) {
          failOnce = false;
          throw new Error("reminder queue unavailable");
        }
        announced.push([...events]);
      },
    });
    const start = h.hub.now + 3_600;
    const id = h.hub.createProposal(plainProposal("clock.eth", 1, { start, end: start + 86_400 }));
    await watcher.pollOnce();
    const state = async () => (await h.t.db.prisma.proposal.findFirstOrThrow({ where: { externalId: id } })).state;
    expect(await state()).toBe("pending");

    h.hub.now = start + 1;
    expect((await watcher.pollOnce()).stateChanges).toBeGreaterThanOrEqual(1);
    expect(await state()).toBe("active");

    h.hub.now = start + 86_400 - 3_600;
    await expect(watcher.pollOnce()).rejects.toThrow("reminder queue unavailable");
    expect(await watcher.pollOnce()).toMatchObject({ endingSoon: 1 });
    expect(await watcher.pollOnce()).toMatchObject({ endingSoon: 0 });
    expect(announced).toEqual([[expect.objectContaining({ externalId: id, secondsLeft: 3_600 })]]);
    expect(await auditOf(h.t.db.prisma, "snapshot.proposal.ending_soon")).toHaveLength(1);

    h.hub.now = start + 86_400 + 1;
    await watcher.pollOnce();
    expect(await state()).toBe("closed");
    const changes = (await auditOf(h.t.db.prisma, "snapshot.proposal.state_changed")).filter(
      (e) => e.data.externalId === id,
    );
    expect(changes.map((e) => [e.data.from, e.data.to])).toEqual([
      ["pending", "active"],
      ["active", "closed"],
    ]);
  });

  it("reads the same log again without doubling anything (idempotent)", async () => {
    const watcher = h.watcher(["again.eth"]);
    h.hub.createProposal(plainProposal("again.eth", 1));
    await watcher.pollOnce();
    const counts = async () => ({
      proposals: await h.t.db.prisma.proposal.count(),
      versions: await h.t.db.prisma.proposalVersion.count(),
      jobs: [...(await h.digestJobs()).values()].reduce((a, b) => a + b, 0),
      audit: await h.t.db.prisma.auditEntry.count(),
    });
    const before = await counts();
    await h.t.db.prisma.sourceCursor.update({
      where: { source_key: { source: "snapshot", key: "feed" } },
      data: { cursor: { mci: 0, timestamp: 0, waiting: [] } },
    });
    const report = await h.watcher(["again.eth", "edit.eth", "delete.eth", "aave.eth"]).pollOnce();
    expect(report.messages).toBeGreaterThan(10);
    expect(report.unchanged).toBeGreaterThan(5);
    expect(report.created + report.edited).toBe(0);
    expect(await counts()).toEqual(before);
  });

  it("asks again for a proposal the hub lists in its log before it serves it, and gives up after a while", async () => {
    const watcher = h.watcher(["lag.eth"], { giveUpSeconds: 600 });
    await watcher.pollOnce();
    const slow = h.hub.createProposal(plainProposal("lag.eth", 1));
    h.hub.lagging.add(slow);
    expect(await watcher.pollOnce()).toMatchObject({ created: 0, waiting: 1 });
    h.hub.lagging.delete(slow);
    h.hub.now += 20;
    expect(await watcher.pollOnce()).toMatchObject({ created: 1, waiting: 0 });

    const never = h.hub.createProposal(plainProposal("lag.eth", 2));
    h.hub.lagging.add(never);
    expect(await watcher.pollOnce()).toMatchObject({ waiting: 1 });
    h.hub.now += 601;
    expect(await watcher.pollOnce()).toMatchObject({ waiting: 0, created: 0 });
  });

  it("finds a proposal whose created time is backdated past the feed's window", async () => {
    const watcher = h.watcher(["backdated.eth"]);
    await watcher.pollOnce();
    // The sequencer accepts message timestamps up to six days old, so `created` may be far behind the log.
    const id = h.hub.createProposal(plainProposal("backdated.eth", 1, { created: h.hub.now - 5 * 86_400 }));
    const before = h.hub.requestCount("proposalLookup");
    expect(await watcher.pollOnce()).toMatchObject({ created: 1 });
    expect(h.hub.requestCount("proposalLookup") - before).toBe(1);
    expect(await h.t.db.prisma.proposal.count({ where: { externalId: id } })).toBe(1);
  });

  it("records a proposal it cannot read instead of guessing, and moves on", async () => {
    const watcher = h.watcher(["odd.eth"]);
    await watcher.pollOnce();
    const odd = h.hub.createProposal(plainProposal("odd.eth", 1, { type: "shutter-ranked" }));
    const fine = h.hub.createProposal(plainProposal("odd.eth", 2));
    expect(await watcher.pollOnce()).toMatchObject({ created: 1, unreadable: 1 });
    const [entry] = (await auditOf(h.t.db.prisma, "snapshot.proposal.unreadable")).filter(
      (e) => e.data.externalId === odd,
    );
    expect(entry?.data.reason).toBe('unknown voting type "shutter-ranked"');
    expect((await proposalsOf("odd.eth")).map((p) => p.externalId)).toEqual([fine]);
  });

  it("stores a proposal from the sequencer's real envelope as the hub serves it, closed if its vote is over", async () => {
    const watcher = h.watcher(["fabien.eth"]);
    await watcher.pollOnce();
    const id = h.hub.createProposal(sequencerProposal());
    expect(await watcher.pollOnce()).toMatchObject({ created: 1 });
    expect(await h.t.db.prisma.proposal.findFirstOrThrow({ where: { externalId: id } })).toMatchObject({
      title: "My first proposal",
      body: "Hello world",
      choices: ["1"],
      votingType: "single_choice",
      author: "0x91FD2c8d24767db4Ece7069AA27832ffaf8590f3",
      snapshotTimepoint: "9310476",
      discussionUrl: null,
      state: "closed",
      startAt: new Date(1_688_788_535_000),
    });
  });
});
