// Threads as Discord runs them: started from a message (public, id = message id, once per message) or without one
// (private unless `type` says 11); archived threads refuse edits (50083) until unarchived; locked threads refuse
// members without MANAGE_THREADS (160005); a guild caps its active threads (160006).
// @see https://discord.com/developers/docs/topics/threads
// @see https://discord.com/developers/docs/resources/channel#start-thread-from-message
// @see https://discord.com/developers/docs/resources/channel#start-thread-without-message
import { DiscordApiFailure, FormErrors, fail, fieldError } from "./apiErrors.js";
import { channelUpdated, messageUpdated, threadCreated, threadUpdated } from "./events.js";
import { snowflake } from "./ids.js";
import { checkAutoArchive, checkThreadName, HAS_THREAD } from "./limits.js";
import { has, Perm } from "./permissions.js";
import type { AutoArchiveDuration, ChannelRecord, DiscordWorld } from "./state.js";

export interface ThreadRules {
  /**
   * What a message sent into an archived, unlocked thread does. The docs: "Sending a message will automatically
   * unarchive the thread, unless the thread has been locked" ("unarchive", the default). "reject" answers 50083
   * instead, for tests that want the stricter reading.
   */
  archivedThreadSends: "unarchive" | "reject";
  /** Active threads a guild may hold before 160006. */
  maxActiveThreads: number;
}

const TEXT_PARENTS = new Set([0, 5]);
const TEXT_BASED = new Set([0, 2, 5, 10, 11, 12, 13]);

function botCan(world: DiscordWorld, channel: ChannelRecord, needed: bigint): boolean {
  return has(world.permissionsIn(channel.id, world.botUserId), needed);
}

function requireView(world: DiscordWorld, channel: ChannelRecord): void {
  if (!botCan(world, channel, Perm.ViewChannel)) throw fail.missingAccess();
}

/** Checks the bot may post in a channel or thread; unarchives an archived thread when the rules say sends do. */
export function prepareSend(world: DiscordWorld, channel: ChannelRecord, rules: ThreadRules): void {
  if (!TEXT_BASED.has(channel.type)) throw fail.notTextChannel();
  requireView(world, channel);
  if (!botCan(world, channel, channel.thread ? Perm.SendMessagesInThreads : Perm.SendMessages)) {
    throw fail.missingPermissions();
  }
  const t = channel.thread;
  if (!t) return;
  const moderator = botCan(world, channel, Perm.ManageThreads);
  if (t.locked && !moderator) throw fail.threadLocked();
  if (t.archived) {
    if (rules.archivedThreadSends === "reject") throw fail.threadArchived();
    t.archived = false;
    t.archiveTimestamp = Date.now();
    threadUpdated(world, channel);
  }
}

/** Checks the bot may change an existing message in a channel or thread. */
export function prepareEdit(world: DiscordWorld, channel: ChannelRecord): void {
  requireView(world, channel);
  const t = channel.thread;
  if (!t) return;
  if (t.archived) throw fail.threadArchived();
  if (t.locked && !botCan(world, channel, Perm.ManageThreads)) throw fail.threadLocked();
}

interface ThreadBody {
  name?: unknown;
  auto_archive_duration?: unknown;
  type?: unknown;
  invitable?: unknown;
  rate_limit_per_user?: unknown;
}

function newThread(
  world: DiscordWorld,
  parent: ChannelRecord,
  input: { id: string; type: number; body: ThreadBody; starterMessageId: string | null },
  rules: ThreadRules,
): ChannelRecord {
  const active = world.threads().filter((c) => c.guildId === parent.guildId && !c.thread?.archived).length;
  if (active >= rules.maxActiveThreads) throw fail.maxActiveThreads();
  const now = Date.now();
  const thread: ChannelRecord = {
    id: input.id,
    guildId: parent.guildId,
    type: input.type,
    name: String(input.body.name),
    position: 0,
    parentId: parent.id,
    topic: null,
    nsfw: parent.nsfw,
    overwrites: [],
    lastMessageId: null,
    rateLimitPerUser: typeof input.body.rate_limit_per_user === "number" ? input.body.rate_limit_per_user : 0,
    defaultAutoArchiveDuration: parent.defaultAutoArchiveDuration,
    thread: {
      ownerId: world.botUserId,
      archived: false,
      locked: false,
      invitable: input.body.invitable !== false,
      autoArchiveDuration:
        (input.body.auto_archive_duration as AutoArchiveDuration | undefined) ?? parent.defaultAutoArchiveDuration,
      archiveTimestamp: now,
      createdAt: now,
      messageCount: 0,
      totalMessageSent: 0,
      starterMessageId: input.starterMessageId,
      memberIds: new Set([world.botUserId]),
    },
  };
  world.channels.set(thread.id, thread);
  world.messages.set(thread.id, []);
  return thread;
}

function checkBody(body: ThreadBody): void {
  const errors = new FormErrors();
  checkThreadName(body.name, errors);
  checkAutoArchive(body.auto_archive_duration, errors);
  errors.throwIfAny();
}

