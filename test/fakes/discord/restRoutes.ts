// The REST routes a bot like Tribune touches, each a thin call into the world (messages, threads, commands) or the
// interaction responder, answering what Discord answers.
// @see https://discord.com/developers/docs/resources/channel
// @see https://discord.com/developers/docs/resources/message
// @see https://discord.com/developers/docs/interactions/application-commands#bulk-overwrite-global-application-commands
import { fail } from "./apiErrors.js";
import { overwriteCommands } from "./commands.js";
import { EPHEMERAL } from "./limits.js";
import { deleteChannelMessage, editChannelMessage, type MessageRules, sendChannelMessage } from "./messages.js";
import {
  applicationPayload,
  channelPayload,
  guildCreatePayload,
  memberPayload,
  messagePayload,
  rolePayload,
  userPayload,
} from "./payloads.js";
import { has, Perm } from "./permissions.js";
import type { InteractionResponder } from "./responses.js";
import type { RouteDef, RouteRequest } from "./restServer.js";
import type { ChannelRecord, DiscordWorld } from "./state.js";
import { modifyChannel, startThreadFromMessage, startThreadWithoutMessage } from "./threads.js";

export interface RouteDeps {
  world: DiscordWorld;
  responder: InteractionResponder;
  rules: MessageRules;
  /** The gateway URL GET /gateway/bot hands out. */
  gatewayUrl: () => string;
  shardCount: number;
}

const ok = (body: unknown) => ({ status: 200, body });
const noContent = () => ({ status: 204 });

