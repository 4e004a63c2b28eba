import { Client, Events, GatewayIntentBits } from "discord.js";
import type { Secret } from "../config/secret.js";
import { TribuneError } from "../errors/tribuneError.js";
import type { Logger } from "../log/logger.js";

// The bot's connection. Tribune only needs the Guilds intent (slash commands, threads, roles arrive with
// interactions); no privileged intent, no message content. `apiUrl` is discord.js's REST base, so tests point the
// real client at a local fake.

export interface DiscordClientOptions {
  token: Secret;
  apiUrl: string;
  logger: Logger;
  /**
   * discord.js's own sharding: "auto" runs every shard Discord recommends in this process; a list runs those shard
   * ids of `shardCount`, so several gateway processes (on several machines) share a bot in many guilds.
   */
  shards?: "auto" | readonly number[];
  shardCount?: number;
  /** How long to wait for the gateway's READY before giving up. */
  readyTimeoutMs?: number;
}

/** Discord refused the token, or the gateway did not become ready in time. */
export class DiscordLoginError extends TribuneError {}

/** Logs in and resolves once the client is ready. */
export async function connectDiscord(options: DiscordClientOptions): Promise<Client<true>> {
  const shards = options.shards ?? "auto";
  const client = new Client({
    intents: [GatewayIntentBits.Guilds],
    shards: shards === "auto" ? "auto" : [...shards],
    ...(shards !== "auto" && options.shardCount ? { shardCount: options.shardCount } : {}),
    rest: { api: options.apiUrl, timeout: 15_000, retries: 3 },
  });
  client.on(Events.Error, (error) => options.logger.error({ err: error }, "discord client error"));
  client.on(Events.Warn, (message) => options.logger.warn({ message }, "discord client warning"));
  client.rest.on("rateLimited", (info) =>
    options.logger.warn(
      { route: info.route, retryAfter: info.retryAfter, global: info.global },
      "discord rate limit; waiting",
    ),
  );
  const ready = new Promise<Client<true>>((resolve) => client.once(Events.ClientReady, resolve));
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new DiscordLoginError(
            "discord.not_ready",
            "Discord's gateway did not become ready in time",
            "Check the network and DISCORD_API_URL; Tribune retries on its next start",
          ),
        ),
      options.readyTimeoutMs ?? 60_000,
    );
  });
  try {
    await client.login(options.token.reveal());
    return await Promise.race([ready, timeout]);
  } catch (error) {
    await client.destroy();
    if (error instanceof TribuneError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new DiscordLoginError(
      "discord.login_failed",
      `Discord refused to log in: ${message.replace(options.token.reveal(), "[redacted]")}`,
      "Check DISCORD_TOKEN (Bot token from the Developer Portal, not the client secret)",
      { cause: error },
    );
  } finally {
    clearTimeout(timer);
  }
}
