import {
  type APIActionRowComponent,
  type APIButtonComponentWithCustomId,
  ButtonStyle,
  ComponentType,
} from "discord.js";
import { TribuneError } from "../errors/tribuneError.js";
import type { Proposal } from "../generated/prisma/client.js";
import { toEngineProposal } from "../values/loadDecisionInputs.js";
import { type MemberWord, parseMemberWord } from "../voting/memberOverride.js";
import type { ComponentHandler, HandlerContext } from "./command.js";
import { reply } from "./command.js";
import { invokerMember, whyReply } from "./memberVote.js";

// The buttons under "How Tribune will vote". They sit in a public thread, so anyone can press them: every handler acts
// on the PRESSER's own vote only (the custom id carries the proposal, never a member), and a presser with no planned
// vote is told so. Each answer is ephemeral.

/** Discord allows 5 rows of 5 buttons; one row is kept for abstain / none / auto. */
const CHOICE_BUTTONS_MAX = 20;

/** The member's word in a sentence. */
export function describeWord(word: MemberWord): string {
  switch (word.kind) {
    case "veto":
      return "Done: Tribune will not vote for you on this proposal.";
    case "abstain":
      return "Done: Tribune will abstain for you on this proposal.";
    case "auto":
      return "Done: your agent decides again from your values.";
    case "choice":
      return `Done: Tribune will vote "${word.label.slice(0, 80)}" for you, instead of what your values chose.`;
  }
}

async function openProposal(ctx: HandlerContext, proposalId: string | undefined): Promise<Proposal> {
  const proposal = proposalId
    ? await ctx.services.prisma.proposal.findUnique({ where: { id: proposalId }, include: { space: true } })
    : null;
  if (!proposal || proposal.space.discordGuildId !== ctx.guildId) {
    throw new TribuneError(
      "discord.proposal_gone",
      "This proposal is no longer followed here",
      "Use /proposals to find it",
    );
  }
  const { space: _space, ...row } = proposal;
  return row;
}

async function record(ctx: HandlerContext, proposal: Proposal, word: MemberWord): Promise<string> {
  const member = await invokerMember(ctx);
  await ctx.services.overrides.set({
    memberId: member.id,
    proposalId: proposal.id,
    word,
    actor: ctx.invoker.discordUserId,
  });
  await ctx.services.refreshThread(proposal.id);
  return describeWord(word);
}

/** The thread's vote buttons. */
export const voteComponents: readonly ComponentHandler[] = [
  {
    prefix: "vote:veto",
    answer: "ephemeral",
    async handle(ctx, { params }) {
      const proposal = await openProposal(ctx, params[0]);
      return reply(await record(ctx, proposal, { kind: "veto" }));
    },
  },
  {
    prefix: "vote:why",
    answer: "ephemeral",
    async handle(ctx, { params }) {
      const proposal = await openProposal(ctx, params[0]);
      const space = await ctx.services.prisma.space.findUniqueOrThrow({ where: { id: proposal.spaceId } });
      return whyReply(ctx, proposal, space);
    },
  },
  {
    prefix: "vote:change",
    answer: "ephemeral",
    async handle(ctx, { params }) {
      const proposal = await openProposal(ctx, params[0]);
      await invokerMember(ctx);
      const { choices } = toEngineProposal(proposal);
      if (choices.length > CHOICE_BUTTONS_MAX) {
        return reply(`This ballot has ${choices.length} choices: use \`/override\` to pick yours by name.`);
      }
      const button = (
        label: string,
        word: string,
        style: ButtonStyle.Primary | ButtonStyle.Secondary | ButtonStyle.Danger,
      ): APIButtonComponentWithCustomId => ({
        type: ComponentType.Button,
        style,
        label: label.slice(0, 80),
        custom_id: `vote:set:${proposal.id}:${word}`,
      });
      const choiceButtons = choices.map((label, i) => button(`${i + 1}. ${label}`, String(i + 1), ButtonStyle.Primary));
      const rows: APIActionRowComponent<APIButtonComponentWithCustomId>[] = [];
      for (let i = 0; i < choiceButtons.length; i += 5) {
        rows.push({ type: ComponentType.ActionRow, components: choiceButtons.slice(i, i + 5) });
      }
      rows.push({
        type: ComponentType.ActionRow,
        components: [
          button("Abstain", "abstain", ButtonStyle.Secondary),
          button("Don't vote for me", "none", ButtonStyle.Danger),
          button("Let my agent decide", "auto", ButtonStyle.Secondary),
        ],
      });
      return reply({ content: "How should Tribune vote for you on this proposal?", components: rows });
    },
  },
  {
    prefix: "vote:set",
    answer: "update",
    async handle(ctx, { params }) {
      const [proposalId, said] = params;
      const proposal = await openProposal(ctx, proposalId);
      const word = parseMemberWord(said ?? "", toEngineProposal(proposal).choices);
      return reply({ content: await record(ctx, proposal, word), components: [] });
    },
  },
];
