// Spaces a steward adds from Discord are watched from the next poll, without a restart; removed ones stop being read.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { plainProposal } from "./hubFixtures.js";
import { createHarness, type Harness } from "./watcherHarness.js";

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(() => h.close());

describe("the watched set follows the stewards' spaces", () => {
  it("polls nothing while no space is watched, picks up an added space at the next poll, and drops a removed one", async () => {
    let added: string[] = [];
    let removed: string[] = [];
    const watcher = h.watcher([], { dynamicSpaces: async () => ({ added, removed }) });
    const idle = await watcher.pollOnce();
    expect(idle.created).toBe(0);
    expect(h.hub.requestCount()).toBe(0);

    h.hub.createProposal(plainProposal("joined.eth", 1));
    added = ["joined.eth"];
    const first = await watcher.pollOnce();
    expect(first.backfilledSpaces).toBe(1);
    expect(await h.t.db.prisma.proposal.count({ where: { space: { externalId: "joined.eth" } } })).toBe(1);

    // Removed: its new proposals are no longer read.
    removed = ["joined.eth"];
    h.hub.createProposal(plainProposal("joined.eth", 2));
    await watcher.pollOnce();
    expect(await h.t.db.prisma.proposal.count({ where: { space: { externalId: "joined.eth" } } })).toBe(1);
  });
});
