import { z } from "zod";
import { envField, fail, httpUrlVar, ok, type Parsed, secretVar } from "./envFields.js";
import { quoteValue } from "./quoteValue.js";
import type { Secret } from "./secret.js";

/** The Discord face; off unless a bot token is set. */
export type DiscordConfig = {
  /** True when `DISCORD_TOKEN` is set. */
  readonly enabled: boolean;
  /** `DISCORD_TOKEN`: the bot token. */
  readonly token: Secret | undefined;
  /** `DISCORD_APPLICATION_ID`: needed to deploy slash commands. */
  readonly applicationId: string | undefined;
  /** `DISCORD_GUILD_ID`: deploy commands to this guild only (instant, for development) instead of globally. */
  readonly guildId: string | undefined;
  /** `DISCORD_API_URL`: the REST base, as discord.js's `rest.api` option takes it; tests point it at a fake. */
  readonly apiUrl: string;
  /** `DISCORD_STEWARD_ROLE`: the steward role by id or name; administrators count as stewards regardless. */
  readonly stewardRole: string | undefined;
};

/** Discord's variables that hold secrets. */
export const discordSecretVariables = ["DISCORD_TOKEN"] as const;

/** @see https://discord.com/developers/docs/reference#snowflakes */
function parseSnowflake(raw: string): Parsed<string> {
  return /^\d{17,20}$/.test(raw) ? ok(raw) : fail(`must be a Discord id (17–20 digits), got ${quoteValue(raw)}`);
}

/** A role id, or a role name as Discord allows it (1–100 characters). */
function parseRole(raw: string): Parsed<string> {
  const role = raw.trim();
  return role.length >= 1 && role.length <= 100
    ? ok(role)
    : fail("must be a role id or a role name of 1–100 characters");
}

/** Parses Discord's variables. */
export const discordSchema = z
  .object({
    DISCORD_TOKEN: secretVar(),
    DISCORD_APPLICATION_ID: envField(parseSnowflake, undefined),
    DISCORD_GUILD_ID: envField(parseSnowflake, undefined),
    DISCORD_API_URL: httpUrlVar("https://discord.com/api"),
    DISCORD_STEWARD_ROLE: envField(parseRole, undefined),
  })
  .transform(
    (env): DiscordConfig => ({
      enabled: env.DISCORD_TOKEN !== undefined,
      token: env.DISCORD_TOKEN,
      applicationId: env.DISCORD_APPLICATION_ID,
      guildId: env.DISCORD_GUILD_ID,
      apiUrl: env.DISCORD_API_URL,
      stewardRole: env.DISCORD_STEWARD_ROLE,
    }),
  );
