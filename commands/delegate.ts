import { defineCommand, reply } from "../src/discord/command.js";
import { spaceOption } from "../src/discord/commonOptions.js";
import { readDelegationStatus } from "../src/voting/delegationStatus.js";

/** Snapshot's v1 Delegate Registry, at the same address on every chain. @see ../shared/reference/snapshot.md */
const DELEGATE_REGISTRY = "0x469788fE6E9E9681C6ebF3bF78e7Fd26Fc015446";

/** /delegate <space>: my personal agent's address, how to delegate to it, and what Tribune has detected. */
export default defineCommand({
  definition: {
    name: "delegate",
    description: "Your agent's address for a space, and how to delegate your voting power to it",
    contexts: [0],
    options: [spaceOption],
  } as const,
  ephemeral: true,
  async execute(ctx, args) {
    const space = await ctx.services.spaces.resolve(args.space, ctx.guildId);
    const member = await ctx.services.members.ensure(ctx.invoker.discordUserId);
    const agent = member.agentAddress;
    const status = await readDelegationStatus(ctx.services.prisma, { spaceId: space.id, agentAddress: agent });
    const how =
      space.kind === "snapshot"
        ? [
            `**On Snapshot:** open https://snapshot.box/#/delegate/${space.externalId} and delegate to \`${agent}\` for the space \`${space.externalId}\`.`,
            `Or call \`setDelegate(bytes32 id, address delegate)\` on the Delegate Registry \`${DELEGATE_REGISTRY}\` with the id \`${space.externalId}\` (as bytes32) and \`${agent}\`.`,
            "Delegation only counts in spaces whose voting strategies include delegation; a steward can tell you.",
          ]
        : [
            `**On-chain:** call \`delegate(${agent})\` on the governance token${space.tokenAddress ? ` \`${space.tokenAddress}\`` : ""} (ERC20Votes) from your wallet.`,
            "Your voting power reaches the agent from the next block; proposals created before that use the power you had then.",
          ];
    const detected =
      status.delegators === 0
        ? "**Detected:** no delegation to your agent yet. Tribune checks again before every vote; without power reaching the agent, nothing is cast and you are told why."
        : `**Detected:** ${status.delegators} delegation${status.delegators === 1 ? "" : "s"} to your agent` +
          (status.votingPower === null ? "" : `, voting power ${status.votingPower}`) +
          (status.checkedAt ? ` (checked <t:${Math.floor(status.checkedAt.getTime() / 1000)}:R>)` : "") +
          ".";
    return reply({
      content: [
        `Your personal agent in **${space.name}** is \`${agent}\`. It votes only as your confirmed values say, after announcing each vote in the proposal's thread; voting yourself always overrides it.`,
        ...how,
        detected,
        space.mode === "live"
          ? ""
          : "This space is in **dry-run**: Tribune records what it would vote, and casts nothing.",
      ]
        .filter(Boolean)
        .join("\n\n"),
      allowedMentions: { parse: [] },
    });
  },
  async autocomplete(ctx, focused) {
    return ctx.services.proposals.suggestSpaces(ctx.guildId, focused.value);
  },
});
