// The fake Discord, proved against the REAL discord.js Client (no mocks): whatever the client needs to log in,
// receive interactions and answer them, the fake must give it; whatever Discord refuses, the fake must refuse the
// same way, so the library's own handling (retries, errors) is what bot tests exercise.
import { once } from "node:events";
import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  Client,
  DiscordAPIError,
  Events,
  GatewayIntentBits,
  type Interaction,
  LabelBuilder,
  MessageFlags,
  ModalBuilder,
  PermissionFlagsBits,
  Routes,
  SlashCommandBuilder,
  StringSelectMenuBuilder,
  type TextChannel,
  TextInputBuilder,
  TextInputStyle,
  type ThreadChannel,
} from "discord.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../../support/eventually.js";
import { type FakeDiscord, InvocationError, startFakeDiscord } from "./fakeDiscord.js";

const APP = "1180000000000000001";
const GUILD = "1180000000000000002";
const GENERAL = "1180000000000000003";
const OWNER = "1180000000000000004";
const MEMBER = "1180000000000000005";
const STEWARD_ROLE = "1180000000000000006";

const guildConfig = {
  id: GUILD,
  name: "Tribune DAO",
  ownerId: OWNER,
  roles: [{ id: STEWARD_ROLE, name: "Steward", permissions: "0" }],
  channels: [{ id: GENERAL, name: "governance", type: 0 }],
  members: [
    { userId: OWNER, username: "founder" },
    { userId: MEMBER, username: "delegate", roles: [STEWARD_ROLE] },
  ],
};

const commandDefinitions = [
  new SlashCommandBuilder()
    .setName("profile")
    .setDescription("Your stated values")
    .addSubcommand((s) =>
      s
        .setName("set")
        .setDescription("State your values")
        .addStringOption((o) => o.setName("statement").setDescription("What you stand for").setRequired(true)),
    )
    .addSubcommand((s) => s.setName("show").setDescription("Show your statement")),
  new SlashCommandBuilder()
    .setName("vote")
    .setDescription("Vote on a proposal")
    .addStringOption((o) =>
      o.setName("proposal").setDescription("Which proposal").setAutocomplete(true).setRequired(true),
    )
    .addIntegerOption((o) => o.setName("weight").setDescription("Weight")),
  new SlashCommandBuilder().setName("statement").setDescription("Write your statement in a form"),
  new SlashCommandBuilder().setName("ballot").setDescription("Show a ballot"),
  new SlashCommandBuilder().setName("pause").setDescription("Pause casting").setDefaultMemberPermissions(0n),
].map((c) => c.toJSON());

let discord: FakeDiscord;
let client: Client;
let onInteraction: (interaction: Interaction) => void = () => {};
const where = { guildId: GUILD, channelId: GENERAL, userId: MEMBER };

/** Runs `fn` on the next interaction the client receives; resolves with what it returns. */
function nextInteraction<T>(fn: (interaction: Interaction) => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    onInteraction = (interaction) => {
      fn(interaction).then(resolve, reject);
    };
  });
}

async function apiError(promise: Promise<unknown>): Promise<DiscordAPIError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DiscordAPIError) return error;
    throw error;
  }
  throw new Error("expected Discord to refuse");
}

/** Waits for the client to have heard a gateway event (THREAD_UPDATE and the like). */
async function until(check: () => boolean): Promise<void> {
  expect(await eventually(async () => check(), Boolean, 15_000)).toBe(true);
}

const general = () => client.channels.cache.get(GENERAL) as TextChannel;

beforeAll(async () => {
  discord = await startFakeDiscord({ applicationId: APP, guilds: [guildConfig] });
  client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: discord.apiUrl } });
  client.on(Events.InteractionCreate, (interaction) => onInteraction(interaction));
  const ready = once(client, Events.ClientReady);
  await client.login(discord.token);
  await ready;
  await client.application?.commands.set(commandDefinitions, GUILD);
});

afterAll(async () => {
  await client?.destroy();
  await discord?.close();
});

