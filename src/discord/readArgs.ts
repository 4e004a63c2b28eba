import { ApplicationCommandOptionType, type ChatInputCommandInteraction } from "discord.js";
import { type CommandArgs, type CommandDefinition, optionsFor } from "./commandDefinition.js";

/**
 * Reads an interaction's options by the command's own definition, into the shape `CommandArgs` promises: the
 * subcommand (and group) when there are any, then each option by name. Users and channels arrive as their ids.
 */
export function readArgs<D extends CommandDefinition>(
  definition: D,
  interaction: Pick<ChatInputCommandInteraction, "options">,
): CommandArgs<D> {
  const group = interaction.options.getSubcommandGroup(false);
  const subcommand = interaction.options.getSubcommand(false);
  const args: Record<string, unknown> = subcommand === null ? {} : { group: group ?? undefined, subcommand };
  for (const option of optionsFor(definition, group, subcommand)) {
    const raw = interaction.options.get(option.name, false);
    if (!raw) continue;
    args[option.name] =
      option.type === ApplicationCommandOptionType.User || option.type === ApplicationCommandOptionType.Channel
        ? String(raw.value)
        : raw.value;
  }
  return args as CommandArgs<D>;
}
