// The gateway on loopback (the `ws` package, plain JSON frames): HELLO, heartbeat ACKs, IDENTIFY → READY (guilds
// unavailable, resume_gateway_url) then GUILD_CREATE per guild of the shard, RESUME with replay, and dispatches routed
// by shard and filtered by intents, with message content stripped for sessions without MESSAGE_CONTENT.
// @see https://discord.com/developers/docs/events/gateway
// @see https://discord.com/developers/docs/events/gateway-events
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { type WebSocket, WebSocketServer } from "ws";
import { Intent } from "./events.js";
import { sessionId as newSessionId } from "./ids.js";
import { applicationPayload, guildCreatePayload, memberPayload, userPayload } from "./payloads.js";
import type { DiscordWorld, WorldEvent } from "./state.js";

export interface GatewayOptions {
  world: DiscordWorld;
  token: string;
  strictToken: boolean;
  heartbeatIntervalMs: number;
  /** The URL sessions resume at (READY's resume_gateway_url). */
  url: () => string;
}

interface Session {
  id: string;
  shard: [number, number];
  intents: number;
  seq: number;
  socket: WebSocket | null;
  /** Dispatches kept for RESUME, newest last. */
  backlog: { s: number; frame: string }[];
}

/** A session a test can see. */
export interface SessionView {
  sessionId: string;
  shard: [number, number];
  intents: number;
  connected: boolean;
}

const BACKLOG = 1000;

/** Which shard a guild's events go to: (guild_id >> 22) % shard_count. */
export function shardOf(guildId: string, shardCount: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(shardCount));
}

