// `npm run commands:deploy`: registers Tribune's slash commands with Discord, for one guild (DISCORD_GUILD_ID, instant)
// or globally (propagates lazily).
import { definitions } from "../../commands/index.js";
import { loadConfig } from "../config/loadConfig.js";
import { loadEnvFile } from "../config/loadEnvFile.js";
import { deployCommands } from "../discord/deployCommands.js";
import { runCli } from "./runCli.js";

runCli("commands:deploy", async () => {
  loadEnvFile();
  const config = loadConfig(process.env);
  const { scope, count } = await deployCommands(config.discord, definitions);
  process.stdout.write(
    scope === "guild"
      ? `${count} commands registered in guild ${config.discord.guildId}: usable now.\n`
      : `${count} commands registered globally: Discord may take up to an hour to show them everywhere.\n`,
  );
  return 0;
});
