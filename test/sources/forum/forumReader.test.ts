import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDiscourseClient, type DiscourseClientOptions } from "../../../src/sources/forum/discourseClient.js";
import { createForumReader, type ForumReaderOptions } from "../../../src/sources/forum/forumReader.js";
import { DEFAULT_TAXONOMY } from "../../../src/values/taxonomy.js";
import { FakeDiscourse } from "../../fakes/discourse.js";
import { createTestDatabase, type TestDatabase } from "../../support/testDatabase.js";

let t: TestDatabase;
let forum: FakeDiscourse;
let host: string;
let spaceId: string;
let clock = new Date("2025-06-01T00:00:00Z");
const waits: number[] = [];

beforeAll(async () => {
  t = await createTestDatabase();
  forum = new FakeDiscourse();
  host = await forum.listen();
  const space = await t.db.prisma.space.create({
    data: { kind: "snapshot", externalId: "forum.eth", name: "forum.eth", taxonomy: DEFAULT_TAXONOMY },
  });
  spaceId = space.id;
});
afterAll(async () => {
  await forum.close();
  await t.drop();
});

let n = 0;
async function proposal(discussionUrl: string | null, body = "", state: "pending" | "active" | "closed" = "active") {
  n += 1;
  const row = await t.db.prisma.proposal.create({
    data: {
      spaceId,
      source: "snapshot",
      externalId: `0x${n.toString(16).padStart(64, "0")}`,
      title: `Proposal ${n}`,
      body,
      choices: ["For", "Against"],
      votingType: "basic",
      startAt: new Date("2025-05-30T00:00:00Z"),
      endAt: new Date("2025-06-05T00:00:00Z"),
      discussionUrl,
      state,
      contentHash: `hash-${n}`,
    },
  });
  return row.id;
}

/** A reader whose client waits (backoff, the per-host budget) pass in virtual time: recorded, never slept. */
function reader(client: Partial<DiscourseClientOptions> = {}, options: Partial<ForumReaderOptions> = {}) {
  let skipped = 0;
  return createForumReader({
    prisma: t.db.prisma,
    client: createDiscourseClient({
      allowedHosts: [host],
      timeoutMs: 1_000,
      now: () => Date.now() + skipped,
      sleep: async (ms) => {
        waits.push(ms);
        skipped += ms;
      },
      ...client,
    }),
    allowedHosts: [host],
    now: () => clock,
    ...options,
  });
}

const topicRow = (proposalId: string) => t.db.prisma.forumTopic.findFirstOrThrow({ where: { proposalId } });

