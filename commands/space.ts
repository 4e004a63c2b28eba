import { ApplicationCommandOptionType, ChannelType, escapeMarkdown } from "discord.js";
import { defineCommand, reply } from "../src/discord/command.js";
import type { SpaceSummary } from "../src/spaces/spaceAdmin.js";
import { editTaxonomy } from "../src/spaces/taxonomyEdit.js";

const space = {
  type: ApplicationCommandOptionType.String,
  name: "space",
  description: 'A Snapshot space id ("aave.eth") or a Governor ("<chain id>:<address>")',
  required: true,
  autocomplete: true,
} as const;
const dimension = {
  type: ApplicationCommandOptionType.String,
  name: "value",
  description: "The value dimension's id",
  required: true,
  autocomplete: true,
} as const;

function line(s: SpaceSummary): string {
  const channel = s.channelId ? `<#${s.channelId}>` : "no channel";
  return `• **${escapeMarkdown(s.externalId)}** (${s.kind}) → ${channel} · ${s.mode} · ${s.votingMode} · veto window ${s.vetoWindow}`;
}

/** /space …: stewards set up the spaces this server follows. The same operations exist as `npx tribune space …`. */
export default defineCommand({
  definition: {
    name: "space",
    description: "Stewards: the DAO spaces this server follows",
    contexts: [0],
    default_member_permissions: "32",
    options: [
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: "add",
        description: "Follow a space and post its proposals' threads in a channel",
        options: [
          { ...space, autocomplete: false },
          {
            type: ApplicationCommandOptionType.Channel,
            name: "channel",
            description: "Where its threads go",
            required: true,
            channel_types: [ChannelType.GuildText],
          },
        ],
      },
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: "remove",
        description: "Stop following a space",
        options: [space],
      },
      { type: ApplicationCommandOptionType.Subcommand, name: "list", description: "The spaces this server follows" },
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: "mode",
        description: "Dry-run (record only) or live (cast votes)",
        options: [
          space,
          {
            type: ApplicationCommandOptionType.String,
            name: "mode",
            description: "dry-run or live",
            required: true,
            choices: [
              { name: "dry-run", value: "dry-run" },
              { name: "live", value: "live" },
            ],
          },
        ],
      },
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: "voting",
        description: "Each member's own agent, or one pooled delegate",
        options: [
          space,
          {
            type: ApplicationCommandOptionType.String,
            name: "mode",
            description: "personal or pooled",
            required: true,
            choices: [
              { name: "personal", value: "personal" },
              { name: "pooled", value: "pooled" },
            ],
          },
        ],
      },
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: "veto-window",
        description: "How long members have to change or veto an announced vote",
        options: [
          space,
          {
            type: ApplicationCommandOptionType.String,
            name: "duration",
            description: 'e.g. "30s", "15m", "24h", "2d"',
            required: true,
          },
        ],
      },
      {
        type: ApplicationCommandOptionType.SubcommandGroup,
        name: "taxonomy",
        description: "The value dimensions members weigh",
        options: [
          {
            type: ApplicationCommandOptionType.Subcommand,
            name: "show",
            description: "List the dimensions",
            options: [space],
          },
          {
            type: ApplicationCommandOptionType.Subcommand,
            name: "rename",
            description: "Rename a dimension (its id stays)",
            options: [
              space,
              dimension,
              {
                type: ApplicationCommandOptionType.String,
                name: "name",
                description: "New name",
                required: true,
                max_length: 60,
              },
            ],
          },
          {
            type: ApplicationCommandOptionType.Subcommand,
            name: "add",
            description: "Add a dimension",
            options: [
              space,
              { ...dimension, autocomplete: false, description: "An id in lower_snake_case" },
              {
                type: ApplicationCommandOptionType.String,
                name: "name",
                description: "Its name",
                required: true,
                max_length: 60,
              },
              {
                type: ApplicationCommandOptionType.String,
                name: "meaning",
                description: "One line: what it means",
                required: true,
                max_length: 200,
              },
            ],
          },
          {
            type: ApplicationCommandOptionType.Subcommand,
            name: "remove",
            description: "Remove a dimension",
            options: [space, dimension],
          },
        ],
      },
    ],
  } as const,
  ephemeral: false,
  stewardOnly: true,
  async execute(ctx, args) {
    const { spaces } = ctx.services;
    const actor = ctx.invoker.discordUserId;
    const guildId = ctx.guildId;
    if (args.group === "taxonomy") {
      const target = await spaces.resolve(args.space, guildId);
      const { taxonomy, version } = await ctx.services.taxonomies.get(target.id);
      if (args.subcommand === "show") {
        const lines = taxonomy.map((d) => `• \`${d.id}\` **${escapeMarkdown(d.name)}**: ${escapeMarkdown(d.meaning)}`);
        return reply({
          content: [`**${target.name}**: values, version ${version}`, ...lines].join("\n").slice(0, 2_000),
        });
      }
      const next = editTaxonomy(taxonomy, args);
      const saved = await ctx.services.taxonomies.update(target.id, next, actor);
      return reply(
        `Values of **${escapeMarkdown(target.name)}** are now version ${saved.version}. Open proposals are decided again for every member (no new digest needed).`,
      );
    }
    switch (args.subcommand) {
      case "add": {
        const added = await spaces.add({ ref: args.space, guildId, channelId: args.channel, actor });
        return reply(
          `Following **${escapeMarkdown(added.externalId)}**: its proposals get a thread in <#${args.channel}>. It starts in dry-run (nothing is cast); /space mode switches it to live.`,
        );
      }
      case "remove": {
        const removed = await spaces.remove({ ref: args.space, guildId, actor });
        return reply(
          `No longer following **${escapeMarkdown(removed.externalId)}**. Its record stays in the audit log.`,
        );
      }
      case "list": {
        const all = await spaces.list(guildId);
        return reply(
          all.length === 0
            ? "This server follows no spaces yet. Add one with /space add."
            : all.map(line).join("\n").slice(0, 2_000),
        );
      }
      case "mode": {
        const changed = await spaces.setMode({ ref: args.space, guildId, mode: args.mode, actor });
        return reply(
          changed.mode === "live"
            ? `**${escapeMarkdown(changed.externalId)}** is live: announced votes are cast after their veto window (${changed.vetoWindow}).`
            : `**${escapeMarkdown(changed.externalId)}** is in dry-run: Tribune records what it would cast and casts nothing.`,
        );
      }
      case "voting": {
        const changed = await spaces.setVotingMode({ ref: args.space, guildId, votingMode: args.mode, actor });
        return reply(
          `**${escapeMarkdown(changed.externalId)}** now votes ${changed.votingMode === "pooled" ? "through one pooled delegate" : "through each member's own agent"}.`,
        );
      }
      case "veto-window": {
        const changed = await spaces.setVetoWindow({ ref: args.space, guildId, duration: args.duration, actor });
        return reply(
          `Members of **${escapeMarkdown(changed.externalId)}** now have ${changed.vetoWindow} to change or veto an announced vote.`,
        );
      }
    }
  },
  async autocomplete(ctx, focused, filled) {
    if (focused.name === "value" && filled.space) {
      const target = await ctx.services.spaces.resolve(filled.space, ctx.guildId).catch(() => null);
      if (!target) return [];
      const { taxonomy } = await ctx.services.taxonomies.get(target.id);
      return taxonomy
        .filter((d) => d.id.includes(focused.value.toLowerCase()))
        .map((d) => ({ name: d.name, value: d.id }));
    }
    return ctx.services.proposals.suggestSpaces(ctx.guildId, focused.value);
  },
});
