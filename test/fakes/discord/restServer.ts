// The HTTP side: /api/v10 routes on node:http, bodies as JSON or multipart (payload_json + files), the bot token on
// authenticated routes, injected failures, rate limits, and a log of every request for tests to read.
// @see https://discord.com/developers/docs/reference#http-api
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { DiscordApiFailure, type FormErrorTree, fail } from "./apiErrors.js";
import type { UploadedFile } from "./messages.js";
import { type RateLimiter, rateLimitedResponse } from "./rateLimits.js";
import type { RouteAnswer } from "./responses.js";

export type HttpMethod = "GET" | "POST" | "PATCH" | "PUT" | "DELETE";

export interface RouteRequest {
  params: Record<string, string>;
  query: URLSearchParams;
  // biome-ignore lint/suspicious/noExplicitAny: request bodies are whatever the client sent; routes check them.
  body: any;
  files: UploadedFile[];
}

export interface RouteDef {
  method: HttpMethod;
  /** A path template after /api/v10, e.g. /channels/:channelId/messages. */
  path: string;
  /** Authenticated with the bot token. Interaction callbacks and webhook routes are not. */
  auth: boolean;
  /** Interaction endpoints are outside the global rate limit. */
  interaction?: boolean;
  handle(request: RouteRequest): RouteAnswer | Promise<RouteAnswer>;
}

/** One request as the fake saw it. */
export interface RequestRecord {
  method: string;
  /** The path after /api/v10, decoded (`@original`, not `%40original`). */
  path: string;
  /** The route template it matched, or null. */
  route: string | null;
  query: Record<string, string>;
  status: number;
  /** Discord's error code when the answer was an error. */
  code: number | null;
  body: unknown;
  files: string[];
  at: number;
  authorized: boolean;
}

/** A failure a test asks for: the next matching request gets it, once. */
export interface InjectedFailure {
  method?: string;
  /** A RegExp tested against the path, or a route template such as "/channels/:channelId/messages". */
  route: RegExp | string;
  status: number;
  code: number;
  message: string;
  errors?: FormErrorTree;
}

export interface RestServerDeps {
  routes: RouteDef[];
  limiter: RateLimiter;
  token: string;
  /** When true, a token other than `token` answers 401 (otherwise any bot token is accepted). */
  strictToken: boolean;
  log: RequestRecord[];
  failures: InjectedFailure[];
}

const PREFIX = "/api/v10";

/** `%40original` → `@original`; a malformed escape stays as sent (and will match no route). */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function matchRoute(routes: RouteDef[], method: string, path: string) {
  const segments = path.split("/").filter(Boolean);
  let pathMatched = false;
  for (const route of routes) {
    const pattern = route.path.split("/").filter(Boolean);
    if (pattern.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const ok = pattern.every((part, i) => {
      const segment = segments[i] ?? "";
      if (part.startsWith(":")) {
        params[part.slice(1)] = segment;
        return true;
      }
      return part === segment;
    });
    if (!ok) continue;
    pathMatched = true;
    if (route.method === method) return { route, params, pathMatched };
  }
  return { route: null, params: {}, pathMatched };
}

/** The top-level resource a request is counted under (channel, guild, or webhook id + token). */
function majorParameter(params: Record<string, string>): string {
  if (params.channelId) return `channel:${params.channelId}`;
  if (params.guildId) return `guild:${params.guildId}`;
  if (params.appId && params.token) return `webhook:${params.appId}:${params.token}`;
  if (params.interactionId) return `interaction:${params.interactionId}`;
  return "global";
}

async function readBody(req: IncomingMessage): Promise<{ body: unknown; files: UploadedFile[]; raw: Buffer }> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  const type = req.headers["content-type"] ?? "";
  if (raw.length === 0) return { body: undefined, files: [], raw };
  if (type.startsWith("multipart/form-data")) {
    // undici's Request parses multipart the way Discord reads it: payload_json plus files[n] parts.
    const form = await new Request("http://fake.local/", {
      method: "POST",
      headers: { "content-type": type },
      body: raw,
    }).formData();
    const files: UploadedFile[] = [];
    let body: unknown;
    for (const [field, value] of form.entries()) {
      if (typeof value === "string") {
        if (field === "payload_json") body = JSON.parse(value);
      } else {
        files.push({ field, name: value.name, size: value.size, contentType: value.type || null });
      }
    }
    return { body, files, raw };
  }
  return { body: JSON.parse(raw.toString("utf8")), files: [], raw };
}

