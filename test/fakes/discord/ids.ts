// Ids and tokens shaped like Discord's, so code that parses a snowflake's timestamp (or validates 17–20 digits, as
// src/config/discord.ts does) sees real-looking values.
// @see https://discord.com/developers/docs/reference#snowflakes
import { randomBytes } from "node:crypto";

const DISCORD_EPOCH = 1_420_070_400_000n;
let lastMs = 0n;
let increment = 0n;

/** A new snowflake for the current millisecond; unique within this process even when many are made at once. */
export function snowflake(atMs: number = Date.now()): string {
  let ms = BigInt(atMs);
  if (ms <= lastMs) {
    ms = lastMs;
    increment += 1n;
    // 12 bits of increment per millisecond: borrow the next millisecond rather than wrap into a duplicate.
    if (increment > 0xfffn) {
      ms += 1n;
      increment = 0n;
    }
  } else {
    increment = 0n;
  }
  lastMs = ms;
  return (((ms - DISCORD_EPOCH) << 22n) | increment).toString();
}

/** The creation time (ms since the Unix epoch) a snowflake carries. */
export function snowflakeTime(id: string): number {
  return Number((BigInt(id) >> 22n) + DISCORD_EPOCH);
}

/** A bot token in Discord's three-part shape: base64 of the bot's user id, a timestamp part, an HMAC-like part. */
export function botToken(botUserId: string): string {
  const idPart = Buffer.from(botUserId).toString("base64url");
  return `${idPart}.${randomBytes(4).toString("base64url")}.${randomBytes(27).toString("base64url")}`;
}

/** An interaction token: opaque, long, URL-safe, as Discord's are. */
export function interactionToken(interactionId: string): string {
  return `aW50ZXJhY3Rpb246${Buffer.from(interactionId).toString("base64url")}${randomBytes(48).toString("base64url")}`;
}

/** A gateway session id (32 hex characters, as Discord sends). */
export function sessionId(): string {
  return randomBytes(16).toString("hex");
}

/** Discord's ISO timestamps carry microseconds and an explicit offset: `2024-01-01T00:00:00.000000+00:00`. */
export function isoTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace("Z", "000+00:00");
}
