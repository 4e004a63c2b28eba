import { ApplicationCommandOptionType } from "discord.js";
import { defineCommand, type HandlerContext, reply } from "../src/discord/command.js";
import { spaceOption } from "../src/discord/commonOptions.js";
import { showProfile, statementModal } from "../src/discord/profileFlow.js";
import { TribuneError } from "../src/errors/tribuneError.js";
import type { StoredProfile } from "../src/values/profileStore.js";

const space = spaceOption;

/** /profile set|show|weights|rules|privacy: a member's own values, per space. Only the member sees any of it. */
export default defineCommand({
  definition: {
    name: "profile",
    description: "Your values: what your agent votes by",
    contexts: [0],
    options: [
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: "set",
        description: "State your values in your own words",
        options: [space],
      },
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: "show",
        description: "See your values and their status",
        options: [space],
      },
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: "weights",
        description: "Set how much one value counts (0–5)",
        options: [
          space,
          {
            type: ApplicationCommandOptionType.String,
            name: "value",
            description: "The value dimension",
            required: true,
            autocomplete: true,
          },
          {
            type: ApplicationCommandOptionType.Integer,
            name: "weight",
            description: "0 = not counted … 5 = above all",
            required: true,
            min_value: 0,
            max_value: 5,
          },
        ],
      },
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: "rules",
        description: "See your rules; remove one, or say what happens when Tribune is unsure",
        options: [
          space,
          { type: ApplicationCommandOptionType.String, name: "remove", description: "A rule id to remove (r1, r2…)" },
          {
            type: ApplicationCommandOptionType.String,
            name: "when_unsure",
            description: "Ask you, or abstain",
            choices: [
              { name: "ask me", value: "ask" },
              { name: "abstain", value: "abstain" },
            ],
          },
        ],
      },
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: "privacy",
        description: "Whether your reasons may be shown in public threads",
        options: [
          space,
          {
            type: ApplicationCommandOptionType.String,
            name: "setting",
            description: "public: your line shows in threads; private: only you see your reasons",
            required: true,
            choices: [
              { name: "public", value: "public" },
              { name: "private", value: "private" },
            ],
          },
        ],
      },
    ],
  } as const,
  ephemeral: true,
  opensModal: (args) => args.subcommand === "set",
  async execute(ctx, args) {
    const target = await ctx.services.spaces.resolve(args.space, ctx.guildId);
    if (args.subcommand === "set") {
      const member = await ctx.services.members.find(ctx.invoker.discordUserId);
      const latest = member ? await ctx.services.profiles.latest(member.id, target.id) : null;
      return statementModal(target, ctx.invoker.discordUserId, latest?.statement ?? null);
    }
    // Showing or editing needs a profile: someone without one is told how to start, and no agent is made for them.
    const member = await ctx.services.members.find(ctx.invoker.discordUserId);
    const latest = member ? await ctx.services.profiles.latest(member.id, target.id) : null;
    if (!member || !latest) {
      return reply(
        `You have no values in ${target.name} yet. Run \`/profile set space:${target.externalId}\` to state them.`,
      );
    }
    // An edit that keeps the confirmation (privacy alone) takes effect at once: decisions and threads follow it.
    const edit = async (
      changes: Parameters<HandlerContext["services"]["profiles"]["edit"]>[0],
    ): Promise<StoredProfile> => {
      const saved = await ctx.services.profiles.edit(changes);
      if (saved.confirmedAt) await ctx.services.redecideMember(member.id, target.id);
      return saved;
    };
    switch (args.subcommand) {
      case "show":
        return showProfile(ctx, target, latest);
      case "weights":
        return showProfile(
          ctx,
          target,
          await edit({
            memberId: member.id,
            spaceId: target.id,
            weights: { ...latest.weights, [args.value]: args.weight },
          }),
        );
      case "rules": {
        if (!args.remove && !args.when_unsure) return showProfile(ctx, target, latest);
        const rules = latest.rules.rules.filter((rule) => rule.id !== args.remove);
        if (args.remove && rules.length === latest.rules.rules.length) {
          throw new TribuneError(
            "discord.rule_not_found",
            `You have no rule "${args.remove.slice(0, 20)}"`,
            `Your rules are ${latest.rules.rules.map((r) => r.id).join(", ") || "none"}; /profile show lists them`,
          );
        }
        return showProfile(
          ctx,
          target,
          await edit({
            memberId: member.id,
            spaceId: target.id,
            rules: { ...latest.rules, rules, whenUnsure: args.when_unsure ?? latest.rules.whenUnsure },
          }),
        );
      }
      case "privacy":
        return showProfile(ctx, target, await edit({ memberId: member.id, spaceId: target.id, privacy: args.setting }));
    }
  },
  async autocomplete(ctx, focused, filled) {
    if (focused.name === "value") {
      // The dimensions of the space already chosen; before one is chosen, the guild's first space's.
      const chosen = filled.space
        ? await ctx.services.spaces.resolve(filled.space, ctx.guildId).catch(() => null)
        : null;
      const spaceId = chosen?.id ?? (await ctx.services.spaces.list(ctx.guildId))[0]?.id;
      if (!spaceId) return [];
      const { taxonomy } = await ctx.services.taxonomies.get(spaceId);
      const typed = focused.value.toLowerCase();
      return taxonomy
        .filter((d) => d.id.includes(typed) || d.name.toLowerCase().includes(typed))
        .map((d) => ({ name: d.name, value: d.id }));
    }
    return ctx.services.proposals.suggestSpaces(ctx.guildId, focused.value);
  },
});
