import { z } from "zod";
import { envField, fail, httpUrlVar, ok, type Parsed, secretVar, whenParsed } from "./envFields.js";
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
  /**
   * `DISCORD_SHARDS`: "auto" (the default: every shard Discord recommends, in this process) or the shard ids this
   * gateway process runs, e.g. "0,1", when several gateway processes share the bot (with `DISCORD_SHARD_COUNT`).
   */
  readonly shards: "auto" | readonly number[];
  /** `DISCORD_SHARD_COUNT`: the bot's total number of shards; required with a list of shard ids. */
  readonly shardCount: number | undefined;
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

/** "auto" or a list of shard ids. @see https://discord.com/developers/docs/events/gateway#sharding */
function parseShards(raw: string): Parsed<"auto" | number[]> {
  if (raw.toLowerCase() === "auto") return ok("auto");
  const ids = raw.split(",").map((item) => item.trim());
  if (ids.length === 0 || ids.some((id) => !/^\d{1,5}$/.test(id))) {
    return fail(`must be "auto" or shard ids separated by commas (e.g. 0,1), got ${quoteValue(raw)}`);
  }
  return ok([...new Set(ids.map(Number))].sort((a, b) => a - b));
}

function parseShardCount(raw: string): Parsed<number> {
  const count = /^\d{1,5}$/.test(raw) ? Number(raw) : 0;
  return count >= 1 ? ok(count) : fail(`must be a whole number ≥ 1, got ${quoteValue(raw)}`);
}

/** Parses Discord's variables. */
export const discordSchema = z
  .object({
    DISCORD_TOKEN: secretVar(),
    DISCORD_APPLICATION_ID: envField(parseSnowflake, undefined),
    DISCORD_GUILD_ID: envField(parseSnowflake, undefined),
    DISCORD_API_URL: httpUrlVar("https://discord.com/api"),
    DISCORD_STEWARD_ROLE: envField(parseRole, undefined),
    DISCORD_SHARDS: envField(parseShards, "auto" as const),
    DISCORD_SHARD_COUNT: envField(parseShardCount, undefined),
  })
  .superRefine(
    (env, ctx) => {
      if (env.DISCORD_SHARDS === "auto") return;
      if (env.DISCORD_SHARD_COUNT === undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["DISCORD_SHARD_COUNT"],
          message: "must be set when DISCORD_SHARDS lists shard ids (the bot's total number of shards)",
        });
        return;
      }
      const count = env.DISCORD_SHARD_COUNT;
      const outside = env.DISCORD_SHARDS.filter((id) => id >= count);
      if (outside.length > 0) {
        ctx.addIssue({
          code: "custom",
          path: ["DISCORD_SHARDS"],
          message: `names shard(s) ${outside.join(", ")}, but DISCORD_SHARD_COUNT is ${count} (ids run from 0 to ${count - 1})`,
        });
      }
    },
    { when: whenParsed("DISCORD_SHARDS", "DISCORD_SHARD_COUNT") },
  )
  .transform(
    (env): DiscordConfig => ({
      enabled: env.DISCORD_TOKEN !== undefined,
      token: env.DISCORD_TOKEN,
      applicationId: env.DISCORD_APPLICATION_ID,
      guildId: env.DISCORD_GUILD_ID,
      apiUrl: env.DISCORD_API_URL,
      stewardRole: env.DISCORD_STEWARD_ROLE,
      shards: env.DISCORD_SHARDS,
      shardCount: env.DISCORD_SHARD_COUNT,
    }),
  );
