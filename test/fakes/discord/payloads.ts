// API objects built from the world, complete as Discord sends them (typed by discord-api-types, which mirrors the API
// docs): discord.js structures read nested fields without guarding, so a missing one breaks the client, not the test.
// @see https://discord.com/developers/docs/resources/user#user-object
// @see https://discord.com/developers/docs/resources/guild#guild-member-object
// @see https://discord.com/developers/docs/resources/channel#channel-object
// @see https://discord.com/developers/docs/resources/message#message-object
import type {
  APIApplication,
  APIChannel,
  APIGuildMember,
  APIGuildMemberNoUser,
  APIInteractionGuildMember,
  APIMessage,
  APIRole,
  APIThreadMember,
  APIUser,
  APIUserWithMember,
  ApplicationFlags,
  GatewayGuildCreateDispatchData,
  GuildMemberFlags,
  GuildSystemChannelFlags,
  Locale,
  RoleFlags,
  ThreadMemberFlags,
  UserFlags,
} from "discord.js";
import { isoTimestamp } from "./ids.js";
import type {
  ChannelRecord,
  DiscordWorld,
  GuildRecord,
  MemberRecord,
  MessageRecord,
  RoleRecord,
  UserRecord,
} from "./state.js";

export function userPayload(user: UserRecord): APIUser {
  return {
    id: user.id,
    username: user.username,
    // Users moved to unique usernames ("0"); bots keep a four-digit discriminator.
    discriminator: user.bot ? "0001" : "0",
    global_name: user.globalName,
    avatar: null,
    ...(user.bot ? { bot: true } : {}),
    public_flags: 0 as UserFlags,
    flags: 0 as UserFlags,
    banner: null,
    accent_color: null,
    avatar_decoration_data: null,
    collectibles: null,
    primary_guild: null,
  };
}

function memberFields(member: MemberRecord): APIGuildMemberNoUser {
  return {
    nick: member.nick,
    avatar: null,
    banner: null,
    roles: [...member.roles],
    joined_at: isoTimestamp(member.joinedAt),
    premium_since: null,
    deaf: false,
    mute: false,
    flags: 0 as GuildMemberFlags,
    pending: false,
    communication_disabled_until: null,
    avatar_decoration_data: null,
    collectibles: null,
  };
}

export function memberPayload(world: DiscordWorld, member: MemberRecord): APIGuildMember {
  return { ...memberFields(member), user: userPayload(world.user(member.userId)) };
}

/** A member without `user`, as message events carry the author's member. */
export function memberWithoutUser(member: MemberRecord): APIGuildMemberNoUser {
  return memberFields(member);
}

/** The invoking member of an interaction: with `user` and their permissions in the channel. */
export function interactionMemberPayload(
  world: DiscordWorld,
  guildId: string,
  channelId: string,
  userId: string,
): APIInteractionGuildMember {
  return {
    ...memberPayload(world, world.member(guildId, userId)),
    permissions: world.permissionsIn(channelId, userId).toString(),
  } as APIInteractionGuildMember;
}

export function rolePayload(role: RoleRecord): APIRole {
  return {
    id: role.id,
    name: role.name,
    color: 0,
    colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
    hoist: false,
    icon: null,
    unicode_emoji: null,
    position: role.position,
    permissions: role.permissions.toString(),
    managed: role.managed,
    mentionable: false,
    flags: 0 as RoleFlags,
    ...(role.botId ? { tags: { bot_id: role.botId } } : {}),
  };
}

function threadMemberPayload(thread: ChannelRecord, userId: string): APIThreadMember {
  return {
    id: thread.id,
    user_id: userId,
    join_timestamp: isoTimestamp(thread.thread?.createdAt ?? Date.now()),
    flags: 0 as ThreadMemberFlags,
  };
}

