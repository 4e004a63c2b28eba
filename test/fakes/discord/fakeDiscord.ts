// A fake Discord on loopback for the REAL discord.js Client: `new Client({ rest: { api: discord.apiUrl } })` logs in
// through GET /gateway/bot and the fake's gateway, receives interactions the test starts, and answers through REST
// routes that enforce Discord's rules (deadlines, sizes, threads, nonces, rate limits). Tests read back what the bot
// did (messages with their history, threads, commands, every request) and inject faults (429s, errors, archived or
// locked threads, dropped connections).
//
// Order at the end of a test: `await client.destroy()` before `await discord.close()`, or the client reconnects.
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import type { APIApplicationCommand } from "discord.js";
import { type CommandPermissionOverwrite, setCommandPermissions } from "./commands.js";
import { FakeGateway, type SessionView } from "./gateway.js";
import { botToken } from "./ids.js";
import {
  type AutocompleteInput,
  type AutocompleteRun,
  type ButtonInput,
  type InteractionRun,
  InteractionStore,
  type ModalSubmitInput,
  type SelectInput,
  type SlashCommandInput,
} from "./interactions.js";
import { postAsMember } from "./messages.js";
import { type BucketPolicy, type InjectedRateLimit, RateLimiter } from "./rateLimits.js";
import { InteractionResponder } from "./responses.js";
import { restRoutes } from "./restRoutes.js";
import { createRestServer, type InjectedFailure, type RequestRecord } from "./restServer.js";
import { DiscordWorld, type FakeGuildConfig, worldOptions } from "./state.js";
import { setThreadState } from "./threads.js";
import { type MessageView, type ThreadView, viewMessage, viewThread } from "./views.js";

export type { FormErrorTree } from "./apiErrors.js";
export { type CommandPermissionOverwrite, InvocationError } from "./commands.js";
export type { Acknowledgement, AutocompleteRun, InteractionRun } from "./interactions.js";
export type { RequestRecord } from "./restServer.js";
export type { FakeGuildConfig } from "./state.js";
export type { MessageView, ThreadView } from "./views.js";

export interface FakeDiscordOptions {
  applicationId: string;
  guilds: FakeGuildConfig[];
  /** The bot user's id; Discord gives new applications the same id for both (the default). */
  botUserId?: string;
  botUsername?: string;
  /** The bot's managed role in every guild (default: see DEFAULT_BOT_PERMISSIONS, without MANAGE_THREADS). */
  botPermissions?: bigint | string;
  /** Answer 401 (REST) and close 4004 (gateway) for any token but `token`. Off by default: any bot token works. */
  strictToken?: boolean;
  /** Shards GET /gateway/bot recommends (default 1). */
  shards?: number;
  /** HELLO's heartbeat_interval (Discord: 41250 ms). */
  heartbeatIntervalMs?: number;
  /** Time to the first interaction response (Discord: 3000 ms). */
  ackDeadlineMs?: number;
  /** Lifetime of an interaction token for edits and follow-ups (Discord: 15 min). */
  tokenLifetimeMs?: number;
  /** Per-route bucket (default 50 per 1 s, so tests don't wait; Discord's message route is about 5 per 5 s). */
  routeLimit?: BucketPolicy;
  /** Global requests per second (Discord: 50). */
  globalLimitPerSecond?: number;
  /** A send into an archived, unlocked thread: "unarchive" (the docs, default) or "reject" with 50083. */
  archivedThreadSends?: "unarchive" | "reject";
  /** How far back enforce_nonce looks (Discord: "the past few minutes"; default 5 min). */
  nonceWindowMs?: number;
  /** Active threads per guild before 160006 (Discord: 1000). */
  maxActiveThreads?: number;
}

export interface FakeDiscord {
  /** What `new Client({ rest: { api } })` takes: http://127.0.0.1:PORT/api */
  readonly apiUrl: string;
  readonly gatewayUrl: string;
  /** The bot token to log in with. */
  readonly token: string;
  readonly applicationId: string;
  readonly botUserId: string;
  close(): Promise<void>;

  /** A member runs a slash command; options are typed by the registered definition when there is one. */
  slashCommand(input: SlashCommandInput): InteractionRun;
  /** A member types into an autocompleted option; `acknowledged` (or `choices()`) gives the bot's answer. */
  autocomplete(input: AutocompleteInput): AutocompleteRun;
  /** A member presses a button on a message. */
  button(input: ButtonInput): InteractionRun;
  /** A member picks values in a string select on a message. */
  selectMenu(input: SelectInput): InteractionRun;
  /** A member submits a modal; shaped like the modal the bot showed them, if it showed one. */
  modalSubmit(input: ModalSubmitInput): InteractionRun;
  /** A member posts a message (what the bot may read in a thread). */
  postAsMember(input: { channelId: string; userId: string; content: string }): MessageView;

