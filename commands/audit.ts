import { defineCommand, reply } from "../src/discord/command.js";

/** /audit: a signed, single-use link to the stewards' web view of this server's spaces. */
export default defineCommand({
  definition: {
    name: "audit",
    description: "Stewards: a sign-in link to the audit log's web view",
    contexts: [0],
    default_member_permissions: "32",
  } as const,
  ephemeral: true,
  stewardOnly: true,
  async execute(ctx) {
    const link = await ctx.services.stewardLink({ discordUserId: ctx.invoker.discordUserId, guildId: ctx.guildId });
    if (!link) {
      return reply(
        "The web view is not switched on. An operator must set WEB_SIGNING_SECRET and WEB_PUBLIC_URL and restart Tribune.",
      );
    }
    return reply({
      content: `Your sign-in link (works once, expires soon; do not share it):\n${link}`,
      allowedMentions: { parse: [] },
    });
  },
});
