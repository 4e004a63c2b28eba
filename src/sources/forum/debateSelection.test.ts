import { describe, expect, it } from "vitest";
import { selectDebate } from "./debateSelection.js";
import type { DiscoursePost } from "./discourseTopic.js";

const post = (n: number, likes: number, chars = 100, extra: Partial<DiscoursePost> = {}): DiscoursePost => ({
  id: 100 + n,
  post_number: n,
  username: `user${n}`,
  created_at: "2025-01-01T00:00:00.000Z",
  cooked: `<p>${"x".repeat(chars)}</p>`,
  actions_summary: [{ id: 2, count: likes }],
  ...extra,
});
const topic = { origin: "https://gov.uniswap.org", slug: "fund-it", topicId: 42 };

describe("selectDebate", () => {
  it("keeps the opening post and the most-liked replies that fit, in thread order, with authors and post URLs", () => {
    const posts = [post(1, 0), post(2, 1), post(3, 50), post(4, 9), post(5, 50), post(6, 30, 500)];
    const kept = selectDebate(topic, posts, { totalChars: 400, postChars: 1_000 });
    expect(kept.map((p) => [p.postNumber, p.likes])).toEqual([
      [1, 0],
      [3, 50],
      [4, 9],
      [5, 50],
    ]);
    expect(kept[1]).toMatchObject({ author: "user3", url: "https://gov.uniswap.org/t/fund-it/42/3" });
    expect(kept.reduce((n, p) => n + p.text.length, 0)).toBeLessThanOrEqual(400);
  });

  it("cuts a long opening post to the budget, reads like_count, and leaves out hidden and moderator posts", () => {
    const kept = selectDebate(
      topic,
      [
        post(1, 0, 10_000),
        post(2, 0, 10, { like_count: 7, actions_summary: undefined }),
        post(3, 99, 10, { hidden: true }),
        post(4, 99, 10, { post_type: 3 }),
      ],
      { totalChars: 1_000, postChars: 800 },
    );
    expect(kept.map((p) => [p.postNumber, p.likes, p.text.length])).toEqual([
      [1, 0, 800],
      [2, 7, 10],
    ]);
    expect(kept[0]?.text.endsWith("…")).toBe(true);
  });
});
