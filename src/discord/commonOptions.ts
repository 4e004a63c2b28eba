import { ApplicationCommandOptionType } from "discord.js";

// Options several commands share, defined once so every command asks for a proposal or a space the same way and
// autocompletes it from the same index.

/** A proposal of the server's spaces, picked from autocomplete (its value is Tribune's proposal id). */
export const proposalOption = {
  type: ApplicationCommandOptionType.String,
  name: "proposal",
  description: "Start typing its title",
  required: true,
  autocomplete: true,
} as const;

/** One of the server's spaces, picked from autocomplete. */
export const spaceOption = {
  type: ApplicationCommandOptionType.String,
  name: "space",
  description: "The DAO space",
  required: true,
  autocomplete: true,
} as const;