describe("login", () => {
  it("READY then GUILD_CREATE fill the client's cache with the guild, its channels, roles and the bot", () => {
    const guild = client.guilds.cache.get(GUILD);
    expect(guild?.name).toBe("Tribune DAO");
    expect(general().name).toBe("governance");
    expect(guild?.roles.cache.get(STEWARD_ROLE)?.name).toBe("Steward");
    expect(guild?.members.me?.id).toBe(APP);
    expect(client.application?.id).toBe(APP);
    // Without GUILD_MEMBERS, Discord sends only the bot's own member.
    expect(guild?.members.cache.has(MEMBER)).toBe(false);
    expect(discord.sessions()).toEqual([expect.objectContaining({ shard: [0, 1], connected: true })]);
  });

  it("registers guild commands by bulk overwrite, keeping ids across a second overwrite", async () => {
    const first = discord.commands(GUILD);
    expect(first.map((c) => c.name)).toEqual(["profile", "vote", "statement", "ballot", "pause"]);
    await client.application?.commands.set(commandDefinitions, GUILD);
    expect(discord.commands(GUILD).map((c) => c.id)).toEqual(first.map((c) => c.id));
    expect(discord.requests.filter((r) => r.route === "/applications/:appId/guilds/:guildId/commands")).toHaveLength(2);
  });
});