describe("forum reader", () => {
  it("reads a long thread in pages and keeps the opening post and the most-liked replies within the budget", async () => {
    forum.addTopic(1452, "YIP 63 general expense fund", 600, (k) => (k % 97 === 0 ? 40 + k / 97 : k % 5));
    const id = await proposal(`http://${host}/t/yip-63-general-expense-fund/1452`);
    const before = forum.requests.length;
    const [outcome] = await reader(
      {},
      { budget: { totalChars: 3_000, postChars: 500 }, maxPostsRead: 600 },
    ).readProposal(id);
    expect(outcome).toMatchObject({ status: "ok", url: `http://${host}/t/1452` });
    // The topic page (20 posts) and 29 pages of 20 more.
    expect(forum.requests.length - before).toBe(30);
    const row = await topicRow(id);
    const posts = row.posts as { url: string; author: string; text: string; postNumber: number; likes: number }[];
    expect(posts[0]).toMatchObject({
      postNumber: 1,
      author: "author",
      url: `http://${host}/t/yip-63-general-expense-fund/1452/1`,
    });
    const replies = posts.slice(1);
    // The six posts with 41–46 likes all made it; every reply left out has no more likes than any reply kept.
    expect(replies.filter((p) => p.likes > 40).map((p) => p.postNumber)).toEqual([97, 194, 291, 388, 485, 582]);
    const keptNumbers = new Set(posts.map((p) => p.postNumber));
    const leftOut =
      forum.topics.get(1452)?.posts.filter((p) => p.post_number > 1 && !keptNumbers.has(p.post_number)) ?? [];
    expect(Math.max(...leftOut.map((p) => p.likes))).toBeLessThanOrEqual(Math.min(...replies.map((p) => p.likes)));
    expect(replies.every((p) => p.author.startsWith("delegate"))).toBe(true);
    expect(posts.reduce((sum, p) => sum + p.text.length, 0)).toBeLessThanOrEqual(3_000);
    expect(posts[1]?.text).toContain("the treasury ask needs a clearer budget & milestones");
  });

  it("samples a huge thread instead of reading it whole", async () => {
    forum.addTopic(
      9000,
      "Endless thread",
      5_000,
      () => 0,
      () => 50,
    );
    const id = await proposal(`http://${host}/t/endless-thread/9000`);
    const before = forum.requests.length;
    await reader({}, { maxPostsRead: 100 }).readProposal(id);
    expect(forum.requests.length - before).toBe(5);
    expect((await topicRow(id)).status).toBe("ok");
  });

  it("records a missing topic, a slow forum, a non-Discourse site and an oversized answer, and never throws", async () => {
    const missing = await proposal(`http://${host}/t/gone/404404`);
    expect((await reader().readProposal(missing))[0]?.status).toBe("unreachable");
    expect((await topicRow(missing)).error).toContain("HTTP 404");

    forum.addTopic(77, "Slow one", 3, () => 1);
    const slow = await proposal(`http://${host}/t/slow-one/77`);
    forum.delayMs = 1_500;
    expect((await reader({ timeoutMs: 200 }).readProposal(slow))[0]).toMatchObject({ status: "unreachable" });
    expect((await topicRow(slow)).error).toContain("did not answer within 200 ms");
    forum.delayMs = 0;

    const html = await proposal(`http://${host}/t/welcome/77`);
    forum.faults.push({ kind: "html" });
    expect((await reader().readProposal(html))[0]?.status).toBe("not_discourse");

    const huge = await proposal(`http://${host}/t/huge/77`);
    forum.faults.push({ kind: "huge", bytes: 5_000_000 });
    expect((await reader({ maxBytes: 200_000 }).readProposal(huge))[0]?.status).toBe("too_large");
  });

  it("reads only allowed hosts, redirects included", async () => {
    const before = forum.requests.length;
    const elsewhere = await proposal("https://forum.example.org/t/some-topic/12");
    expect((await reader().readProposal(elsewhere))[0]).toMatchObject({
      status: "not_allowed",
      url: "https://forum.example.org/t/12",
    });
    expect(forum.requests.length).toBe(before);

    forum.addTopic(78, "Moved", 2, () => 0);
    const moved = await proposal(`http://${host}/t/moved/78`);
    forum.faults.push({ kind: "redirect", location: "https://evil.example.com/t/moved/78.json" });
    expect((await reader().readProposal(moved))[0]?.status).toBe("not_allowed");
  });

  it("re-reads open proposals' topics when stale, keeps a read debate when a refresh fails, and stops once closed", async () => {
    await t.db.prisma.proposal.updateMany({ data: { state: "closed" } }); // only this test's proposals are open
    forum.addTopic(500, "Refresh me", 3, () => 2);
    forum.likesAs = "like_count";
    const open = await proposal(`http://${host}/t/refresh-me/500`, "", "active");
    const closed = await proposal(`http://${host}/t/refresh-me/500`, "", "closed");
    const r = reader();
    expect((await r.refreshOpen()).map((o) => o.url)).toEqual([`http://${host}/t/500`]);
    expect(await t.db.prisma.forumTopic.count({ where: { proposalId: closed } })).toBe(0);
    expect(await r.refreshOpen()).toEqual([]); // fresh: nothing re-read

    clock = new Date(clock.getTime() + 31 * 60_000);
    forum.topics.get(500)?.posts.push({
      id: 5_000_004,
      post_number: 4,
      username: "latecomer",
      cooked: "<p>One more thing.</p>",
      created_at: clock.toISOString(),
      likes: 9,
    });
    await r.refreshOpen();
    const refreshed = (await topicRow(open)).posts as { author: string; likes: number }[];
    expect(refreshed.map((p) => p.author)).toContain("latecomer");
    expect(refreshed.find((p) => p.author === "latecomer")?.likes).toBe(9);

    clock = new Date(clock.getTime() + 31 * 60_000);
    forum.faults.push({ kind: "status", status: 503 }, { kind: "status", status: 503 });
    await r.refreshOpen();
    const kept = await topicRow(open);
    expect(kept.status).toBe("ok");
    expect(kept.posts).toEqual(refreshed as unknown as typeof kept.posts);
    expect(kept.error).toContain("refresh failed");
  });

  it("reads the proposals that need it first, however many fresh ones sort ahead of them", async () => {
    await t.db.prisma.proposal.updateMany({ data: { state: "closed" } });
    forum.addTopic(700, "Crowd", 2, () => 0);
    const fresh = await Promise.all([1, 2, 3].map(() => proposal(`http://${host}/t/crowd/700`)));
    const r = reader();
    for (const id of fresh) await r.readProposal(id);
    const late = await proposal(`http://${host}/t/crowd/700`);
    await t.db.prisma.proposal.update({ where: { id: late }, data: { endAt: new Date("2025-07-01T00:00:00Z") } });
    const outcomes = await r.refreshOpen(1);
    expect(outcomes).toHaveLength(1);
    expect(await t.db.prisma.forumTopic.count({ where: { proposalId: late } })).toBe(1);
  });

  it("keeps each forum under its own request budget", async () => {
    forum.addTopic(
      600,
      "Budgeted",
      200,
      () => 1,
      () => 20,
    );
    const id = await proposal(`http://${host}/t/budgeted/600`);
    let now = 0;
    waits.length = 0;
    await reader(
      {
        perHostPerMinute: 4,
        now: () => now,
        sleep: async (ms) => {
          waits.push(ms);
          now += ms;
        },
      },
      { maxPostsRead: 200 },
    ).readProposal(id);
    // 10 requests at 4 a minute: two full waits of a minute between the batches of four.
    expect(waits).toEqual([60_000, 60_000]);
  });
});
