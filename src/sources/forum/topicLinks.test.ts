import { describe, expect, it } from "vitest";
import { findTopicLinks } from "./topicLinks.js";

const hosts = ["forum.yam.finance", "gov.uniswap.org"];

describe("findTopicLinks", () => {
  it("takes the discussion link first, then topic links in the body, one row per topic", () => {
    const { topics, unreadable } = findTopicLinks(
      {
        discussionUrl: "https://forum.yam.finance/t/yip-add-20-000-yam-tokens-to-the-general-expense-fund/1452",
        body: [
          "Earlier: https://forum.yam.finance/t/yip-add-30-000-yam-tokens/1293.",
          "Same topic, a post: https://forum.yam.finance/t/yip-add-20-000-yam-tokens-to-the-general-expense-fund/1452/7",
          "Elsewhere: https://gnosis-safe.io/app/#/safes/0x744D/balances and https://other.forum/t/x/9",
        ].join("\n"),
      },
      hosts,
    );
    expect(topics.map((t) => [t.url, t.topicId])).toEqual([
      ["https://forum.yam.finance/t/1452", 1452],
      ["https://forum.yam.finance/t/1293", 1293],
    ]);
    expect(unreadable).toEqual([{ url: "https://other.forum/t/9", host: "other.forum", reason: "not_allowed" }]);
  });

  it("records a discussion link that is not a topic, and stops at the maximum", () => {
    expect(
      findTopicLinks({ discussionUrl: "https://gov.uniswap.org/c/proposals/5", body: "" }, hosts).unreadable,
    ).toEqual([{ url: "https://gov.uniswap.org/c/proposals/5", host: "gov.uniswap.org", reason: "not_discourse" }]);
    const body = Array.from({ length: 10 }, (_, i) => `https://gov.uniswap.org/t/t${i}/${i + 1}`).join(" ");
    expect(findTopicLinks({ discussionUrl: null, body }, hosts, 3).topics).toHaveLength(3);
    expect(findTopicLinks({ discussionUrl: "https://...", body: "" }, hosts)).toEqual({ topics: [], unreadable: [] });
  });
});
