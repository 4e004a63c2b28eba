import { ApplicationCommandOptionType } from "discord.js";
import { defineCommand, reply } from "../src/discord/command.js";
import { listProposalsMessage } from "../src/discord/presenters/proposalList.js";

/** /proposals [space] [state]: what the server's spaces are voting on. */
export default defineCommand({
  definition: {
    name: "proposals",
    description: "List proposals in this server's spaces",
    contexts: [0],
    options: [
      {
        type: ApplicationCommandOptionType.String,
        name: "space",
        description: "Only this space",
        autocomplete: true,
      },
      {
        type: ApplicationCommandOptionType.String,
        name: "state",
        description: "Open (default), closed or all",
        choices: [
          { name: "open", value: "open" },
          { name: "closed", value: "closed" },
          { name: "all", value: "all" },
        ],
      },
    ],
  } as const,
  ephemeral: true,
  async execute(ctx, args) {
    const state = args.state ?? "open";
    const rows = await ctx.services.proposals.list(ctx.guildId, { space: args.space, state, limit: 15 });
    return reply(listProposalsMessage(rows, { state, space: args.space ?? null, now: new Date() }));
  },
  async autocomplete(ctx, focused) {
    return ctx.services.proposals.suggestSpaces(ctx.guildId, focused.value);
  },
});