/** Starts the HTTP server (not yet listening). */
export function createRestServer(deps: RestServerDeps): Server {
  return createServer((req, res) => {
    void handle(deps, req, res).catch((error: unknown) => {
      console.error("fake Discord: route crashed", error);
      if (!res.headersSent) send(res, 500, { message: "500: Internal Server Error", code: 0 }, {});
    });
  });
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string>): void {
  const text = status === 204 || body === undefined ? "" : JSON.stringify(body);
  res.writeHead(status, { ...headers, ...(text ? { "Content-Type": "application/json" } : {}) });
  res.end(text);
}

async function handle(deps: RestServerDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? "/", "http://fake.local");
  const method = (req.method ?? "GET").toUpperCase();
  const at = Date.now();
  const rawPath = url.pathname.startsWith(PREFIX) ? url.pathname.slice(PREFIX.length) : null;
  const path = rawPath === null ? url.pathname : rawPath.split("/").map(decodeSegment).join("/");
  const { route, params, pathMatched } =
    rawPath === null ? { route: null, params: {}, pathMatched: false } : matchRoute(deps.routes, method, path);
  const record: RequestRecord = {
    method,
    path,
    route: route?.path ?? null,
    query: Object.fromEntries(url.searchParams),
    status: 0,
    code: null,
    body: undefined,
    files: [],
    at,
    authorized: false,
  };
  deps.log.push(record);
  let headers: Record<string, string> = {};
  const answer = (status: number, body: unknown) => {
    record.status = status;
    record.code = status >= 400 && body && typeof body === "object" && "code" in body ? Number(body.code) : null;
    send(res, status, body, headers);
  };
  try {
    let parsed: Awaited<ReturnType<typeof readBody>>;
    try {
      parsed = await readBody(req);
    } catch {
      throw fail.invalidJson();
    }
    record.body = parsed.body;
    record.files = parsed.files.map((f) => f.name);
    if (!route) throw pathMatched ? fail.methodNotAllowed() : fail.notFound();
    const authorization = req.headers.authorization;
    record.authorized = authorization === `Bot ${deps.token}`;
    if (route.auth && (!authorization || (deps.strictToken && !record.authorized))) throw fail.unauthorized();

    const failureIndex = deps.failures.findIndex(
      (f) =>
        (!f.method || f.method.toUpperCase() === method) &&
        (typeof f.route === "string" ? f.route === route.path || f.route === path : f.route.test(path)),
    );
    const decision = deps.limiter.take({
      method,
      path,
      template: route.path,
      major: majorParameter(params),
      exemptFromGlobal: route.interaction === true,
    });
    headers = decision.headers;
    if (decision.limited) {
      const limited = rateLimitedResponse(decision.limited);
      headers = { ...headers, ...limited.headers };
      answer(429, limited.body);
      return;
    }
    if (failureIndex >= 0) {
      const [f] = deps.failures.splice(failureIndex, 1);
      if (f) {
        answer(f.status, { message: f.message, code: f.code, ...(f.errors ? { errors: f.errors } : {}) });
        return;
      }
    }
    const result = await route.handle({ params, query: url.searchParams, body: parsed.body, files: parsed.files });
    answer(result.status, result.body);
  } catch (error) {
    if (error instanceof DiscordApiFailure) {
      answer(error.status, error.body);
      return;
    }
    // A bug in the fake, not an answer Discord would give: say so loudly, and answer as Discord's outages do.
    console.error(`fake Discord: ${method} ${path} crashed`, error);
    answer(500, { message: "500: Internal Server Error", code: 0 });
  }
}