/** POST /channels/:id/messages/:mid/threads: a public thread whose id is the message's. */
export function startThreadFromMessage(
  world: DiscordWorld,
  channelId: string,
  messageId: string,
  body: ThreadBody,
  rules: ThreadRules,
): ChannelRecord {
  const parent = world.channel(channelId);
  requireView(world, parent);
  if (!TEXT_PARENTS.has(parent.type)) {
    throw new DiscordApiFailure(400, { code: 50024, message: "Cannot execute action on this channel type" });
  }
  const message = world.message(channelId, messageId);
  if (world.channels.has(message.id)) throw fail.threadAlreadyCreated();
  if (!botCan(world, parent, Perm.CreatePublicThreads)) throw fail.missingPermissions();
  checkBody(body);
  const type = parent.type === 5 ? 10 : 11;
  const thread = newThread(world, parent, { id: message.id, type, body, starterMessageId: message.id }, rules);
  message.flags |= HAS_THREAD;
  threadCreated(world, thread);
  messageUpdated(world, message);
  return thread;
}

/** POST /channels/:id/threads: private (12) unless the body asks for 11 (or 10 in an announcement channel). */
export function startThreadWithoutMessage(
  world: DiscordWorld,
  channelId: string,
  body: ThreadBody,
  rules: ThreadRules,
): ChannelRecord {
  const parent = world.channel(channelId);
  requireView(world, parent);
  if (!TEXT_PARENTS.has(parent.type)) {
    throw new DiscordApiFailure(400, { code: 50024, message: "Cannot execute action on this channel type" });
  }
  // The docs: "type currently defaults to PRIVATE_THREAD".
  const type = body.type ?? 12;
  const allowed = parent.type === 5 ? [10] : [11, 12];
  const errors = new FormErrors();
  checkThreadName(body.name, errors);
  checkAutoArchive(body.auto_archive_duration, errors);
  if (!allowed.includes(type as number)) errors.add(["type"], fieldError.choices(allowed));
  errors.throwIfAny();
  const needed = type === 12 ? Perm.CreatePrivateThreads : Perm.CreatePublicThreads;
  if (!botCan(world, parent, needed)) throw fail.missingPermissions();
  const thread = newThread(
    world,
    parent,
    { id: snowflake(), type: type as number, body, starterMessageId: null },
    rules,
  );
  threadCreated(world, thread);
  return thread;
}

interface ChannelPatch extends ThreadBody {
  archived?: unknown;
  locked?: unknown;
  topic?: unknown;
}

/** PATCH /channels/:id: renames a channel, or changes a thread (archive, unarchive, lock, rename). */
export function modifyChannel(world: DiscordWorld, channelId: string, body: ChannelPatch): ChannelRecord {
  const channel = world.channel(channelId);
  requireView(world, channel);
  const t = channel.thread;
  const errors = new FormErrors();
  if (body.name !== undefined) checkThreadName(body.name, errors);
  if (!t) {
    errors.throwIfAny();
    if (!botCan(world, channel, Perm.ManageChannels)) throw fail.missingPermissions();
    if (typeof body.name === "string") channel.name = body.name;
    if (typeof body.topic === "string" || body.topic === null) channel.topic = body.topic;
    channelUpdated(world, channel);
    return channel;
  }
  checkAutoArchive(body.auto_archive_duration, errors);
  errors.throwIfAny();
  // "Requires the thread to have archived set to false or be set to false in the request."
  if (t.archived && body.archived !== false) throw fail.threadArchived();
  const moderator = botCan(world, channel, Perm.ManageThreads);
  const creator = t.ownerId === world.botUserId;
  // Locked: only moderators rename; unarchiving takes a moderator or the thread's creator.
  if (t.locked && !moderator) {
    if (body.name !== undefined) throw fail.threadLocked();
    if (body.archived === false && !creator) throw fail.threadLocked();
  }
  const touchesOwnerFields = body.name !== undefined || body.archived !== undefined || body.auto_archive_duration;
  if (touchesOwnerFields && !moderator && !creator) throw fail.missingPermissions();
  if ((body.locked !== undefined || body.rate_limit_per_user !== undefined) && !moderator) {
    throw fail.missingPermissions();
  }
  const now = Date.now();
  if (typeof body.name === "string") channel.name = body.name;
  if (typeof body.archived === "boolean" && body.archived !== t.archived) {
    t.archived = body.archived;
    t.archiveTimestamp = now;
  }
  if (typeof body.locked === "boolean") t.locked = body.locked;
  if (typeof body.auto_archive_duration === "number") {
    t.autoArchiveDuration = body.auto_archive_duration as AutoArchiveDuration;
    t.archiveTimestamp = now;
  }
  if (typeof body.rate_limit_per_user === "number") channel.rateLimitPerUser = body.rate_limit_per_user;
  threadUpdated(world, channel);
  return channel;
}

/** A moderator (or Discord's inactivity timer) archives or locks a thread; the bot hears THREAD_UPDATE. */
export function setThreadState(
  world: DiscordWorld,
  threadId: string,
  change: { archived?: boolean; locked?: boolean },
) {
  const channel = world.channel(threadId);
  const t = channel.thread;
  if (!t) throw new Error(`fake Discord: ${threadId} is not a thread`);
  if (change.archived !== undefined) {
    t.archived = change.archived;
    t.archiveTimestamp = Date.now();
  }
  if (change.locked !== undefined) t.locked = change.locked;
  threadUpdated(world, channel);
}