describe("interactions", () => {
  it("answers a slash command with a reply, options typed by the registered definition", async () => {
    const handled = nextInteraction(async (i) => {
      if (!i.isChatInputCommand()) throw new Error("expected a slash command");
      await i.reply(`Saved: ${i.options.getString("statement", true)} (${i.options.getSubcommand()})`);
      return { roles: i.member && "cache" in i.member.roles ? [...i.member.roles.cache.keys()] : [] };
    });
    const run = discord.slashCommand({
      ...where,
      name: "profile",
      subcommand: "set",
      options: { statement: "Low fees" },
    });
    const { roles } = await handled;
    expect(roles).toContain(STEWARD_ROLE);
    expect((await run.acknowledged).type).toBe(4);
    const reply = await run.finalReply();
    expect(reply.content).toBe("Saved: Low fees (set)");
    expect(reply.type).toBe(20);
    expect(reply.api.interaction_metadata?.id).toBe(run.id);
    expect(discord.messages(GENERAL).at(-1)?.id).toBe(reply.id);
  });

  it("refuses options the definition does not have, and commands the member may not see", () => {
    expect(() =>
      discord.slashCommand({ ...where, name: "profile", subcommand: "set", options: { mood: "x" } }),
    ).toThrow(InvocationError);
    expect(() => discord.slashCommand({ ...where, name: "pause" })).toThrow(/would not offer \/pause/);
  });

  it("lets an admin's overwrite open a command to @everyone, a user's own overwrite winning over it", () => {
    try {
      discord.setCommandPermissions(GUILD, "pause", [
        { id: GUILD, type: 1, permission: true },
        { id: MEMBER, type: 2, permission: false },
      ]);
      expect(() => discord.slashCommand({ ...where, name: "pause" })).toThrow(/would not offer \/pause/);
      discord.setCommandPermissions(GUILD, "pause", [{ id: GUILD, type: 1, permission: true }]);
      expect(discord.slashCommand({ ...where, name: "pause" }).id).toMatch(/^\d+$/);
    } finally {
      discord.setCommandPermissions(GUILD, "pause", []);
    }
    expect(() => discord.slashCommand({ ...where, name: "pause" })).toThrow(/would not offer \/pause/);
  });

  it("settles a deferred reply on the edit that replaces the thinking message", async () => {
    const handled = nextInteraction(async (i) => {
      if (!i.isChatInputCommand()) throw new Error("expected a slash command");
      await i.deferReply();
      await new Promise((resolve) => setTimeout(resolve, 100));
      await i.editReply("Here is your statement");
    });
    const run = discord.slashCommand({ ...where, name: "profile", subcommand: "show" });
    expect((await run.acknowledged).type).toBe(5);
    const reply = await run.finalReply();
    await handled;
    expect(reply.content).toBe("Here is your statement");
    expect(reply.loading).toBe(false);
    expect(reply.history.map((v) => v.flags & MessageFlags.Loading)).toEqual([MessageFlags.Loading]);
  });

  it("keeps an ephemeral reply out of the channel's message list", async () => {
    const handled = nextInteraction(async (i) => {
      if (!i.isChatInputCommand()) throw new Error("expected a slash command");
      await i.reply({ content: "Only you can see this", flags: MessageFlags.Ephemeral });
      await i.followUp("And a follow-up for everyone");
    });
    const run = discord.slashCommand({ ...where, name: "profile", subcommand: "show" });
    const reply = await run.finalReply();
    await handled;
    expect(reply.ephemeral).toBe(true);
    expect(run.followUps.map((m) => m.content)).toEqual(["And a follow-up for everyone"]);
    const fetched = await general().messages.fetch({ limit: 100 });
    expect(fetched.has(reply.id)).toBe(false);
    expect(fetched.has(run.followUps[0]?.id ?? "")).toBe(true);
  });

  it("shows a modal and receives its submission shaped like the modal", async () => {
    const shown = nextInteraction(async (i) => {
      if (!i.isChatInputCommand()) throw new Error("expected a slash command");
      const input = new TextInputBuilder().setCustomId("statement").setStyle(TextInputStyle.Paragraph);
      await i.showModal(
        new ModalBuilder()
          .setCustomId("statement-modal")
          .setTitle("Your statement")
          .addLabelComponents(new LabelBuilder().setLabel("Statement").setTextInputComponent(input)),
      );
    });
    const open = discord.slashCommand({ ...where, name: "statement" });
    expect((await open.acknowledged).type).toBe(9);
    await shown;
    const submitted = nextInteraction(async (i) => {
      if (!i.isModalSubmit()) throw new Error("expected a modal submission");
      await i.reply(`Recorded: ${i.fields.getTextInputValue("statement")}`);
    });
    const submit = discord.modalSubmit({
      ...where,
      customId: "statement-modal",
      fields: { statement: "Public goods" },
    });
    await submitted;
    expect((await submit.finalReply()).content).toBe("Recorded: Public goods");
  });

  it("answers autocomplete with at most 25 choices; a 26th is Invalid Form Body", async () => {
    const proposals = Array.from({ length: 30 }, (_, n) => `Uniswap fee switch #${n}`);
    const answered = nextInteraction(async (i) => {
      if (!i.isAutocomplete()) throw new Error("expected autocomplete");
      const typed = i.options.getFocused().toLowerCase();
      const matches = proposals.filter((p) => p.toLowerCase().startsWith(typed)).slice(0, 25);
      await i.respond(matches.map((name, n) => ({ name, value: String(n) })));
    });
    const run = discord.autocomplete({ ...where, name: "vote", focused: "proposal", value: "uni" });
    await answered;
    expect(await run.choices()).toHaveLength(25);

    const tooMany = nextInteraction(async (i) => {
      if (!i.isAutocomplete()) throw new Error("expected autocomplete");
      return apiError(i.respond(proposals.map((name) => ({ name, value: name }))));
    });
    discord.autocomplete({ ...where, name: "vote", focused: "proposal", value: "" });
    const error = await tooMany;
    expect(error.code).toBe(50035);
    expect(error.message).toContain("data.choices[BASE_TYPE_MAX_LENGTH]");
  });

  it("delivers a button press on the bot's message and lets the bot update that message", async () => {
    const posted = nextInteraction(async (i) => {
      if (!i.isChatInputCommand()) throw new Error("expected a slash command");
      const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
        new ButtonBuilder().setCustomId("confirm:42").setLabel("Confirm").setStyle(ButtonStyle.Primary),
      );
      await i.reply({ content: "Confirm your vote?", components: [row] });
    });
    const ballot = await discord.slashCommand({ ...where, name: "ballot" }).finalReply();
    await posted;
    const pressed = nextInteraction(async (i) => {
      if (!i.isButton()) throw new Error("expected a button");
      await i.update({ content: `Confirmed ${i.customId.split(":")[1]}`, components: [] });
    });
    const press = discord.button({ ...where, messageId: ballot.id, customId: "confirm:42" });
    await pressed;
    expect((await press.acknowledged).type).toBe(7);
    const updated = await press.finalReply();
    expect(updated.id).toBe(ballot.id);
    expect(updated.content).toBe("Confirmed 42");
    expect(updated.components).toEqual([]);
    expect(updated.history.map((v) => v.content)).toEqual(["Confirm your vote?"]);
    expect(() => discord.button({ ...where, messageId: ballot.id, customId: "confirm:42" })).toThrow(/no component/);
  });

  it("settles a deferred update (type 6) only on the edit that follows it", async () => {
    const posted = nextInteraction(async (i) => {
      if (!i.isChatInputCommand()) throw new Error("expected a slash command");
      const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
        new ButtonBuilder().setCustomId("slow:1").setLabel("Slow").setStyle(ButtonStyle.Primary),
      );
      await i.reply({ content: "Press when ready", components: [row] });
    });
    const prompt = await discord.slashCommand({ ...where, name: "ballot" }).finalReply();
    await posted;
    const pressed = nextInteraction(async (i) => {
      if (!i.isButton()) throw new Error("expected a button");
      await i.deferUpdate();
      await new Promise((resolve) => setTimeout(resolve, 300));
      await i.editReply({ content: "Done slowly", components: [] });
    });
    const press = discord.button({ ...where, messageId: prompt.id, customId: "slow:1" });
    expect((await press.acknowledged).type).toBe(6);
    expect((await press.finalReply()).content).toBe("Done slowly");
    await pressed;
  });

  it("shows an ephemeral message's buttons to its member only; a forged press still reaches the bot", async () => {
    const posted = nextInteraction(async (i) => {
      if (!i.isChatInputCommand()) throw new Error("expected a slash command");
      const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
        new ButtonBuilder().setCustomId(`mine:${MEMBER}`).setLabel("Mine").setStyle(ButtonStyle.Primary),
      );
      await i.reply({ content: "Only you", components: [row], flags: MessageFlags.Ephemeral });
    });
    const mine = await discord.slashCommand({ ...where, name: "ballot" }).finalReply();
    await posted;
    const other = { ...where, userId: OWNER, messageId: mine.id, customId: `mine:${MEMBER}` };
    expect(() => discord.button(other)).toThrow(/ephemeral/);
    const pressed = nextInteraction(async (i) => {
      if (!i.isButton()) throw new Error("expected a button");
      await i.reply({ content: "Not yours", flags: MessageFlags.Ephemeral });
      return i.user.id;
    });
    const forged = discord.button({ ...other, forged: true });
    expect(await pressed).toBe(OWNER);
    expect((await forged.finalReply()).content).toBe("Not yours");
  });

  it("delivers a string-select pick with the values chosen", async () => {
    const posted = nextInteraction(async (i) => {
      if (!i.isChatInputCommand()) throw new Error("expected a slash command");
      const select = new StringSelectMenuBuilder()
        .setCustomId("choice")
        .addOptions({ label: "For", value: "for" }, { label: "Against", value: "against" });
      await i.reply({
        content: "Your choice?",
        components: [new ActionRowBuilder<StringSelectMenuBuilder>().addComponents(select)],
      });
    });
    const prompt = await discord.slashCommand({ ...where, name: "ballot" }).finalReply();
    await posted;
    const picked = nextInteraction(async (i) => {
      if (!i.isStringSelectMenu()) throw new Error("expected a select");
      await i.deferUpdate();
      await i.editReply({ content: `You chose ${i.values.join(", ")}`, components: [] });
    });
    const pick = discord.selectMenu({ ...where, messageId: prompt.id, customId: "choice", values: ["against"] });
    await picked;
    expect((await pick.acknowledged).type).toBe(6);
    expect((await pick.finalReply()).content).toBe("You chose against");
    expect(() => discord.selectMenu({ ...where, messageId: prompt.id, customId: "choice", values: ["maybe"] })).toThrow(
      /no component|cannot take/,
    );
  });

  it("answers 40060 to a second acknowledgement", async () => {
    const handled = nextInteraction(async (i) => {
      if (!i.isChatInputCommand()) throw new Error("expected a slash command");
      const response = await i.reply({ content: "first", withResponse: true });
      expect(response.resource?.message?.content).toBe("first");
      return apiError(
        client.rest.post(Routes.interactionCallback(i.id, i.token), {
          body: { type: 4, data: { content: "again" } },
          auth: false,
        }),
      );
    });
    discord.slashCommand({ ...where, name: "ballot" });
    const error = await handled;
    expect([error.status, error.code]).toEqual([400, 40060]);
  });

  it("kills the token when the first answer comes after 3 s: the library sees 10062", async () => {
    const late = nextInteraction(async (i) => {
      if (!i.isChatInputCommand()) throw new Error("expected a slash command");
      await new Promise((resolve) => setTimeout(resolve, 3100));
      return apiError(i.reply("too late"));
    });
    const run = discord.slashCommand({ ...where, name: "ballot" });
    await expect(run.acknowledged).rejects.toThrow(/not acknowledged within 3000 ms/);
    const error = await late;
    expect([error.status, error.code]).toEqual([404, 10062]);
  });
});