/** A guild channel or thread; threads carry the bot's thread member when the bot has joined. */
export function channelPayload(world: DiscordWorld, channel: ChannelRecord): APIChannel {
  const common = {
    id: channel.id,
    type: channel.type,
    guild_id: channel.guildId,
    name: channel.name,
    flags: 0,
  };
  const t = channel.thread;
  if (t) {
    return {
      ...common,
      parent_id: channel.parentId ?? undefined,
      owner_id: t.ownerId,
      last_message_id: channel.lastMessageId,
      rate_limit_per_user: channel.rateLimitPerUser,
      message_count: t.messageCount,
      member_count: Math.min(t.memberIds.size, 50),
      total_message_sent: t.totalMessageSent,
      last_pin_timestamp: null,
      thread_metadata: {
        archived: t.archived,
        auto_archive_duration: t.autoArchiveDuration,
        archive_timestamp: isoTimestamp(t.archiveTimestamp),
        locked: t.locked,
        create_timestamp: isoTimestamp(t.createdAt),
        // Only private threads say whether members may invite others.
        ...(channel.type === 12 ? { invitable: t.invitable } : {}),
      },
      ...(t.memberIds.has(world.botUserId) ? { member: threadMemberPayload(channel, world.botUserId) } : {}),
    } as APIChannel;
  }
  const overwrites = channel.overwrites.map((o) => ({
    id: o.id,
    type: o.type,
    allow: o.allow.toString(),
    deny: o.deny.toString(),
  }));
  if (channel.type === 4) {
    return {
      ...common,
      position: channel.position,
      permission_overwrites: overwrites,
      parent_id: null,
      nsfw: false,
    } as APIChannel;
  }
  return {
    ...common,
    position: channel.position,
    permission_overwrites: overwrites,
    parent_id: channel.parentId,
    topic: channel.topic,
    nsfw: channel.nsfw,
    last_message_id: channel.lastMessageId,
    rate_limit_per_user: channel.rateLimitPerUser,
    last_pin_timestamp: null,
    default_auto_archive_duration: channel.defaultAutoArchiveDuration,
    default_thread_rate_limit_per_user: 0,
  } as APIChannel;
}

const USER_MENTION = /<@!?(\d{17,20})>/g;
const ROLE_MENTION = /<@&(\d{17,20})>/g;

/** A message as REST answers it. `nonce` is only echoed on the answer to its creation (and MESSAGE_CREATE). */
export function messagePayload(
  world: DiscordWorld,
  message: MessageRecord,
  options: { withNonce?: boolean } = {},
): APIMessage {
  const channel = world.channels.get(message.channelId);
  const author = world.user(message.authorId);
  const mentioned = [...message.content.matchAll(USER_MENTION)]
    .map((m) => world.users.get(m[1] ?? ""))
    .filter((u): u is UserRecord => u !== undefined);
  const startedThread = world.channels.get(message.id);
  return {
    id: message.id,
    channel_id: message.channelId,
    author: userPayload(author),
    content: message.content,
    timestamp: isoTimestamp(message.createdAt),
    edited_timestamp: message.editedAt === null ? null : isoTimestamp(message.editedAt),
    tts: message.tts,
    mention_everyone: false,
    mentions: mentioned.map(userPayload),
    mention_roles: [...message.content.matchAll(ROLE_MENTION)].map((m) => m[1] ?? ""),
    attachments: message.attachments,
    embeds: message.embeds,
    pinned: false,
    type: message.type,
    flags: message.flags,
    components: message.components as APIMessage["components"],
    ...(message.webhookId ? { webhook_id: message.webhookId } : {}),
    ...(message.applicationId ? { application_id: message.applicationId } : {}),
    ...(message.interactionMetadata ? { interaction_metadata: message.interactionMetadata } : {}),
    ...(message.interactionSummary
      ? {
          interaction: {
            id: message.interactionSummary.id,
            type: message.interactionSummary.type,
            name: message.interactionSummary.name,
            user: userPayload(world.user(message.interactionSummary.userId)),
          },
        }
      : {}),
    ...(message.reference
      ? {
          message_reference: {
            type: 0,
            message_id: message.reference.messageId,
            channel_id: message.reference.channelId,
            guild_id: message.reference.guildId,
          },
        }
      : {}),
    ...(startedThread?.thread && startedThread.parentId === message.channelId
      ? { thread: channelPayload(world, startedThread) }
      : {}),
    ...(channel?.thread ? { position: positionInThread(world, message) } : {}),
    ...(options.withNonce && message.nonce !== null ? { nonce: message.nonce } : {}),
  } as APIMessage;
}

