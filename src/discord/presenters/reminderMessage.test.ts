import { describe, expect, it } from "vitest";
import { reminderMessages } from "./reminderMessage.js";
import { END_AT, expectWithinLimits, HOSTILE, proposalView } from "./viewFixtures.js";
import type { ReminderView } from "./views.js";

const unix = END_AT.getTime() / 1000;

function member(id: string, need: "answer" | "delegate", privacy: "public" | "private" = "public") {
  return { member: { discordUserId: id, privacy }, need };
}

describe("the reminder", () => {
  it("is no message at all when nobody must act", () => {
    expect(reminderMessages({ proposal: proposalView(), members: [] })).toBeNull();
  });

  it("mentions and pings exactly the members who must act, grouped by what they must do", () => {
    const messages = reminderMessages({
      proposal: proposalView(),
      members: [
        member("111111111111111111", "answer"),
        member("222222222222222222", "delegate"),
        member("333333333333333333", "answer"),
        member("999999999999999999", "answer", "private"),
      ],
    });
    expect(messages).toHaveLength(1);
    const [message] = messages ?? [];
    expect(message?.content).toBe(
      [
        `⏰ **[Fund the grants council for 2027](<https://snapshot.box/#/s:example.eth/proposal/0xabc123>)** ends <t:${unix}:F> (<t:${unix}:R>).`,
        "Tribune is asking for your word before it ends (use the buttons on “How Tribune will vote”, or /override): " +
          "<@111111111111111111> <@333333333333333333>",
        "No delegation to your agent was detected, so Tribune cannot vote for you (see /delegate): <@222222222222222222>",
        "Tribune needs something from you before it ends: /why tells you what: <@999999999999999999>",
      ].join("\n"),
    );
    expect(message?.allowedMentions).toEqual({
      parse: [],
      users: ["111111111111111111", "333333333333333333", "222222222222222222", "999999999999999999"],
    });
    expect(message?.embeds).toEqual([]);
  });

  it("keeps a hostile title from pinging", () => {
    const [message] =
      reminderMessages({
        proposal: proposalView({ title: HOSTILE }),
        members: [member("111111111111111111", "answer")],
      }) ?? [];
    expect(message?.content).not.toMatch(/@everyone|<@&|<@123456789012345678>/);
    expect(message?.allowedMentions.parse).toEqual([]);
  });

  it("splits many members across messages, each within 2000 characters and 100 pings, mentioning each once", () => {
    const view: ReminderView = {
      proposal: proposalView(),
      members: Array.from({ length: 450 }, (_, i) =>
        member(
          String(100000000000000000n + BigInt(i)),
          i % 3 === 0 ? "delegate" : "answer",
          i % 5 ? "public" : "private",
        ),
      ),
    };
    const messages = reminderMessages(view) ?? [];
    expect(messages.length).toBeGreaterThan(4);
    expectWithinLimits(messages);
    const pinged = messages.flatMap((m) => m.allowedMentions.users);
    expect(new Set(pinged).size).toBe(450);
    expect(pinged).toHaveLength(450);
    for (const message of messages) {
      const mentioned = [...message.content.matchAll(/<@(\d+)>/g)].map((m) => m[1]);
      expect(mentioned.sort()).toEqual([...message.allowedMentions.users].sort());
    }
  });
});