/** The route table. */
export function restRoutes(deps: RouteDeps): RouteDef[] {
  const { world, responder, rules } = deps;
  const viewable = (channelId: string): ChannelRecord => {
    const channel = world.channel(channelId);
    if (!has(world.permissionsIn(channel.id, world.botUserId), Perm.ViewChannel)) throw fail.missingAccess();
    return channel;
  };
  const guildOfBot = (guildId: string) => {
    // A guild the bot is not in answers Missing Access, not Unknown Guild.
    if (!world.guilds.has(guildId)) throw fail.missingAccess();
    return world.guild(guildId);
  };
  const ownApplication = (r: RouteRequest) => {
    if (r.params.appId !== world.options.applicationId) throw fail.missingAccess();
  };
  const listCommands = (scope: string) => ok(world.commands.get(scope) ?? []);
  const upsertCommand = (guildId: string | null, body: unknown) => {
    const scope = guildId ?? "global";
    const existing = world.commands.get(scope) ?? [];
    const name = (body as { name?: unknown })?.name;
    const others = existing.filter((c) => c.name !== name);
    const kept = overwriteCommands(world, guildId, [...others, body]);
    const created = kept.find((c) => c.name === name);
    return { status: existing.some((c) => c.name === name) ? 200 : 201, body: created };
  };

  return [
    {
      method: "GET",
      path: "/gateway/bot",
      auth: true,
      handle: () =>
        ok({
          url: deps.gatewayUrl(),
          shards: deps.shardCount,
          session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: 1 },
        }),
    },
    { method: "GET", path: "/gateway", auth: false, handle: () => ok({ url: deps.gatewayUrl() }) },
    { method: "GET", path: "/users/@me", auth: true, handle: () => ok(userPayload(world.user(world.botUserId))) },
    { method: "GET", path: "/applications/@me", auth: true, handle: () => ok(applicationPayload(world)) },
    {
      method: "GET",
      path: "/applications/:appId/commands",
      auth: true,
      handle: (r) => {
        ownApplication(r);
        return listCommands("global");
      },
    },
    {
      method: "PUT",
      path: "/applications/:appId/commands",
      auth: true,
      handle: (r) => {
        ownApplication(r);
        return ok(overwriteCommands(world, null, r.body));
      },
    },
    {
      method: "POST",
      path: "/applications/:appId/commands",
      auth: true,
      handle: (r) => {
        ownApplication(r);
        return upsertCommand(null, r.body);
      },
    },
    {
      method: "GET",
      path: "/applications/:appId/guilds/:guildId/commands",
      auth: true,
      handle: (r) => {
        ownApplication(r);
        guildOfBot(r.params.guildId ?? "");
        return listCommands(r.params.guildId ?? "");
      },
    },
    {
      method: "PUT",
      path: "/applications/:appId/guilds/:guildId/commands",
      auth: true,
      handle: (r) => {
        ownApplication(r);
        const guild = guildOfBot(r.params.guildId ?? "");
        return ok(overwriteCommands(world, guild.id, r.body));
      },
    },
    {
      method: "POST",
      path: "/applications/:appId/guilds/:guildId/commands",
      auth: true,
      handle: (r) => {
        ownApplication(r);
        const guild = guildOfBot(r.params.guildId ?? "");
        return upsertCommand(guild.id, r.body);
      },
    },
    {
      method: "GET",
      path: "/guilds/:guildId",
      auth: true,
      handle: (r) => {
        const guild = guildOfBot(r.params.guildId ?? "");
        // The REST guild is the gateway one without the gateway-only lists.
        const {
          channels: _c,
          threads: _t,
          members: _m,
          presences: _p,
          voice_states: _v,
          joined_at: _j,
          large: _l,
          member_count: _n,
          unavailable: _u,
          stage_instances: _s,
          guild_scheduled_events: _e,
          soundboard_sounds: _b,
          ...rest
        } = guildCreatePayload(world, guild, { allMembers: false });
        return ok(rest);
      },
    },
    {
      method: "GET",
      path: "/guilds/:guildId/channels",
      auth: true,
      handle: (r) => {
        const guild = guildOfBot(r.params.guildId ?? "");
        const list = [...world.channels.values()].filter((c) => c.guildId === guild.id && !c.thread);
        return ok(list.map((c) => channelPayload(world, c)));
      },
    },
    {
      method: "GET",
      path: "/guilds/:guildId/roles",
      auth: true,
      handle: (r) => ok([...guildOfBot(r.params.guildId ?? "").roles.values()].map(rolePayload)),
    },
    {
      method: "GET",
      path: "/guilds/:guildId/members/:userId",
      auth: true,
      handle: (r) => {
        const guild = guildOfBot(r.params.guildId ?? "");
        return ok(memberPayload(world, world.member(guild.id, r.params.userId ?? "")));
      },
    },
    {
      method: "GET",
      path: "/guilds/:guildId/threads/active",
      auth: true,
      handle: (r) => {
        const guild = guildOfBot(r.params.guildId ?? "");
        const threads = world.threads().filter((c) => c.guildId === guild.id && !c.thread?.archived);
        return ok({ threads: threads.map((c) => channelPayload(world, c)), members: [] });
      },
    },
    {
      method: "GET",
      path: "/channels/:channelId",
      auth: true,
      handle: (r) => ok(channelPayload(world, viewable(r.params.channelId ?? ""))),
    },
    {
      method: "PATCH",
      path: "/channels/:channelId",
      auth: true,
      handle: (r) => ok(channelPayload(world, modifyChannel(world, r.params.channelId ?? "", r.body ?? {}))),
    },
    {
      method: "GET",
      path: "/channels/:channelId/messages",
      auth: true,
      handle: (r) => {
        const channel = viewable(r.params.channelId ?? "");
        // Without READ_MESSAGE_HISTORY Discord answers an empty list rather than an error.
        if (!has(world.permissionsIn(channel.id, world.botUserId), Perm.ReadMessageHistory)) return ok([]);
        return ok(listMessages(world, channel, r.query).map((m) => messagePayload(world, m)));
      },
    },
    {
      method: "POST",
      path: "/channels/:channelId/messages",
      auth: true,
      handle: (r) => {
        const message = sendChannelMessage(world, r.params.channelId ?? "", r.body ?? {}, r.files, rules);
        return ok(messagePayload(world, message, { withNonce: true }));
      },
    },
    {
      method: "GET",
      path: "/channels/:channelId/messages/:messageId",
      auth: true,
      handle: (r) => {
        const channel = viewable(r.params.channelId ?? "");
        const message = world.message(channel.id, r.params.messageId ?? "");
        if ((message.flags & EPHEMERAL) !== 0) throw fail.unknownMessage();
        return ok(messagePayload(world, message));
      },
    },
    {
      method: "PATCH",
      path: "/channels/:channelId/messages/:messageId",
      auth: true,
      handle: (r) =>
        ok(
          messagePayload(
            world,
            editChannelMessage(world, r.params.channelId ?? "", r.params.messageId ?? "", r.body ?? {}, r.files),
          ),
        ),
    },
    {
      method: "DELETE",
      path: "/channels/:channelId/messages/:messageId",
      auth: true,
      handle: (r) => {
        deleteChannelMessage(world, r.params.channelId ?? "", r.params.messageId ?? "");
        return noContent();
      },
    },
    {
      method: "POST",
      path: "/channels/:channelId/messages/:messageId/threads",
      auth: true,
      handle: (r) => {
        const thread = startThreadFromMessage(
          world,
          r.params.channelId ?? "",
          r.params.messageId ?? "",
          r.body ?? {},
          rules,
        );
        return { status: 201, body: channelPayload(world, thread) };
      },
    },
    {
      method: "POST",
      path: "/channels/:channelId/threads",
      auth: true,
      handle: (r) => {
        const thread = startThreadWithoutMessage(world, r.params.channelId ?? "", r.body ?? {}, rules);
        return { status: 201, body: channelPayload(world, thread) };
      },
    },
    {
      method: "GET",
      path: "/channels/:channelId/threads/archived/public",
      auth: true,
      handle: (r) => {
        const channel = viewable(r.params.channelId ?? "");
        const threads = world
          .threads(channel.id)
          .filter((c) => c.thread?.archived && c.type !== 12)
          .sort((a, b) => (b.thread?.archiveTimestamp ?? 0) - (a.thread?.archiveTimestamp ?? 0));
        return ok({ threads: threads.map((c) => channelPayload(world, c)), members: [], has_more: false });
      },
    },
    {
      method: "POST",
      path: "/channels/:channelId/typing",
      auth: true,
      handle: (r) => {
        viewable(r.params.channelId ?? "");
        return noContent();
      },
    },
    {
      method: "POST",
      path: "/interactions/:interactionId/:token/callback",
      auth: false,
      interaction: true,
      handle: (r) =>
        responder.callback(
          r.params.interactionId ?? "",
          r.params.token ?? "",
          r.body,
          r.files,
          r.query.get("with_response") === "true",
        ),
    },
    {
      method: "POST",
      path: "/webhooks/:appId/:token",
      auth: false,
      interaction: true,
      handle: (r) =>
        responder.followUp(
          r.params.appId ?? "",
          r.params.token ?? "",
          r.body ?? {},
          r.files,
          r.query.get("wait") === "true",
        ),
    },
    {
      method: "GET",
      path: "/webhooks/:appId/:token/messages/:messageId",
      auth: false,
      interaction: true,
      handle: (r) => responder.getMessage(r.params.appId ?? "", r.params.token ?? "", r.params.messageId ?? ""),
    },
    {
      method: "PATCH",
      path: "/webhooks/:appId/:token/messages/:messageId",
      auth: false,
      interaction: true,
      handle: (r) =>
        responder.editMessage(
          r.params.appId ?? "",
          r.params.token ?? "",
          r.params.messageId ?? "",
          r.body ?? {},
          r.files,
        ),
    },
    {
      method: "DELETE",
      path: "/webhooks/:appId/:token/messages/:messageId",
      auth: false,
      interaction: true,
      handle: (r) => responder.deleteMessage(r.params.appId ?? "", r.params.token ?? "", r.params.messageId ?? ""),
    },
  ];
}

/** GET messages: newest first, `limit` 1–100 (default 50), one of before / after / around. */
function listMessages(world: DiscordWorld, channel: ChannelRecord, query: URLSearchParams) {
  const visible = (world.messages.get(channel.id) ?? []).filter((m) => !m.deleted && (m.flags & EPHEMERAL) === 0);
  const limit = Math.min(100, Math.max(1, Number(query.get("limit") ?? 50)));
  const before = query.get("before");
  const after = query.get("after");
  const around = query.get("around");
  const newestFirst = [...visible].reverse();
  if (before) return newestFirst.filter((m) => BigInt(m.id) < BigInt(before)).slice(0, limit);
  if (after) {
    return visible
      .filter((m) => BigInt(m.id) > BigInt(after))
      .slice(0, limit)
      .reverse();
  }
  if (around) {
    const index = newestFirst.findIndex((m) => BigInt(m.id) <= BigInt(around));
    const start = Math.max(0, (index < 0 ? newestFirst.length : index) - Math.floor(limit / 2));
    return newestFirst.slice(start, start + limit);
  }
  return newestFirst.slice(0, limit);
}
