import {
  Client,
  type InteractionEditReplyOptions,
  type InteractionReplyOptions,
  type MessageCreateOptions,
  type MessageEditOptions,
  MessagePayload,
  type User,
} from "discord.js";
import { afterAll, describe, expect, it } from "vitest";
import { digestMessages } from "./digestMessage.js";
import { planMessages } from "./planMessage.js";
import { button, customId, ephemeral, limitProblems, presentMessage } from "./presentedMessage.js";
import { profileMessages } from "./profileMessage.js";
import { digestView, LONG_PROPOSAL_ID, LONG_USER_ID, planView, profileView, proposalView } from "./viewFixtures.js";

// A real discord.js client (never logged in) whose default would ping everyone: the payloads must override it.
const client = new Client({ intents: [], allowedMentions: { parse: ["everyone", "roles", "users"] } });
afterAll(() => client.destroy());

/** A real User structure from API-shaped data, as a message target. */
function target(): User {
  const users = client.users as unknown as { _add(data: unknown): User };
  return users._add({
    id: "123456789012345678",
    username: "member",
    discriminator: "0",
    avatar: null,
    global_name: null,
  });
}

describe("presented messages", () => {
  it("are what discord.js send, edit and reply take, and keep their mentions policy through discord.js", () => {
    const [message] = digestMessages(proposalView({ title: "@everyone vote now" }), digestView());
    if (!message) throw new Error("no message");
    const create: MessageCreateOptions = message;
    const edit: MessageEditOptions = message;
    const reply: InteractionReplyOptions = ephemeral(message);
    const { flags: _, ...deferred } = ephemeral(message);
    const editReply: InteractionEditReplyOptions = deferred;
    expect([create, edit, reply, editReply]).toHaveLength(4);

    const body = new MessagePayload(target(), message).resolveBody().body as Record<string, unknown>;
    expect(body.allowed_mentions).toEqual({ parse: [], users: [] });
    expect(body.embeds).toEqual(message.embeds);
  });

  it("carry button components through discord.js unchanged", () => {
    const [plan] = planMessages(planView(), new Date("2026-11-01T00:00:00Z"));
    if (!plan) throw new Error("no message");
    const body = new MessagePayload(target(), plan).resolveBody().body as Record<string, unknown>;
    expect(body.components).toEqual(plan.components);
  });

  it("would lose their mention policy under a snake_case key: why the payload says allowedMentions", () => {
    const body = new MessagePayload(target(), { content: "x", allowed_mentions: { parse: [] } } as never).resolveBody()
      .body as Record<string, unknown>;
    expect(body.allowed_mentions).toEqual({ parse: ["everyone", "roles", "users"] });
  });

  it("refuse custom ids over 100 characters and keep the longest real ones under it", () => {
    expect(() => customId("vote", "change", "x".repeat(100))).toThrow(RangeError);
    const ids = [
      customId("vote", "change", LONG_PROPOSAL_ID),
      customId("vote", "veto", LONG_PROPOSAL_ID),
      customId("vote", "why", LONG_PROPOSAL_ID),
      customId("profile", "confirm", LONG_PROPOSAL_ID, 2_147_483_647, LONG_USER_ID),
      customId("profile", "edit", LONG_PROPOSAL_ID, LONG_USER_ID),
    ];
    for (const id of ids) expect(id.length).toBeLessThanOrEqual(100);
    const [profile] = profileMessages(profileView({ version: 2_147_483_647 }));
    expect(limitProblems(profile as never)).toEqual([]);
  });

  it("refuse to ping more than 100 users in one message", () => {
    const ids = Array.from({ length: 101 }, (_, i) => String(100000000000000000n + BigInt(i)));
    expect(() => presentMessage({ content: "x", ping: ids })).toThrow(RangeError);
  });

  it("name every broken limit", () => {
    const bad = presentMessage({
      content: "x".repeat(2001),
      embeds: [{ title: "t".repeat(257), fields: [{ name: "", value: "v".repeat(1025) }] }],
      components: [
        {
          type: 1,
          components: [button("b".repeat(81), "i".repeat(101), 1)],
        },
      ],
    });
    // content, title, field value, empty field name, custom id; button() itself clips labels to 80.
    expect(limitProblems(bad)).toHaveLength(5);
    expect(bad.components[0]?.components[0]).toMatchObject({ label: "b".repeat(80) });
    expect(limitProblems(presentMessage({}))).toEqual(["the message is empty"]);
  });
});
