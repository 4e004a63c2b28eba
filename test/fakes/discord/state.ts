// The fake Discord's world: users, guilds with roles and members, channels and threads, messages with their edit
// history, registered commands. Routes and interactions change it; payloads.ts turns it into API objects; the gateway
// hears about every change through `dispatch`.
import type { APIApplicationCommand, APIAttachment, APIEmbed, APIMessageInteractionMetadata } from "discord.js";
import { fail } from "./apiErrors.js";
import { snowflake } from "./ids.js";
import {
  channelPermissions,
  DEFAULT_BOT_PERMISSIONS,
  DEFAULT_EVERYONE_PERMISSIONS,
  type PermissionOverwrite,
  type PermissionSubject,
} from "./permissions.js";

export interface UserRecord {
  id: string;
  username: string;
  globalName: string | null;
  bot: boolean;
}

export interface RoleRecord {
  id: string;
  name: string;
  permissions: bigint;
  position: number;
  managed: boolean;
  /** Set on the role Discord makes for a bot when it joins. */
  botId: string | null;
}

export interface MemberRecord {
  userId: string;
  roles: string[];
  nick: string | null;
  joinedAt: number;
}

export interface GuildRecord {
  id: string;
  name: string;
  ownerId: string;
  locale: string;
  joinedAt: number;
  roles: Map<string, RoleRecord>;
  members: Map<string, MemberRecord>;
}

export type AutoArchiveDuration = 60 | 1440 | 4320 | 10080;

export interface ThreadState {
  ownerId: string;
  archived: boolean;
  locked: boolean;
  invitable: boolean;
  autoArchiveDuration: AutoArchiveDuration;
  archiveTimestamp: number;
  createdAt: number;
  messageCount: number;
  totalMessageSent: number;
  /** The message the thread was started from (its id equals the thread's), or null for a thread without one. */
  starterMessageId: string | null;
  memberIds: Set<string>;
}

export interface ChannelRecord {
  id: string;
  guildId: string;
  type: number;
  name: string;
  position: number;
  parentId: string | null;
  topic: string | null;
  nsfw: boolean;
  overwrites: PermissionOverwrite[];
  lastMessageId: string | null;
  rateLimitPerUser: number;
  defaultAutoArchiveDuration: AutoArchiveDuration;
  /** Set for threads (types 10, 11, 12). */
  thread: ThreadState | null;
}

/** One state of a message, kept each time it changes. */
export interface MessageVersion {
  content: string;
  embeds: APIEmbed[];
  components: unknown[];
  flags: number;
  at: number;
}

export interface MessageRecord {
  id: string;
  channelId: string;
  guildId: string;
  authorId: string;
  type: number;
  content: string;
  embeds: APIEmbed[];
  components: unknown[];
  flags: number;
  tts: boolean;
  /** As sent; Discord echoes it in the create answer and MESSAGE_CREATE only. */
  nonce: string | number | null;
  createdAt: number;
  editedAt: number | null;
  /** Last change of any kind (a deferred reply resolving is not an edit, but it is a change). */
  changedAt: number;
  attachments: APIAttachment[];
  webhookId: string | null;
  applicationId: string | null;
  interactionMetadata: APIMessageInteractionMetadata | null;
  /** The deprecated `interaction` field Discord still sends on command replies. */
  interactionSummary: { id: string; type: number; name: string; userId: string } | null;
  /** Id of the interaction this message answers (initial reply, follow-up, or component update). */
  interactionId: string | null;
  reference: { messageId: string; channelId: string; guildId: string } | null;
  /** Earlier versions, oldest first (the current one is not repeated here). */
  history: MessageVersion[];
  deleted: boolean;
}

/** A gateway event as the world announces it; the gateway decides which sessions get it. */
export interface WorldEvent {
  t: string;
  d: unknown;
  guildId: string | null;
  /** The intent a session needs to receive it (null: always sent). */
  intent: number | null;
  /** For message events: who wrote it, so sessions without MESSAGE_CONTENT get the content stripped. */
  messageAuthorId?: string;
}

