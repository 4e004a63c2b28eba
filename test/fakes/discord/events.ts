// Which gateway events a change fires, and which intent a session needs to hear each. The discord.js cache lives on
// these (a thread the client never heard of drops every event in it), so they go out where Discord sends them.
// @see https://discord.com/developers/docs/events/gateway#list-of-intents

import { EPHEMERAL } from "./limits.js";
import { channelPayload, messageEventPayload } from "./payloads.js";
import type { ChannelRecord, DiscordWorld, MessageRecord } from "./state.js";

export const Intent = {
  Guilds: 1 << 0,
  GuildMembers: 1 << 1,
  GuildPresences: 1 << 8,
  GuildMessages: 1 << 9,
  MessageContent: 1 << 15,
} as const;

/** Ephemeral messages live only in the invoking user's client: no gateway event carries them. */
const isEphemeral = (message: MessageRecord) => (message.flags & EPHEMERAL) !== 0;

export function messageCreated(world: DiscordWorld, message: MessageRecord): void {
  if (isEphemeral(message)) return;
  world.dispatch({
    t: "MESSAGE_CREATE",
    d: messageEventPayload(world, message, true),
    guildId: message.guildId,
    intent: Intent.GuildMessages,
    messageAuthorId: message.authorId,
  });
}

export function messageUpdated(world: DiscordWorld, message: MessageRecord): void {
  if (isEphemeral(message)) return;
  world.dispatch({
    t: "MESSAGE_UPDATE",
    d: messageEventPayload(world, message, false),
    guildId: message.guildId,
    intent: Intent.GuildMessages,
    messageAuthorId: message.authorId,
  });
}

export function messageDeleted(world: DiscordWorld, message: MessageRecord): void {
  if (isEphemeral(message)) return;
  world.dispatch({
    t: "MESSAGE_DELETE",
    d: { id: message.id, channel_id: message.channelId, guild_id: message.guildId },
    guildId: message.guildId,
    intent: Intent.GuildMessages,
  });
}

export function threadCreated(world: DiscordWorld, thread: ChannelRecord): void {
  world.dispatch({
    t: "THREAD_CREATE",
    d: { ...channelPayload(world, thread), newly_created: true },
    guildId: thread.guildId,
    intent: Intent.Guilds,
  });
}

export function threadUpdated(world: DiscordWorld, thread: ChannelRecord): void {
  world.dispatch({
    t: "THREAD_UPDATE",
    d: channelPayload(world, thread),
    guildId: thread.guildId,
    intent: Intent.Guilds,
  });
}

export function channelUpdated(world: DiscordWorld, channel: ChannelRecord): void {
  if (channel.thread) {
    threadUpdated(world, channel);
    return;
  }
  world.dispatch({
    t: "CHANNEL_UPDATE",
    d: channelPayload(world, channel),
    guildId: channel.guildId,
    intent: Intent.Guilds,
  });
}
