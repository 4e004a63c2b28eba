import { defineCommand } from "../src/discord/command.js";
import { proposalOption } from "../src/discord/commonOptions.js";
import { previewReply } from "../src/discord/memberVote.js";

/** /preview <proposal>: how my agent would vote and why, before anything is announced; nothing is stored. */
export default defineCommand({
  definition: {
    name: "preview",
    description: "See how your agent would vote on a proposal, and why",
    contexts: [0],
    options: [proposalOption],
  } as const,
  ephemeral: true,
  async execute(ctx, args) {
    const { proposal, space } = await ctx.services.proposals.resolve(ctx.guildId, args.proposal);
    return previewReply(ctx, proposal, space);
  },
  async autocomplete(ctx, focused) {
    return ctx.services.proposals.suggest(ctx.guildId, focused.value);
  },
});