/** How a test describes a guild. */
export interface FakeGuildConfig {
  id: string;
  name: string;
  ownerId: string;
  locale?: string;
  roles?: { id: string; name: string; permissions: bigint | string; position?: number }[];
  channels: {
    id: string;
    name: string;
    type: number;
    parentId?: string;
    topic?: string;
    position?: number;
    overwrites?: { id: string; type: 0 | 1; allow?: bigint | string; deny?: bigint | string }[];
  }[];
  members: { userId: string; username: string; globalName?: string; nick?: string; roles?: string[]; bot?: boolean }[];
}

export interface WorldOptions {
  applicationId: string;
  botUserId: string;
  botUsername: string;
  botPermissions: bigint;
}

/** The fake's whole state. */
export class DiscordWorld {
  readonly users = new Map<string, UserRecord>();
  readonly guilds = new Map<string, GuildRecord>();
  readonly channels = new Map<string, ChannelRecord>();
  /** Messages per channel or thread, in creation order. */
  readonly messages = new Map<string, MessageRecord[]>();
  readonly messagesById = new Map<string, MessageRecord>();
  /** Registered commands: key "global" or a guild id. */
  readonly commands = new Map<string, APIApplicationCommand[]>();
  /** Set by the facade: where world events go (the gateway). */
  dispatch: (event: WorldEvent) => void = () => {};

  constructor(readonly options: WorldOptions) {
    this.users.set(options.botUserId, {
      id: options.botUserId,
      username: options.botUsername,
      globalName: null,
      bot: true,
    });
  }

  get botUserId(): string {
    return this.options.botUserId;
  }

  /** Adds a guild the bot is in: its roles (with @everyone and the bot's managed role), channels and members. */
  addGuild(config: FakeGuildConfig): void {
    const now = Date.now();
    const roles = new Map<string, RoleRecord>();
    const everyone = config.roles?.find((r) => r.id === config.id);
    roles.set(config.id, {
      id: config.id,
      name: "@everyone",
      permissions: everyone ? BigInt(everyone.permissions) : DEFAULT_EVERYONE_PERMISSIONS,
      position: 0,
      managed: false,
      botId: null,
    });
    for (const [index, role] of (config.roles ?? []).entries()) {
      if (role.id === config.id) continue;
      roles.set(role.id, {
        id: role.id,
        name: role.name,
        permissions: BigInt(role.permissions),
        position: role.position ?? index + 1,
        managed: false,
        botId: null,
      });
    }
    const botRoleId = snowflake();
    roles.set(botRoleId, {
      id: botRoleId,
      name: this.users.get(this.botUserId)?.username ?? "bot",
      permissions: this.options.botPermissions,
      position: roles.size,
      managed: true,
      botId: this.botUserId,
    });
    const members = new Map<string, MemberRecord>();
    for (const m of config.members) {
      this.users.set(m.userId, {
        id: m.userId,
        username: m.username,
        globalName: m.globalName ?? null,
        bot: m.bot ?? false,
      });
      members.set(m.userId, { userId: m.userId, roles: [...(m.roles ?? [])], nick: m.nick ?? null, joinedAt: now });
    }
    if (!members.has(config.ownerId)) {
      this.users.set(config.ownerId, { id: config.ownerId, username: "owner", globalName: null, bot: false });
      members.set(config.ownerId, { userId: config.ownerId, roles: [], nick: null, joinedAt: now });
    }
    members.set(this.botUserId, { userId: this.botUserId, roles: [botRoleId], nick: null, joinedAt: now });
    this.guilds.set(config.id, {
      id: config.id,
      name: config.name,
      ownerId: config.ownerId,
      locale: config.locale ?? "en-US",
      joinedAt: now,
      roles,
      members,
    });
    for (const [index, c] of config.channels.entries()) {
      this.channels.set(c.id, {
        id: c.id,
        guildId: config.id,
        type: c.type,
        name: c.name,
        position: c.position ?? index,
        parentId: c.parentId ?? null,
        topic: c.topic ?? null,
        nsfw: false,
        overwrites: (c.overwrites ?? []).map((o) => ({
          id: o.id,
          type: o.type,
          allow: BigInt(o.allow ?? 0),
          deny: BigInt(o.deny ?? 0),
        })),
        lastMessageId: null,
        rateLimitPerUser: 0,
        defaultAutoArchiveDuration: 1440,
        thread: null,
      });
      this.messages.set(c.id, []);
    }
  }

