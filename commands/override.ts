import { ApplicationCommandOptionType } from "discord.js";
import { defineCommand, reply } from "../src/discord/command.js";
import { proposalOption } from "../src/discord/commonOptions.js";
import { describeWord } from "../src/discord/voteButtons.js";
import { toEngineProposal } from "../src/values/loadDecisionInputs.js";
import { parseMemberWord } from "../src/voting/memberOverride.js";

/** /override <proposal> <choice|abstain|none|auto>: the member's own word, which beats their agent's decision. */
export default defineCommand({
  definition: {
    name: "override",
    description: "Choose your own vote on a proposal, or stop your agent voting on it",
    contexts: [0],
    options: [
      proposalOption,
      {
        type: ApplicationCommandOptionType.String,
        name: "choice",
        description: 'A choice, "abstain", "none" (do not vote for me) or "auto" (let my agent decide)',
        required: true,
        autocomplete: true,
      },
    ],
  } as const,
  ephemeral: true,
  async execute(ctx, args) {
    const { proposal } = await ctx.services.proposals.resolve(ctx.guildId, args.proposal);
    const word = parseMemberWord(args.choice, toEngineProposal(proposal).choices);
    const member = await ctx.services.members.ensure(ctx.invoker.discordUserId);
    await ctx.services.overrides.set({
      memberId: member.id,
      proposalId: proposal.id,
      word,
      actor: ctx.invoker.discordUserId,
    });
    await ctx.services.refreshThread(proposal.id);
    return reply(`${describeWord(word)} The proposal's thread is updated to match.`);
  },
  async autocomplete(ctx, focused, filled) {
    if (focused.name === "proposal") return ctx.services.proposals.suggest(ctx.guildId, focused.value);
    const fixed = [
      { name: "abstain", value: "abstain" },
      { name: "none: do not vote for me", value: "none" },
      { name: "auto: let my agent decide", value: "auto" },
    ];
    if (!filled.proposal) return fixed;
    const found = await ctx.services.proposals.resolve(ctx.guildId, filled.proposal).catch(() => null);
    const choices = found ? toEngineProposal(found.proposal).choices : [];
    const typed = focused.value.toLowerCase();
    return [
      ...choices.map((label, i) => ({ name: `${i + 1}. ${label}`.slice(0, 100), value: String(i + 1) })),
      ...fixed,
    ]
      .filter((c) => c.name.toLowerCase().includes(typed))
      .slice(0, 25);
  },
});
