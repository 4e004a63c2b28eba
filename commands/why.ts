import { defineCommand } from "../src/discord/command.js";
import { proposalOption } from "../src/discord/commonOptions.js";
import { whyReply } from "../src/discord/memberVote.js";

/** /why <proposal>: my decision's full explanation: the values that decided it and the evidence behind them. */
export default defineCommand({
  definition: {
    name: "why",
    description: "Why your agent votes the way it does on a proposal",
    contexts: [0],
    options: [proposalOption],
  } as const,
  ephemeral: true,
  async execute(ctx, args) {
    const { proposal, space } = await ctx.services.proposals.resolve(ctx.guildId, args.proposal);
    return whyReply(ctx, proposal, space);
  },
  async autocomplete(ctx, focused) {
    return ctx.services.proposals.suggest(ctx.guildId, focused.value);
  },
});