describe("channels and threads", () => {
  it("creates a public thread on a message (same id, once) and posts in it", async () => {
    const message = await general().send("Proposal 42: fee switch");
    const thread = await message.startThread({ name: "Proposal 42", autoArchiveDuration: 1440 });
    expect(thread.id).toBe(message.id);
    await thread.send("Digest: turns the fee switch on");
    expect(discord.threads(GENERAL).find((t) => t.id === thread.id)).toMatchObject({
      name: "Proposal 42",
      parentId: GENERAL,
      type: 11,
      starterMessageId: message.id,
      autoArchiveDuration: 1440,
      archived: false,
    });
    expect(discord.messages(thread.id).map((m) => m.content)).toEqual(["Digest: turns the fee switch on"]);
    const again = await apiError(
      client.rest.post(Routes.threads(GENERAL, message.id), { body: { name: "Proposal 42 again" } }),
    );
    expect([again.status, again.code]).toEqual([400, 160004]);
  });

  it("makes a thread without a message private unless type 11 is asked for, and checks names and durations", async () => {
    const privateThread = (await client.rest.post(Routes.threads(GENERAL), { body: { name: "stewards" } })) as {
      type: number;
    };
    expect(privateThread.type).toBe(12);
    const publicThread = await general().threads.create({ name: "open debate" });
    expect(publicThread.type).toBe(11);
    const bad = await apiError(
      client.rest.post(Routes.threads(GENERAL), {
        body: { name: "x".repeat(101), auto_archive_duration: 30, type: 11 },
      }),
    );
    expect(bad.code).toBe(50035);
    expect(bad.rawError).toMatchObject({
      errors: {
        name: { _errors: [{ code: "BASE_TYPE_BAD_LENGTH" }] },
        auto_archive_duration: { _errors: [{ code: "BASE_TYPE_CHOICES" }] },
      },
    });
  });

  it("refuses edits in an archived thread (50083) until thread.setArchived(false); a send unarchives", async () => {
    const starter = await general().send("Proposal 43");
    const thread = await starter.startThread({ name: "Proposal 43" });
    const digest = await thread.send("Digest v1");
    discord.archiveThread(thread.id);
    await until(() => thread.archived === true);
    const refused = await apiError(digest.edit("Digest v2"));
    expect([refused.status, refused.code]).toEqual([400, 50083]);
    await thread.setArchived(false);
    expect(thread.archived).toBe(false);
    await digest.edit("Digest v2");
    expect(discord.messages(thread.id)[0]).toMatchObject({ content: "Digest v2", history: [{ content: "Digest v1" }] });

    // The docs: sending into an archived, unlocked thread unarchives it.
    discord.archiveThread(thread.id);
    await until(() => thread.archived === true);
    await thread.send("A new plan");
    await until(() => thread.archived === false);

    discord.lockThread(thread.id);
    const locked = await apiError(thread.send("Still here?"));
    expect(locked.code).toBe(160005);
  });

  it("rides out a 429: @discordjs/rest waits and the post lands once", async () => {
    discord.rateLimitNext({ method: "POST", route: /^\/channels\/\d+\/messages$/, retryAfterSeconds: 0.3 });
    const started = Date.now();
    const sent = await general().send("after a rate limit");
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(discord.messages(GENERAL).filter((m) => m.content === "after a rate limit")).toHaveLength(1);
    const attempts = discord.requests.filter((r) => r.method === "POST" && r.path === `/channels/${GENERAL}/messages`);
    expect(attempts.slice(-2).map((r) => r.status)).toEqual([429, 200]);
    expect(sent.id).toBe(discord.messages(GENERAL).at(-1)?.id);
  });

  it("returns the first message for a repeated enforced nonce", async () => {
    const first = await general().send({ content: "exactly once", nonce: "proposal-44-digest", enforceNonce: true });
    const second = await general().send({ content: "exactly once", nonce: "proposal-44-digest", enforceNonce: true });
    expect(second.id).toBe(first.id);
    expect(discord.messages(GENERAL).filter((m) => m.content === "exactly once")).toHaveLength(1);
  });

  it("answers 50035 for an oversized embed, content or embed total", async () => {
    const title = await apiError(general().send({ embeds: [{ title: "t".repeat(257) }] }));
    expect(title.code).toBe(50035);
    expect(title.rawError).toMatchObject({
      errors: { embeds: { 0: { title: { _errors: [{ code: "BASE_TYPE_MAX_LENGTH" }] } } } },
    });
    const content = await apiError(general().send("c".repeat(2001)));
    expect(content.message).toContain("content[BASE_TYPE_MAX_LENGTH]");
    const total = await apiError(
      general().send({ embeds: [{ description: "d".repeat(4000) }, { description: "d".repeat(2001) }] }),
    );
    expect(total.message).toContain("MAX_EMBED_SIZE_EXCEEDED");
  });

  it("answers an injected failure once, then behaves again", async () => {
    discord.failNext({
      route: "/channels/:channelId/messages",
      method: "POST",
      status: 403,
      code: 50013,
      message: "Missing Permissions",
    });
    const refused = await apiError(general().send("denied"));
    expect([refused.status, refused.code]).toEqual([403, 50013]);
    await general().send("allowed");
    expect(discord.messages(GENERAL).at(-1)?.content).toBe("allowed");
  });
});