  /** Messages of a channel or thread in order, as they are now (ephemeral ones included, flagged). */
  messages(channelId: string, options?: { includeDeleted?: boolean }): MessageView[];
  message(messageId: string): MessageView | undefined;
  /** Threads, all or under one parent channel, in creation order. */
  threads(parentChannelId?: string): ThreadView[];
  /** Registered command definitions: a guild's, or the global ones. */
  commands(guildId?: string): APIApplicationCommand[];
  /** An admin changes who may use a command in a guild (Server Settings → Integrations), replacing earlier overwrites. */
  setCommandPermissions(guildId: string, commandName: string, overwrites: CommandPermissionOverwrite[]): void;
  /** Every REST request so far, in arrival order. */
  readonly requests: readonly RequestRecord[];
  /** Gateway sessions (one per identified shard connection). */
  sessions(): SessionView[];

  /** The next matching request answers 429 with Discord's headers and body. */
  rateLimitNext(options: InjectedRateLimit): void;
  /** The next matching request answers this error instead. */
  failNext(options: InjectedFailure): void;
  /** Archives a thread as Discord's inactivity timer or a moderator would (THREAD_UPDATE follows). */
  archiveThread(threadId: string): void;
  /** Locks a thread as a moderator would (THREAD_UPDATE follows). */
  lockThread(threadId: string): void;
  /** Closes every gateway connection with `code` (default 4000, resumable); the client resumes. */
  dropGatewayConnections(code?: number): void;
}

/** Starts a fake Discord on 127.0.0.1 with the given guilds. */
export async function startFakeDiscord(options: FakeDiscordOptions): Promise<FakeDiscord> {
  const world = new DiscordWorld(worldOptions(options));
  for (const guild of options.guilds) world.addGuild(guild);
  const token = botToken(world.botUserId);
  let baseUrl = "";
  const gatewayUrl = () => baseUrl.replace(/^http/, "ws");
  const strictToken = options.strictToken ?? false;
  const gateway = new FakeGateway({
    world,
    token,
    strictToken,
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? 41_250,
    url: gatewayUrl,
  });
  world.dispatch = (event) => gateway.broadcast(event);
  const store = new InteractionStore(
    world,
    { ackDeadlineMs: options.ackDeadlineMs ?? 3000, tokenLifetimeMs: options.tokenLifetimeMs ?? 15 * 60_000 },
    (guildId, payload) => gateway.deliverInteraction(guildId, payload),
  );
  const rules = {
    archivedThreadSends: options.archivedThreadSends ?? "unarchive",
    maxActiveThreads: options.maxActiveThreads ?? 1000,
    nonceWindowMs: options.nonceWindowMs ?? 5 * 60_000,
  };
  const requests: RequestRecord[] = [];
  const failures: InjectedFailure[] = [];
  const limiter = new RateLimiter(
    options.routeLimit ?? { limit: 50, resetAfterSeconds: 1 },
    options.globalLimitPerSecond ?? 50,
  );
  const routes = restRoutes({
    world,
    responder: new InteractionResponder(world, store),
    rules,
    gatewayUrl,
    shardCount: options.shards ?? 1,
  });
  const server = createRestServer({ routes, limiter, token, strictToken, log: requests, failures });
  server.on("upgrade", (request, socket, head) => gateway.upgrade(request, socket, head));
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    apiUrl: `${baseUrl}/api`,
    gatewayUrl: gatewayUrl(),
    token,
    applicationId: options.applicationId,
    botUserId: world.botUserId,
    async close() {
      store.close();
      await gateway.close();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
    slashCommand: (input) => store.slashCommand(input),
    autocomplete: (input) => store.autocomplete(input),
    button: (input) => store.button(input),
    selectMenu: (input) => store.selectMenu(input),
    modalSubmit: (input) => store.modalSubmit(input),
    postAsMember: (input) => viewMessage(world, postAsMember(world, input)),
    messages(channelId, { includeDeleted = false } = {}) {
      return (world.messages.get(channelId) ?? [])
        .filter((m) => includeDeleted || !m.deleted)
        .map((m) => viewMessage(world, m));
    },
    message(messageId) {
      const message = world.messagesById.get(messageId);
      return message ? viewMessage(world, message) : undefined;
    },
    threads: (parentChannelId) => world.threads(parentChannelId).map((t) => viewThread(world, t)),
    commands: (guildId) => structuredClone(world.commands.get(guildId ?? "global") ?? []),
    setCommandPermissions: (guildId, commandName, overwrites) =>
      setCommandPermissions(world, guildId, commandName, overwrites),
    requests,
    sessions: () => gateway.sessionViews(),
    rateLimitNext: (limit) => limiter.inject(limit),
    failNext: (failure) => {
      failures.push(failure);
    },
    archiveThread: (threadId) => setThreadState(world, threadId, { archived: true }),
    lockThread: (threadId) => setThreadState(world, threadId, { locked: true }),
    dropGatewayConnections: (code = 4000) => gateway.dropConnections(code),
  };
}
