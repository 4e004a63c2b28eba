import { defineCommand, reply } from "../src/discord/command.js";

/** /resume: lift a /pause; votes whose window has passed are cast at the next check. */
export default defineCommand({
  definition: {
    name: "resume",
    description: "Stewards: resume vote casting after a pause",
    contexts: [0],
    default_member_permissions: "32",
  } as const,
  ephemeral: false,
  stewardOnly: true,
  async execute(ctx) {
    const { wasPaused } = await ctx.services.casting.resume(ctx.invoker.discordUserId);
    await ctx.services.refreshOpenThreads();
    return reply(
      wasPaused
        ? "▶️ Casting resumed. Announced votes whose veto window has passed are cast at the next check."
        : "Casting was not paused.",
    );
  },
});
