// A member's whole journey through the real discord.js client and the fake Discord: a steward adds a space; a member
// states their values in a modal and confirms them; the proposal's thread appears with the digest, the arguments and
// "How Tribune will vote"; the member asks why, vetoes by button, and the thread follows. Nothing is mocked.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../support/eventually.js";
import { impact } from "../values/digestFixtures.js";
import { seedDigest, seedProposal } from "../values/seed.js";
import { submitStatement, text } from "./discordFixtures.js";
import {
  ALICE,
  BOB,
  CHANNEL,
  type DiscordHarness,
  GUILD,
  SAM,
  spaceId,
  startDiscordHarness,
} from "./discordHarness.js";

let h: DiscordHarness;
const SPACE = spaceId();
let proposalId = "";

beforeAll(async () => {
  h = await startDiscordHarness();
}, 120_000);

afterAll(async () => {
  await h?.close();
});

describe("a member's journey", () => {
  it("a steward adds a space with its channel", async () => {
    const run = h.discord.slashCommand({
      guildId: GUILD,
      channelId: CHANNEL,
      userId: SAM,
      name: "space",
      subcommand: "add",
      options: { space: SPACE, channel: CHANNEL },
    });
    const reply = await run.finalReply();
    expect(reply.content).toContain(`Following **${SPACE}**`);
    expect(reply.ephemeral).toBe(false);
    const space = await h.db.prisma.space.findFirstOrThrow({ where: { externalId: SPACE } });
    expect(space).toMatchObject({ discordGuildId: GUILD, discordChannelId: CHANNEL, mode: "dry_run" });
    const { proposal, version } = await seedProposal(h.db.prisma, space.id);
    proposalId = proposal.id;
    await seedDigest(h.db.prisma, proposal, version.id, {
      impacts: [impact(1, "treasury_prudence", -2), impact(2, "treasury_prudence", 2), impact(1, "public_goods", 1)],
    });
  });

  it("a member states values in a modal, sees them back and confirms; the thread appears with their vote", async () => {
    const space = await h.db.prisma.space.findFirstOrThrow({ where: { externalId: SPACE } });
    const open = h.discord.slashCommand({
      guildId: GUILD,
      channelId: CHANNEL,
      userId: ALICE,
      name: "profile",
      subcommand: "set",
      options: { space: SPACE },
    });
    const modal = await open.acknowledged;
    expect(modal.type).toBe(9);
    const submit = submitStatement(h, space, ALICE, "Treasury prudence above all: never waste the DAO's money.");
    const shown = await submit.finalReply();
    expect(shown.ephemeral).toBe(true);
    expect(text(shown)).toMatch(/Not confirmed yet/);
    const confirmButton = JSON.stringify(shown.components).match(/profile:confirm:[^"]+/)?.[0];
    expect(confirmButton).toBeDefined();

    const confirm = h.discord.button({
      guildId: GUILD,
      channelId: CHANNEL,
      userId: ALICE,
      messageId: shown.id,
      customId: confirmButton as string,
    });
    const confirmed = await confirm.finalReply();
    expect(text(confirmed)).toMatch(/Confirmed/);

    // Confirming re-decides the member's open proposals and updates each one's thread, through the job queue.
    const [thread] = await eventually(
      async () => h.discord.threads(CHANNEL),
      (threads) => threads.length > 0,
      30_000,
    );
    expect(thread).toBeDefined();
    // Profiles start private: the thread names no one and shows no values.
    const planned = await eventually(
      async () => h.discord.messages(thread?.id as string).find((m) => /How Tribune will vote/i.test(text(m))),
      (found) => found !== undefined && text(found).includes("a delegator"),
      30_000,
    );
    expect(text(planned as NonNullable<typeof planned>)).toContain("a delegator → **Against**");
    expect(text(planned as NonNullable<typeof planned>)).not.toContain(ALICE);
    expect(JSON.stringify(planned?.components)).toContain(`vote:veto:${proposalId}`);
    const starter = h.discord.messages(CHANNEL).find((m) => m.threadId === thread?.id);
    expect(starter && text(starter)).toContain("Funds a grants program");
  });

  it("a member who makes their profile public is named in the thread, with their deciding values", async () => {
    const run = h.discord.slashCommand({
      guildId: GUILD,
      channelId: CHANNEL,
      userId: ALICE,
      name: "profile",
      subcommand: "privacy",
      options: { space: SPACE, setting: "public" },
    });
    expect(text(await run.finalReply())).toMatch(/Confirmed/);
    const [thread] = h.discord.threads(CHANNEL);
    const plan = await eventually(
      async () => h.discord.messages(thread?.id as string).find((m) => /How Tribune will vote/i.test(text(m))),
      (m) => m !== undefined && text(m).includes(`<@${ALICE}>`),
      30_000,
    );
    expect(text(plan as NonNullable<typeof plan>)).toMatch(/treasury prudence/i);
    // Edited in place: one plan message, with its earlier version in the history.
    expect(h.discord.messages(thread?.id as string).filter((m) => /How Tribune will vote/i.test(text(m)))).toHaveLength(
      1,
    );
    expect(plan?.history.length).toBeGreaterThan(0);
  });

  it("/why shows the member's own decision, only to them", async () => {
    const run = h.discord.slashCommand({
      guildId: GUILD,
      channelId: CHANNEL,
      userId: ALICE,
      name: "why",
      options: { proposal: proposalId },
    });
    const reply = await run.finalReply();
    expect(reply.ephemeral).toBe(true);
    expect(text(reply)).toMatch(/Your vote on/);
    expect(text(reply)).toMatch(/Treasury prudence/i);
  });

  it("a veto button acts on the presser's own vote: a bystander has none, the member's veto updates the thread", async () => {
    const [thread] = h.discord.threads(CHANNEL);
    const plan = h.discord.messages(thread?.id as string).find((m) => /How Tribune will vote/i.test(text(m)));
    const bystander = h.discord.button({
      guildId: GUILD,
      channelId: thread?.id as string,
      userId: BOB,
      messageId: plan?.id as string,
      customId: `vote:veto:${proposalId}`,
    });
    const refused = await bystander.finalReply();
    expect(refused.ephemeral).toBe(true);
    expect(refused.content).toMatch(/not set up Tribune/);

    const veto = h.discord.button({
      guildId: GUILD,
      channelId: thread?.id as string,
      userId: ALICE,
      messageId: plan?.id as string,
      customId: `vote:veto:${proposalId}`,
    });
    expect((await veto.finalReply()).content).toMatch(/will not vote for you/);
    const updated = await eventually(
      async () => h.discord.messages(thread?.id as string).find((m) => m.id === plan?.id),
      (m) => m !== undefined && /veto/i.test(text(m)),
      30_000,
    );
    expect(text(updated as NonNullable<typeof updated>)).toMatch(/veto/i);
    const audit = await h.db.prisma.auditEntry.findMany({ where: { action: "override.set", proposalId } });
    expect(audit).toHaveLength(1);
  });

  it("autocomplete suggests the guild's proposals by title, within Discord's 25", async () => {
    const run = h.discord.autocomplete({
      guildId: GUILD,
      channelId: CHANNEL,
      userId: BOB,
      name: "summary",
      focused: "proposal",
      value: "grants",
    });
    const choices = await run.choices();
    expect(choices).toEqual([{ name: expect.stringContaining("Fund the grants council"), value: proposalId }]);
  });
});