function positionInThread(world: DiscordWorld, message: MessageRecord): number {
  return (world.messages.get(message.channelId) ?? []).filter((m) => !m.deleted).indexOf(message);
}

/** MESSAGE_CREATE / MESSAGE_UPDATE data: the message plus guild_id, the author's member, and members of mentions. */
export function messageEventPayload(world: DiscordWorld, message: MessageRecord, withNonce: boolean): unknown {
  const guild = world.guilds.get(message.guildId);
  const authorMember = message.webhookId ? undefined : guild?.members.get(message.authorId);
  const base = messagePayload(world, message, { withNonce });
  const mentions: APIUserWithMember[] = base.mentions.map((user) => {
    const member = guild?.members.get(user.id);
    return member ? { ...user, member: memberWithoutUser(member) } : user;
  });
  return {
    ...base,
    guild_id: message.guildId,
    mentions,
    ...(authorMember ? { member: memberWithoutUser(authorMember) } : {}),
  };
}

/**
 * GUILD_CREATE: the guild with roles, channels, active threads and members. Without GUILD_MEMBERS (or presences),
 * Discord sends only the bot's own member for a guild like this, so the client's member cache stays as thin as in
 * production.
 */
export function guildCreatePayload(
  world: DiscordWorld,
  guild: GuildRecord,
  options: { allMembers: boolean },
): GatewayGuildCreateDispatchData {
  const channels = [...world.channels.values()].filter((c) => c.guildId === guild.id);
  const members = [...guild.members.values()].filter((m) => options.allMembers || m.userId === world.botUserId);
  const payload: GatewayGuildCreateDispatchData = {
    id: guild.id,
    name: guild.name,
    icon: null,
    icon_hash: null,
    splash: null,
    discovery_splash: null,
    owner_id: guild.ownerId,
    region: "deprecated",
    afk_channel_id: null,
    afk_timeout: 300,
    widget_enabled: false,
    widget_channel_id: null,
    verification_level: 0,
    default_message_notifications: 1,
    explicit_content_filter: 0,
    roles: [...guild.roles.values()].map(rolePayload),
    emojis: [],
    stickers: [],
    features: [],
    mfa_level: 0,
    application_id: null,
    system_channel_id: null,
    system_channel_flags: 0 as GuildSystemChannelFlags,
    rules_channel_id: null,
    max_presences: null,
    max_members: 25_000_000,
    vanity_url_code: null,
    description: null,
    banner: null,
    premium_tier: 0,
    premium_subscription_count: 0,
    preferred_locale: guild.locale as Locale,
    public_updates_channel_id: null,
    max_video_channel_users: 25,
    max_stage_video_channel_users: 50,
    nsfw_level: 0,
    premium_progress_bar_enabled: false,
    hub_type: null,
    safety_alerts_channel_id: null,
    incidents_data: null,
    joined_at: isoTimestamp(guild.joinedAt),
    large: false,
    unavailable: false,
    member_count: guild.members.size,
    voice_states: [],
    members: members.map((m) => memberPayload(world, m)),
    channels: channels
      .filter((c) => !c.thread)
      .map((c) => channelPayload(world, c)) as GatewayGuildCreateDispatchData["channels"],
    // Only active threads the bot can see are synced up front; archived ones are fetched on demand.
    threads: channels
      .filter((c) => c.thread && !c.thread.archived && world.permissionsIn(c.id, world.botUserId) !== 0n)
      .map((c) => channelPayload(world, c)) as GatewayGuildCreateDispatchData["threads"],
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
  return payload;
}

/** The application object (READY carries `id` and `flags`; GET /applications/@me the rest). */
export function applicationPayload(world: DiscordWorld): APIApplication {
  const payload: APIApplication = {
    id: world.options.applicationId,
    name: world.options.botUsername,
    icon: null,
    description: "",
    summary: "",
    bot_public: false,
    bot_require_code_grant: false,
    bot: userPayload(world.user(world.botUserId)),
    verify_key: "0".repeat(64),
    team: null,
    flags: 0 as ApplicationFlags,
    flags_new: "0",
    approximate_guild_count: world.guilds.size,
    integration_types_config: { "0": {} },
  };
  return payload;
}
