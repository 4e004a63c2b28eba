// Messages: created, edited and deleted through the channel routes (the bot) or by interactions (webhook messages),
// checked against the size rules, with `enforce_nonce` deduplication and an edit history kept for tests.
// @see https://discord.com/developers/docs/resources/message#create-message
// @see https://discord.com/developers/docs/resources/message#edit-message

import type { APIAttachment } from "discord.js";
import { FormErrors, fail } from "./apiErrors.js";
import { messageCreated, messageDeleted, messageUpdated, threadUpdated } from "./events.js";
import { snowflake } from "./ids.js";
import {
  checkMessage,
  EPHEMERAL,
  IS_COMPONENTS_V2,
  type MessageInput,
  normalizeEmbeds,
  numberComponents,
  SETTABLE_FLAGS,
} from "./limits.js";
import { has, Perm } from "./permissions.js";
import type { ChannelRecord, DiscordWorld, MessageRecord, MessageVersion } from "./state.js";
import { prepareEdit, prepareSend, type ThreadRules } from "./threads.js";

/** A file part of a multipart request. */
export interface UploadedFile {
  field: string;
  name: string;
  size: number;
  contentType: string | null;
}

export interface MessageRules extends ThreadRules {
  /** How far back `enforce_nonce` looks for the same nonce from the same author ("the past few minutes"). */
  nonceWindowMs: number;
}

type Path = readonly (string | number)[];

function attachmentsFrom(input: MessageInput, files: UploadedFile[], channelId: string): APIAttachment[] {
  const described = (input.attachments ?? []) as { id?: string | number; filename?: string; description?: string }[];
  return files.map((file, index) => {
    const id = snowflake();
    const meta = described.find((a) => String(a.id) === String(index));
    const filename = meta?.filename ?? file.name;
    return {
      id,
      filename,
      ...(meta?.description ? { description: meta.description } : {}),
      ...(file.contentType ? { content_type: file.contentType } : {}),
      size: file.size,
      url: `https://cdn.discordapp.com/attachments/${channelId}/${id}/${filename}`,
      proxy_url: `https://media.discordapp.net/attachments/${channelId}/${id}/${filename}`,
    };
  });
}

/** Checks a new message's body and returns its content fields; an empty message answers 50006. */
export function newMessageContent(
  input: MessageInput,
  files: UploadedFile[],
  channelId: string,
  options: { path: Path; allowedFlags: number },
): Omit<MessageVersion, "at"> & { attachments: APIAttachment[] } {
  const flags = (input.flags ?? 0) & options.allowedFlags;
  const errors = new FormErrors();
  checkMessage(input, errors, options.path, flags);
  errors.throwIfAny();
  const content = input.content ?? "";
  const embeds = normalizeEmbeds(input.embeds ?? []);
  const components = numberComponents(input.components ?? []);
  const attachments = attachmentsFrom(input, files, channelId);
  const nothing = content.trim() === "" && embeds.length === 0 && components.length === 0 && attachments.length === 0;
  if (nothing && !input.sticker_ids?.length && !input.poll) throw fail.emptyMessage();
  return { content, embeds, components, flags, attachments };
}

/** A message record with Discord's defaults; the caller stores it. */
export function newMessageRecord(
  fields: Pick<MessageRecord, "channelId" | "guildId" | "authorId" | "content" | "embeds" | "components" | "flags"> &
    Partial<MessageRecord>,
): MessageRecord {
  const now = Date.now();
  return {
    id: snowflake(now),
    type: 0,
    tts: false,
    nonce: null,
    createdAt: now,
    editedAt: null,
    changedAt: now,
    attachments: [],
    webhookId: null,
    applicationId: null,
    interactionMetadata: null,
    interactionSummary: null,
    interactionId: null,
    reference: null,
    history: [],
    deleted: false,
    ...fields,
  };
}

/** Counts a new message against its channel (last message) and thread (message counters). */
export function noteNewMessage(channel: ChannelRecord, message: MessageRecord): void {
  channel.lastMessageId = message.id;
  if (channel.thread) {
    channel.thread.messageCount += 1;
    channel.thread.totalMessageSent += 1;
  }
}

function findByNonce(
  world: DiscordWorld,
  channelId: string,
  authorId: string,
  nonce: string | number,
  windowMs: number,
) {
  const since = Date.now() - windowMs;
  const list = world.messages.get(channelId) ?? [];
  for (let i = list.length - 1; i >= 0; i -= 1) {
    const m = list[i];
    if (!m || m.createdAt < since) break;
    if (!m.deleted && m.authorId === authorId && m.nonce === nonce) return m;
  }
  return undefined;
}

