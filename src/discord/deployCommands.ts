import { REST, Routes } from "discord.js";
import type { DiscordConfig } from "../config/discord.js";
import { TribuneError } from "../errors/tribuneError.js";
import type { CommandDefinition } from "./commandDefinition.js";

// Registering the slash commands. A guild's commands update at once; global ones propagate lazily, so development
// deploys to one guild (DISCORD_GUILD_ID) and production globally. Discord's PUT replaces the whole list, so a
// deploy is idempotent and removes commands Tribune no longer has.
// @see https://discord.com/developers/docs/interactions/application-commands#bulk-overwrite-guild-application-commands

export class DeployError extends TribuneError {}

/** Replaces the application's commands with `definitions`; returns where they went and how many. */
export async function deployCommands(
  config: DiscordConfig,
  definitions: readonly CommandDefinition[],
): Promise<{ scope: "guild" | "global"; count: number }> {
  if (!config.token || !config.applicationId) {
    throw new DeployError(
      "discord.deploy_unconfigured",
      "Deploying commands needs DISCORD_TOKEN and DISCORD_APPLICATION_ID",
      "Set both (the Developer Portal shows them under Bot and General Information) and run npm run commands:deploy again",
    );
  }
  const rest = new REST({ api: config.apiUrl, timeout: 15_000, retries: 3 }).setToken(config.token.reveal());
  const route = config.guildId
    ? Routes.applicationGuildCommands(config.applicationId, config.guildId)
    : Routes.applicationCommands(config.applicationId);
  const answer = (await rest.put(route, { body: definitions })) as unknown[];
  return { scope: config.guildId ? "guild" : "global", count: answer.length };
}