  guild(guildId: string): GuildRecord {
    const guild = this.guilds.get(guildId);
    if (!guild) throw fail.unknownGuild();
    return guild;
  }

  channel(channelId: string): ChannelRecord {
    const channel = this.channels.get(channelId);
    if (!channel) throw fail.unknownChannel();
    return channel;
  }

  user(userId: string): UserRecord {
    const user = this.users.get(userId);
    if (!user) throw fail.unknownUser();
    return user;
  }

  member(guildId: string, userId: string): MemberRecord {
    const member = this.guild(guildId).members.get(userId);
    if (!member) throw fail.unknownMember();
    return member;
  }

  /** A message in a channel, not deleted. */
  message(channelId: string, messageId: string): MessageRecord {
    const message = this.messagesById.get(messageId);
    if (!message || message.deleted || message.channelId !== channelId) throw fail.unknownMessage();
    return message;
  }

  /** The overwrites that govern a channel (a thread's are its parent's). */
  overwritesOf(channel: ChannelRecord): PermissionOverwrite[] {
    if (channel.thread && channel.parentId) return this.channels.get(channel.parentId)?.overwrites ?? [];
    return channel.overwrites;
  }

  /** A member's permissions in a channel. */
  permissionsIn(channelId: string, userId: string): bigint {
    const channel = this.channel(channelId);
    return channelPermissions(this.permissionSubject(channel.guildId, userId), this.overwritesOf(channel));
  }

  permissionSubject(guildId: string, userId: string): PermissionSubject {
    const guild = this.guild(guildId);
    const member = this.member(guildId, userId);
    return {
      guildId,
      ownerId: guild.ownerId,
      userId,
      roleIds: member.roles,
      rolePermissions: new Map([...guild.roles.values()].map((r) => [r.id, r.permissions])),
    };
  }

  /** Stores a new message at the end of its channel. */
  addMessage(message: MessageRecord): void {
    const list = this.messages.get(message.channelId);
    if (!list) throw fail.unknownChannel();
    list.push(message);
    this.messagesById.set(message.id, message);
  }

  /** Records the current version in history, then applies `change`. */
  changeMessage(message: MessageRecord, change: Partial<MessageVersion>, options: { edit: boolean }): void {
    const now = Date.now();
    message.history.push({
      content: message.content,
      embeds: message.embeds,
      components: message.components,
      flags: message.flags,
      at: message.changedAt,
    });
    if (change.content !== undefined) message.content = change.content;
    if (change.embeds !== undefined) message.embeds = change.embeds;
    if (change.components !== undefined) message.components = change.components;
    if (change.flags !== undefined) message.flags = change.flags;
    message.changedAt = now;
    if (options.edit) message.editedAt = now;
  }

  /** Threads, optionally only those under one parent, in creation order. */
  threads(parentId?: string): ChannelRecord[] {
    return [...this.channels.values()].filter((c) => c.thread && (parentId === undefined || c.parentId === parentId));
  }
}

/** Default world options from what the facade knows. */
export function worldOptions(input: {
  applicationId: string;
  botUserId?: string;
  botUsername?: string;
  botPermissions?: bigint | string;
}): WorldOptions {
  return {
    applicationId: input.applicationId,
    botUserId: input.botUserId ?? input.applicationId,
    botUsername: input.botUsername ?? "Tribune",
    botPermissions: input.botPermissions === undefined ? DEFAULT_BOT_PERMISSIONS : BigInt(input.botPermissions),
  };
}