describe("reads", () => {
  it("serves the fetches a bot makes, with payloads complete enough for discord.js structures", async () => {
    const guild = client.guilds.cache.get(GUILD);
    if (!guild) throw new Error("guild not cached");
    const application = await client.application?.fetch();
    expect(application?.id).toBe(APP);
    expect((await guild.fetch()).name).toBe("Tribune DAO");
    const member = await guild.members.fetch({ user: MEMBER, force: true });
    expect(member.roles.cache.has(STEWARD_ROLE)).toBe(true);
    expect(member.permissions.has(PermissionFlagsBits.ViewChannel)).toBe(true);
    expect((await guild.roles.fetch()).size).toBeGreaterThanOrEqual(3);
    expect((await guild.channels.fetch()).has(GENERAL)).toBe(true);
    const recent = await general().messages.fetch({ limit: 5 });
    expect(recent.size).toBe(5);
    const [newest] = recent.values();
    expect((await general().messages.fetch({ message: newest?.id ?? "", force: true })).id).toBe(newest?.id);
    const active = await guild.channels.fetchActiveThreads();
    expect(active.threads.size).toBeGreaterThan(0);
    const archived = await general().threads.fetchArchived({ fetchAll: true });
    expect(archived.threads.every((t) => t.archived)).toBe(true);
    const someThread = discord.threads(GENERAL)[0];
    const fetchedThread = await client.channels.fetch(someThread?.id ?? "", { force: true });
    expect(fetchedThread?.isThread()).toBe(true);
  });

  it("puts X-RateLimit headers on every routed answer, errors included", async () => {
    const headers = { Authorization: `Bot ${discord.token}` };
    const okAnswer = await fetch(`${discord.apiUrl}/v10/channels/${GENERAL}`, { headers });
    const missing = await fetch(`${discord.apiUrl}/v10/channels/${GENERAL}/messages/1`, { headers });
    for (const answer of [okAnswer, missing]) {
      for (const name of [
        "x-ratelimit-limit",
        "x-ratelimit-remaining",
        "x-ratelimit-reset",
        "x-ratelimit-reset-after",
        "x-ratelimit-bucket",
      ]) {
        expect(answer.headers.get(name)).not.toBeNull();
      }
    }
    expect(await missing.json()).toEqual({ message: "Unknown Message", code: 10008 });
  });
});

