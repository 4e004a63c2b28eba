import { ApplicationCommandOptionType } from "discord.js";
import { defineCommand, reply } from "../src/discord/command.js";

/** /pause [reason]: stop all casting at once, in every space; threads say so until /resume. */
export default defineCommand({
  definition: {
    name: "pause",
    description: "Stewards: stop all vote casting at once",
    contexts: [0],
    default_member_permissions: "32",
    options: [
      {
        type: ApplicationCommandOptionType.String,
        name: "reason",
        description: "Why (kept in the audit log)",
        max_length: 200,
      },
    ],
  } as const,
  ephemeral: false,
  stewardOnly: true,
  async execute(ctx, args) {
    const { alreadyPaused } = await ctx.services.casting.pause(ctx.invoker.discordUserId, args.reason);
    await ctx.services.refreshOpenThreads();
    return reply(
      alreadyPaused
        ? "Casting was already paused. Nothing is cast until a steward runs /resume."
        : "⏸️ Casting is paused in every space. Nothing is cast until a steward runs /resume; threads show the pause.",
    );
  },
});
