import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { HubRequestLog } from "../../fakes/snapshotHub.js";
import { plainProposal } from "./hubFixtures.js";
import { createHarness, type Harness } from "./watcherHarness.js";

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(() => h.close());

// Thousands of rows per test: generous time, since a shared CI machine can be several times slower than a laptop.
const HEAVY = 180_000;

const spaces = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i}.eth`);

/** The lists of every `*_in` filter and the `first`/`skip` of every root of a logged request. */
function argsOf(request: HubRequestLog) {
  const v = request.variables;
  return Object.keys(v)
    .filter((k) => k.startsWith("where"))
    .map((k) => {
      const i = k.slice("where".length);
      const where = (v[k] ?? {}) as Record<string, unknown>;
      const lists = Object.fromEntries(
        Object.entries(where)
          .filter(([f]) => f.endsWith("_in"))
          .map(([f, l]) => [f, (l as unknown[]).length]),
      );
      return { first: v[`first${i}`] as number, skip: v[`skip${i}`] as number, lists, where };
    });
}

describe("Snapshot watcher at scale", () => {
  it(
    "watches 1,200 spaces in a handful of requests, every one inside the hub's limits",
    async () => {
      const watched = spaces("dao", 1_200);
      for (const [i, space] of watched.entries())
        h.hub.createProposal(plainProposal(space, 0, { created: h.hub.now - 1_200 + i }));
      const watcher = h.watcher(watched);
      const from = h.hub.requests.length;

      const first = await watcher.pollOnce();
      expect(first).toMatchObject({ backfilledSpaces: 1_200, created: 1_200, digestsQueued: 1_200 });
      // The log's head, then 1,200 open proposals in two pages of one space_in batch, then one (empty) log page.
      expect(h.hub.requests.slice(from).map((r) => r.operationName)).toEqual([
        "feedHead",
        "spaceBackfill",
        "spaceBackfill",
        "proposalFeed",
      ]);

      h.hub.now += 60;
      for (const space of watched) h.hub.createProposal(plainProposal(space, 1));
      const mark = h.hub.requests.length;
      const second = await watcher.pollOnce();
      expect(second).toMatchObject({ created: 1_200, messages: 1_200, digestsQueued: 1_200 });
      const used = h.hub.requests.slice(mark);
      // Two log pages (1,000 + 200 messages). Proposals that did not come with their page (the recent lists hold
      // 1,000 each, from shortly before the cursor) are fetched by id, in lists of at most 100, five lists a request.
      const names = used.map((r) => r.operationName);
      expect(names.filter((n) => n === "proposalFeed")).toHaveLength(2);
      const lookups = used.filter((r) => r.operationName === "proposalLookup");
      expect(lookups.length).toBeGreaterThanOrEqual(1);
      expect(lookups.length).toBeLessThanOrEqual(2);
      expect(lookups.flatMap((r) => argsOf(r).map((a) => a.lists.id_in))).toContain(100);
      expect(used.length).toBeLessThanOrEqual(4);

      for (const request of h.hub.requests.slice(from)) {
        expect(request.status).toBe(200);
        for (const root of argsOf(request)) {
          expect(root.first).toBeLessThanOrEqual(1_000);
          expect(root.skip).toBe(0);
          for (const [field, length] of Object.entries(root.lists)) {
            expect(length).toBeLessThanOrEqual(field === "space_in" ? 10_000 : 100);
          }
        }
      }
      expect(await h.t.db.prisma.proposal.count({ where: { space: { externalId: { in: watched } } } })).toBe(2_400);
    },
    HEAVY,
  );

  it(
    "splits more than 10,000 spaces into space_in batches",
    async () => {
      const watched = spaces("many", 12_500);
      h.hub.createProposal(plainProposal("many-12499.eth", 0));
      const watcher = h.watcher(watched);
      const from = h.hub.requests.length;
      expect(await watcher.pollOnce()).toMatchObject({ backfilledSpaces: 12_500, created: 1 });
      const backfill = h.hub.requests.slice(from).filter((r) => r.operationName === "spaceBackfill");
      expect(backfill.map((r) => argsOf(r).map((a) => a.lists.space_in))).toEqual([[10_000], [2_500]]);
      const feed = h.hub.requests.slice(from).filter((r) => r.operationName === "proposalFeed");
      expect(argsOf(feed[0] as HubRequestLog).map((a) => a.lists.space_in ?? a.lists.type_in)).toEqual([
        3, 10_000, 10_000, 2_500, 2_500,
      ]);

      h.hub.createProposal(plainProposal("many-12498.eth", 1));
      expect(await watcher.pollOnce()).toMatchObject({ created: 1 });
    },
    HEAVY,
  );

  it(
    "pages past 1,000 proposals with a created cursor, keeping ties at a page boundary, never skipping",
    async () => {
      const created0 = h.hub.now - 50_000;
      // 2,100 open proposals; eleven of them share one second that straddles the first page boundary.
      for (let i = 0; i < 2_100; i += 1) {
        const created = i >= 995 && i <= 1_005 ? created0 + 995 : created0 + i;
        h.hub.createProposal(plainProposal("big.eth", i, { created, start: h.hub.now + 60, end: h.hub.now + 86_400 }));
      }
      const watcher = h.watcher(["big.eth"]);
      const from = h.hub.requests.length;
      expect(await watcher.pollOnce()).toMatchObject({ created: 2_100 });
      const pages = h.hub.requests
        .slice(from)
        .filter((r) => r.operationName === "spaceBackfill")
        .map((r) => argsOf(r)[0]);
      expect(pages.map((p) => p?.skip)).toEqual([0, 0, 0]);
      expect(pages.map((p) => p?.where.created_gte)).toEqual([undefined, created0 + 995, created0 + 1_994]);
      const stored = await h.t.db.prisma.proposal.findMany({
        where: { space: { externalId: "big.eth" } },
        select: { externalId: true },
      });
      expect(new Set(stored.map((s) => s.externalId)).size).toBe(2_100);
    },
    HEAVY,
  );

  it(
    "reads more than 1,000 log messages in pages by mci",
    async () => {
      const watcher = h.watcher(["busy.eth"]);
      await watcher.pollOnce();
      for (let i = 0; i < 1_500; i += 1) h.hub.createProposal(plainProposal(i % 2 ? "busy.eth" : "elsewhere.eth", i));
      const from = h.hub.requests.length;
      expect(await watcher.pollOnce()).toMatchObject({ messages: 1_500, created: 750 });
      const feed = h.hub.requests.slice(from).filter((r) => r.operationName === "proposalFeed");
      expect(feed.map((r) => (r.variables.where0 as { mci_gt: number }).mci_gt)).toHaveLength(2);
      const [a, b] = feed.map((r) => (r.variables.where0 as { mci_gt: number }).mci_gt);
      expect((b as number) - (a as number)).toBe(1_000);
    },
    HEAVY,
  );
});
