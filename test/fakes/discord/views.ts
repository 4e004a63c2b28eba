// What tests read back: plain snapshots of messages and threads as Discord holds them now, with the history a real
// client cannot see (earlier versions of an edited message, nonces), and the API object for anything else.
import type { APIChannel, APIEmbed, APIMessage } from "discord.js";
import { EPHEMERAL, LOADING } from "./limits.js";
import { channelPayload, messagePayload } from "./payloads.js";
import type { ChannelRecord, DiscordWorld, MessageRecord, MessageVersion } from "./state.js";

export interface MessageView {
  id: string;
  channelId: string;
  guildId: string;
  authorId: string;
  /** Discord's message type (0 default, 19 reply, 20 chat-input command reply…). */
  type: number;
  content: string;
  embeds: APIEmbed[];
  components: unknown[];
  flags: number;
  ephemeral: boolean;
  /** A deferred reply still "thinking". */
  loading: boolean;
  nonce: string | number | null;
  createdAt: number;
  editedAt: number | null;
  /** Earlier versions, oldest first. */
  history: MessageVersion[];
  /** The interaction this message answers, if any. */
  interactionId: string | null;
  /** The thread started from this message, if any (its id equals the message's). */
  threadId: string | null;
  deleted: boolean;
  /** The message as the REST API would return it now. */
  api: APIMessage;
}

export interface ThreadView {
  id: string;
  name: string;
  parentId: string | null;
  guildId: string;
  /** 10 announcement, 11 public, 12 private. */
  type: number;
  archived: boolean;
  locked: boolean;
  invitable: boolean;
  autoArchiveDuration: number;
  /** The message it was started from (same id), or null. */
  starterMessageId: string | null;
  ownerId: string;
  createdAt: number;
  messageCount: number;
  api: APIChannel;
}

export function viewMessage(world: DiscordWorld, message: MessageRecord): MessageView {
  const thread = world.channels.get(message.id);
  return {
    id: message.id,
    channelId: message.channelId,
    guildId: message.guildId,
    authorId: message.authorId,
    type: message.type,
    content: message.content,
    embeds: structuredClone(message.embeds),
    components: structuredClone(message.components),
    flags: message.flags,
    ephemeral: (message.flags & EPHEMERAL) !== 0,
    loading: (message.flags & LOADING) !== 0,
    nonce: message.nonce,
    createdAt: message.createdAt,
    editedAt: message.editedAt,
    history: structuredClone(message.history),
    interactionId: message.interactionId,
    threadId: thread?.thread && thread.parentId === message.channelId ? thread.id : null,
    deleted: message.deleted,
    api: messagePayload(world, message),
  };
}

export function viewThread(world: DiscordWorld, channel: ChannelRecord): ThreadView {
  const t = channel.thread;
  if (!t) throw new Error(`fake Discord: ${channel.id} is not a thread`);
  return {
    id: channel.id,
    name: channel.name,
    parentId: channel.parentId,
    guildId: channel.guildId,
    type: channel.type,
    archived: t.archived,
    locked: t.locked,
    invitable: t.invitable,
    autoArchiveDuration: t.autoArchiveDuration,
    starterMessageId: t.starterMessageId,
    ownerId: t.ownerId,
    createdAt: t.createdAt,
    messageCount: t.messageCount,
    api: channelPayload(world, channel),
  };
}