export class FakeGateway {
  private readonly server = new WebSocketServer({ noServer: true });
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly options: GatewayOptions) {
    this.server.on("connection", (socket, request) => this.open(socket, request));
  }

  /** Takes over an HTTP upgrade request. */
  upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.server.handleUpgrade(request, socket, head, (ws) => this.server.emit("connection", ws, request));
  }

  sessionViews(): SessionView[] {
    return [...this.sessions.values()].map((s) => ({
      sessionId: s.id,
      shard: s.shard,
      intents: s.intents,
      connected: s.socket !== null,
    }));
  }

  /** Sends a world event to every session of the guild's shard that asked for its intent. */
  broadcast(event: WorldEvent): void {
    for (const session of this.sessions.values()) {
      if (event.guildId !== null && shardOf(event.guildId, session.shard[1]) !== session.shard[0]) continue;
      if (event.intent !== null && (session.intents & event.intent) === 0) continue;
      this.dispatch(session, event.t, this.visibleData(session, event));
    }
  }

  /** Delivers INTERACTION_CREATE to a connected session of the guild's shard (interactions need no intent). */
  deliverInteraction(guildId: string, payload: unknown): void {
    const session = [...this.sessions.values()].find(
      (s) => s.socket !== null && shardOf(guildId, s.shard[1]) === s.shard[0],
    );
    if (!session)
      throw new Error(`fake Discord: no connected gateway session for guild ${guildId}; log the client in first`);
    this.dispatch(session, "INTERACTION_CREATE", payload);
  }

  /** Drops every connection as a network blip would (the client resumes); sessions stay resumable. */
  dropConnections(code: number): void {
    for (const session of this.sessions.values()) {
      session.socket?.close(code, "fake Discord: connection dropped");
      session.socket = null;
    }
  }

  async close(): Promise<void> {
    for (const client of this.server.clients) client.terminate();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private visibleData(session: Session, event: WorldEvent): unknown {
    const author = event.messageAuthorId;
    if (author === undefined || author === this.options.world.botUserId) return event.d;
    if ((session.intents & Intent.MessageContent) !== 0) return event.d;
    const d = event.d as { content?: string };
    if (d.content?.includes(`<@${this.options.world.botUserId}>`)) return event.d;
    // Without MESSAGE_CONTENT, other people's messages arrive with these fields empty.
    return { ...(event.d as object), content: "", embeds: [], attachments: [], components: [] };
  }

  private dispatch(session: Session, t: string, d: unknown): void {
    session.seq += 1;
    const frame = JSON.stringify({ op: 0, t, s: session.seq, d });
    session.backlog.push({ s: session.seq, frame });
    if (session.backlog.length > BACKLOG) session.backlog.shift();
    if (session.socket?.readyState === 1) session.socket.send(frame);
  }

  private open(socket: WebSocket, request: IncomingMessage): void {
    const query = new URL(request.url ?? "/", "http://fake.local").searchParams;
    if (query.get("v") !== "10") {
      socket.close(4012, "Invalid API version");
      return;
    }
    if (query.get("encoding") !== "json" || query.has("compress")) {
      // Only plain JSON text frames are spoken here (discord.js sends compress=zlib-stream only with zlib-sync).
      socket.close(4002, "Decode error: only encoding=json without compression is supported");
      return;
    }
    let session: Session | null = null;
    socket.send(
      JSON.stringify({ op: 10, d: { heartbeat_interval: this.options.heartbeatIntervalMs }, s: null, t: null }),
    );
    socket.on("message", (raw) => {
      let frame: { op?: number; d?: unknown };
      try {
        frame = JSON.parse(String(raw));
      } catch {
        socket.close(4002, "Decode error");
        return;
      }
      switch (frame.op) {
        case 1:
          socket.send(JSON.stringify({ op: 11 }));
          return;
        case 2:
          if (session) {
            socket.close(4005, "Already authenticated");
            return;
          }
          session = this.identify(socket, frame.d as IdentifyData);
          return;
        case 6:
          session = this.resume(socket, frame.d as { token?: string; session_id?: string; seq?: number });
          return;
        case 8:
          if (session) this.requestMembers(session, frame.d as MembersRequest);
          return;
        case 3:
        case 4:
          return;
        default:
          socket.close(4001, "Unknown opcode");
      }
    });
    socket.on("close", (code) => {
      if (!session || session.socket !== socket) return;
      session.socket = null;
      // A client that closes with 1000 or 1001 ends its session; Discord will not resume it.
      if (code === 1000 || code === 1001) this.sessions.delete(session.id);
    });
  }

  private tokenAccepted(token: string | undefined): boolean {
    if (!token) return false;
    return !this.options.strictToken || token === this.options.token;
  }

  private identify(socket: WebSocket, data: IdentifyData): Session | null {
    if (!this.tokenAccepted(data?.token)) {
      socket.close(4004, "Authentication failed");
      return null;
    }
    if (typeof data.intents !== "number") {
      socket.close(4013, "Invalid intent(s)");
      return null;
    }
    const shard = data.shard ?? [0, 1];
    if (shard[1] < 1 || shard[0] < 0 || shard[0] >= shard[1]) {
      socket.close(4010, "Invalid shard");
      return null;
    }
    const world = this.options.world;
    const session: Session = { id: newSessionId(), shard, intents: data.intents, seq: 0, socket, backlog: [] };
    this.sessions.set(session.id, session);
    const guilds = [...world.guilds.values()].filter((g) => shardOf(g.id, shard[1]) === shard[0]);
    const application = applicationPayload(world);
    this.dispatch(session, "READY", {
      v: 10,
      user: { ...userPayload(world.user(world.botUserId)), verified: true, mfa_enabled: false },
      guilds: guilds.map((g) => ({ id: g.id, unavailable: true })),
      session_id: session.id,
      resume_gateway_url: this.options.url(),
      shard,
      application: { id: application.id, flags: application.flags },
      session_type: "normal",
      private_channels: [],
      presences: [],
      relationships: [],
      guild_join_requests: [],
      user_settings: {},
      geo_ordered_rtc_regions: [],
      auth: {},
      _trace: ['["fake-gateway",{"micros":0}]'],
    });
    if ((data.intents & Intent.Guilds) !== 0) {
      const allMembers = (data.intents & (Intent.GuildMembers | Intent.GuildPresences)) !== 0;
      for (const guild of guilds)
        this.dispatch(session, "GUILD_CREATE", guildCreatePayload(world, guild, { allMembers }));
    }
    return session;
  }

  private resume(socket: WebSocket, data: { token?: string; session_id?: string; seq?: number }): Session | null {
    const session = data.session_id ? this.sessions.get(data.session_id) : undefined;
    if (!session || !this.tokenAccepted(data.token)) {
      // Not resumable: the client must identify again.
      socket.send(JSON.stringify({ op: 9, d: false }));
      return null;
    }
    session.socket = socket;
    for (const entry of session.backlog) if (entry.s > (data.seq ?? 0)) socket.send(entry.frame);
    this.dispatch(session, "RESUMED", null);
    return session;
  }

  private requestMembers(session: Session, data: MembersRequest): void {
    const world = this.options.world;
    const guild = world.guilds.get(data.guild_id);
    if (!guild) return;
    const byQuery = (username: string) =>
      data.query === undefined || username.toLowerCase().startsWith(data.query.toLowerCase());
    const members = [...guild.members.values()]
      .filter((m) => (data.user_ids ? data.user_ids.includes(m.userId) : byQuery(world.user(m.userId).username)))
      .slice(0, data.limit && data.limit > 0 ? data.limit : undefined)
      .map((m) => memberPayload(world, m));
    this.dispatch(session, "GUILD_MEMBERS_CHUNK", {
      guild_id: guild.id,
      members,
      chunk_index: 0,
      chunk_count: 1,
      not_found: [],
      ...(data.nonce ? { nonce: data.nonce } : {}),
    });
  }
}

interface IdentifyData {
  token?: string;
  intents?: number;
  shard?: [number, number];
}

interface MembersRequest {
  guild_id: string;
  query?: string;
  limit?: number;
  user_ids?: string[];
  nonce?: string;
}