/** POST /channels/:id/messages as the bot. A repeated enforced nonce returns the first message instead. */
export function sendChannelMessage(
  world: DiscordWorld,
  channelId: string,
  input: MessageInput,
  files: UploadedFile[],
  rules: MessageRules,
): MessageRecord {
  const channel = world.channel(channelId);
  prepareSend(world, channel, rules);
  if (input.enforce_nonce && input.nonce !== undefined) {
    const existing = findByNonce(world, channelId, world.botUserId, input.nonce, rules.nonceWindowMs);
    if (existing) return existing;
  }
  const body = newMessageContent(input, files, channelId, { path: [], allowedFlags: SETTABLE_FLAGS });
  let reference: MessageRecord["reference"] = null;
  if (input.message_reference?.message_id) {
    const refChannel = input.message_reference.channel_id ?? channelId;
    const target = world.messagesById.get(input.message_reference.message_id);
    if (target && !target.deleted && target.channelId === refChannel) {
      reference = { messageId: target.id, channelId: refChannel, guildId: channel.guildId };
    } else if (input.message_reference.fail_if_not_exists !== false) {
      const errors = new FormErrors();
      errors.add(["message_reference"], { code: "MESSAGE_REFERENCE_UNKNOWN_MESSAGE", message: "Unknown message" });
      errors.throwIfAny();
    }
  }
  const message = newMessageRecord({
    channelId,
    guildId: channel.guildId,
    authorId: world.botUserId,
    ...body,
    type: reference ? 19 : 0,
    tts: input.tts === true,
    nonce: input.nonce ?? null,
    reference,
  });
  world.addMessage(message);
  noteNewMessage(channel, message);
  messageCreated(world, message);
  return message;
}

/** Applies an edit body to a message: fields present replace, null clears; the result must not be empty. */
export function applyMessageEdit(
  world: DiscordWorld,
  message: MessageRecord,
  input: MessageInput,
  files: UploadedFile[],
  path: Path,
): void {
  // An edit may toggle SUPPRESS_EMBEDS and turn IS_COMPONENTS_V2 on (never off); other flags stay as they were.
  const keep = message.flags & ~(1 << 2);
  const editable = (1 << 2) | IS_COMPONENTS_V2;
  const flags = input.flags === undefined || input.flags === null ? message.flags : keep | (input.flags & editable);
  const errors = new FormErrors();
  checkMessage(input, errors, path, flags);
  errors.throwIfAny();
  const next = {
    content: input.content === undefined ? message.content : (input.content ?? ""),
    embeds: input.embeds === undefined ? message.embeds : normalizeEmbeds(input.embeds ?? []),
    components: input.components === undefined ? message.components : numberComponents(input.components ?? []),
  };
  let attachments = message.attachments;
  if (input.attachments !== undefined || files.length > 0) {
    const keepIds = new Set((input.attachments ?? []).map((a) => String((a as { id?: unknown }).id)));
    attachments = [
      ...message.attachments.filter((a) => keepIds.has(a.id)),
      ...attachmentsFrom(input, files, message.channelId),
    ];
  }
  const empty = next.content.trim() === "" && next.embeds.length === 0 && next.components.length === 0;
  if (empty && attachments.length === 0) throw fail.emptyMessage();
  message.attachments = attachments;
  // A deferred reply's first edit resolves the "thinking" state; Discord does not mark that as edited.
  const resolvesLoading = (message.flags & (1 << 7)) !== 0;
  world.changeMessage(message, { ...next, flags: flags & ~(1 << 7) }, { edit: !resolvesLoading });
}

/** PATCH /channels/:id/messages/:mid as the bot: only its own messages, not in archived or locked threads. */
export function editChannelMessage(
  world: DiscordWorld,
  channelId: string,
  messageId: string,
  input: MessageInput,
  files: UploadedFile[],
): MessageRecord {
  const channel = world.channel(channelId);
  const message = world.message(channelId, messageId);
  if ((message.flags & EPHEMERAL) !== 0) throw fail.unknownMessage();
  prepareEdit(world, channel);
  if (message.authorId !== world.botUserId) throw fail.cannotEditOthersMessage();
  applyMessageEdit(world, message, input, files, []);
  messageUpdated(world, message);
  return message;
}

/** DELETE /channels/:id/messages/:mid: the bot's own, or anyone's with MANAGE_MESSAGES. */
export function deleteChannelMessage(world: DiscordWorld, channelId: string, messageId: string): void {
  const channel = world.channel(channelId);
  const message = world.message(channelId, messageId);
  if ((message.flags & EPHEMERAL) !== 0) throw fail.unknownMessage();
  const own = message.authorId === world.botUserId;
  if (!own && !has(world.permissionsIn(channel.id, world.botUserId), Perm.ManageMessages)) {
    throw fail.missingPermissions();
  }
  removeMessage(world, message);
}

/** Marks a message deleted and tells the gateway. */
export function removeMessage(world: DiscordWorld, message: MessageRecord): void {
  message.deleted = true;
  const channel = world.channels.get(message.channelId);
  if (channel?.thread) channel.thread.messageCount = Math.max(0, channel.thread.messageCount - 1);
  messageDeleted(world, message);
}

/** A member posts in a channel or thread (what the bot reads); sending unarchives an unlocked thread. */
export function postAsMember(
  world: DiscordWorld,
  input: { channelId: string; userId: string; content: string },
): MessageRecord {
  const channel = world.channel(input.channelId);
  world.member(channel.guildId, input.userId);
  if (channel.thread?.archived && !channel.thread.locked) {
    channel.thread.archived = false;
    channel.thread.archiveTimestamp = Date.now();
    threadUpdated(world, channel);
  }
  const message = newMessageRecord({
    channelId: channel.id,
    guildId: channel.guildId,
    authorId: input.userId,
    content: input.content,
    embeds: [],
    components: [],
    flags: 0,
  });
  world.addMessage(message);
  noteNewMessage(channel, message);
  messageCreated(world, message);
  return message;
}
