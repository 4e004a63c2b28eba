import { defineCommand, reply } from "../src/discord/command.js";
import { proposalOption } from "../src/discord/commonOptions.js";
import { digestMessages } from "../src/discord/presenters/digestMessage.js";
import { digestView, proposalView } from "../src/discord/threadViews.js";

/** /summary <proposal>: the digest — TL;DR, what changes, money, risks — with a pointer to the thread's arguments. */
export default defineCommand({
  definition: {
    name: "summary",
    description: "Read a proposal's digest: what it changes, the money, the risks",
    contexts: [0],
    options: [proposalOption],
  } as const,
  ephemeral: true,
  async execute(ctx, args) {
    const { proposal, space, digest } = await ctx.services.proposals.resolve(ctx.guildId, args.proposal);
    if (!digest) {
      return reply(
        "This proposal has not been digested yet. Digests usually appear within a few minutes of a proposal; try again shortly.",
      );
    }
    const [first] = digestMessages(proposalView(proposal, space), digestView(digest));
    const thread = await ctx.services.prisma.proposalThread.findUnique({ where: { proposalId: proposal.id } });
    const pointer = thread ? `The arguments for and against, with their evidence, are in <#${thread.threadId}>.` : "";
    return reply({ ...first, content: [first?.content, pointer].filter(Boolean).join("\n") });
  },
  async autocomplete(ctx, focused) {
    return ctx.services.proposals.suggest(ctx.guildId, focused.value);
  },
});