describe("gateway", () => {
  it("resumes after a dropped connection and keeps delivering interactions", async () => {
    const resumed = once(client, Events.ShardResume);
    discord.dropGatewayConnections();
    await resumed;
    const handled = nextInteraction(async (i) => {
      if (!i.isChatInputCommand()) throw new Error("expected a slash command");
      await i.reply("still here");
    });
    const run = discord.slashCommand({ ...where, name: "ballot" });
    await handled;
    expect((await run.finalReply()).content).toBe("still here");
    expect(discord.sessions()).toHaveLength(1);
  });
});

describe("a fake with strict rules and short clocks", () => {
  let strict: FakeDiscord;
  let other: Client;
  const seen: { authorId: string; content: string }[] = [];

  beforeAll(async () => {
    strict = await startFakeDiscord({
      applicationId: APP,
      guilds: [guildConfig],
      strictToken: true,
      archivedThreadSends: "reject",
      tokenLifetimeMs: 400,
    });
    other = new Client({
      intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages],
      rest: { api: strict.apiUrl },
    });
    other.on(Events.MessageCreate, (m) => seen.push({ authorId: m.author.id, content: m.content }));
    other.on(Events.InteractionCreate, (interaction) => onInteraction(interaction));
    const ready = once(other, Events.ClientReady);
    await other.login(strict.token);
    await ready;
  });

  afterAll(async () => {
    await other?.destroy();
    await strict?.close();
  });

  it("refuses another token with 401 when strict", async () => {
    const impostor = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: strict.apiUrl } });
    await expect(impostor.login("not-the-token")).rejects.toThrow(/invalid token/i);
    await impostor.destroy();
    expect(strict.requests.filter((r) => r.status === 401).map((r) => r.path)).toEqual(["/gateway/bot"]);
  });

  it("can answer 50083 to a send into an archived thread (archivedThreadSends: reject)", async () => {
    const channel = other.channels.cache.get(GENERAL) as TextChannel;
    const thread: ThreadChannel = await (await channel.send("Proposal 45")).startThread({ name: "Proposal 45" });
    strict.archiveThread(thread.id);
    await until(() => thread.archived === true);
    expect((await apiError(thread.send("refused"))).code).toBe(50083);
    await thread.setArchived(false);
    await thread.send("lands");
    expect(strict.messages(thread.id).map((m) => m.content)).toEqual(["lands"]);
  });

  it("expires the interaction token: a late edit answers 50027", async () => {
    const handled = nextInteraction(async (i) => {
      if (!i.isChatInputCommand()) throw new Error("expected a slash command");
      await i.deferReply();
      await new Promise((resolve) => setTimeout(resolve, 450));
      return apiError(i.editReply("too late"));
    });
    strict.slashCommand({ ...where, name: "ballot" });
    const error = await handled;
    expect([error.status, error.code]).toEqual([401, 50027]);
  });

  it("sends MESSAGE_CREATE with GUILD_MESSAGES, members' content empty without MESSAGE_CONTENT", async () => {
    strict.postAsMember({ channelId: GENERAL, userId: MEMBER, content: "what does the bot think?" });
    await (other.channels.cache.get(GENERAL) as TextChannel).send("the bot thinks");
    await until(() => seen.some((m) => m.authorId === MEMBER) && seen.some((m) => m.content === "the bot thinks"));
    expect(seen.find((m) => m.authorId === MEMBER)?.content).toBe("");
  });
});
