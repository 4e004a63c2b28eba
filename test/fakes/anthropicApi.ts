// A local fake of the Anthropic Messages API (POST /v1/messages) on loopback, for the real SDK to talk to through
// `baseURL`. It checks requests the way the API does (headers, body shape, at most 4 cache breakpoints), serves
// scripted replies (answers, refusals, truncation, 429/529 with retry-after, slow answers, dropped connections), and
// reports usage sized like the real thing: ~4 characters per token, with prompt caching emulated per prefix.
// @see https://docs.anthropic.com/en/api/messages
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { z } from "zod";

const cacheControlSchema = z.object({ type: z.literal("ephemeral"), ttl: z.enum(["5m", "1h"]).optional() });
const textBlockSchema = z.object({
  type: z.literal("text"),
  text: z.string().min(1),
  cache_control: cacheControlSchema.nullish(),
});
const requestSchema = z.object({
  model: z.string().min(1),
  max_tokens: z.number().int().positive(),
  system: z.union([z.string(), z.array(textBlockSchema)]).optional(),
  messages: z
    .array(z.object({ role: z.enum(["user", "assistant"]), content: z.union([z.string(), z.array(textBlockSchema)]) }))
    .min(1),
  output_config: z
    .object({
      effort: z.enum(["low", "medium", "high", "xhigh", "max"]).nullish(),
      format: z.object({ type: z.literal("json_schema"), schema: z.record(z.string(), z.unknown()) }).nullish(),
    })
    .optional(),
});
export type MessagesRequestBody = z.infer<typeof requestSchema>;

/** A request as the fake received it, with the parts a responder needs at hand. */
export interface ReceivedRequest {
  body: MessagesRequestBody;
  headers: IncomingMessage["headers"];
  systemText: string;
  userText: string;
}

export type StopReason = "end_turn" | "max_tokens" | "model_context_window_exceeded" | "refusal" | "stop_sequence";

/** What the fake does with one request. */
export type FakeReply =
  | { kind: "message"; text: string; stopReason?: StopReason; outputTokens?: number }
  | { kind: "error"; status: number; errorType: string; message: string; headers?: Record<string, string> }
  | { kind: "slow"; delayMs: number; reply: FakeReply }
  | { kind: "drop" };

export type Responder = (request: ReceivedRequest) => FakeReply | Promise<FakeReply>;

export interface FakeAnthropicApi {
  /** The base URL to give the SDK. */
  url: string;
  /** Every valid request received, in order (retries included). */
  requests: ReceivedRequest[];
  /** Replies used for the next requests, first in first out, before the responder is asked. */
  script(...replies: FakeReply[]): void;
  setResponder(responder: Responder): void;
  /** Forgets the requests seen and any scripted reply not used yet. */
  reset(): void;
  close(): Promise<void>;
}

export interface FakeAnthropicApiOptions {
  responder?: Responder;
  /** The model's minimum cacheable prompt (Sonnet-class: 1,024 tokens); shorter prefixes are not cached. */
  cacheMinTokens?: number;
}

/** ~4 characters per token for English prose: the usual rule of thumb, close enough to size a bill. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** A JSON answer as structured output returns it. */
export function jsonReply(value: unknown, stopReason: StopReason = "end_turn"): FakeReply {
  return { kind: "message", text: JSON.stringify(value), stopReason };
}

export function errorReply(status: number, retryAfterSeconds?: number): FakeReply {
  const errorType =
    status === 429
      ? "rate_limit_error"
      : status === 529
        ? "overloaded_error"
        : status >= 500
          ? "api_error"
          : "invalid_request_error";
  return {
    kind: "error",
    status,
    errorType,
    message: `fake ${errorType}`,
    headers: retryAfterSeconds === undefined ? {} : { "retry-after": String(retryAfterSeconds) },
  };
}

/** Starts the fake on 127.0.0.1 at a free port. */
export async function startFakeAnthropicApi(options: FakeAnthropicApiOptions = {}): Promise<FakeAnthropicApi> {
  const scripted: FakeReply[] = [];
  const requests: ReceivedRequest[] = [];
  const cachedPrefixes = new Set<string>();
  const cacheMinTokens = options.cacheMinTokens ?? 1_024;
  let responder: Responder =
    options.responder ??
    (() => ({ kind: "error", status: 500, errorType: "api_error", message: "the fake has no reply scripted" }));

  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendError(res, 500, "api_error", String(error));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    if (req.method !== "POST" || req.url?.split("?")[0] !== "/v1/messages") {
      return sendError(res, 404, "not_found_error", `no route ${req.method} ${req.url}`);
    }
    if (!req.headers["anthropic-version"]) return sendError(res, 400, "invalid_request_error", "anthropic-version");
    if (!req.headers["x-api-key"] && !req.headers.authorization) {
      return sendError(res, 401, "authentication_error", "no credentials");
    }
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      return sendError(res, 400, "invalid_request_error", "body is not JSON");
    }
    const parsed = requestSchema.safeParse(json);
    if (!parsed.success) return sendError(res, 400, "invalid_request_error", z.prettifyError(parsed.error));
    const body = parsed.data;
    const breakpoints = countBreakpoints(body);
    if (breakpoints > 4) return sendError(res, 400, "invalid_request_error", "at most 4 cache_control blocks");

    const request: ReceivedRequest = {
      body,
      headers: req.headers,
      systemText: blocksOf(body.system)
        .map((b) => b.text)
        .join("\n"),
      userText: body.messages.flatMap((m) => blocksOf(m.content).map((b) => b.text)).join("\n"),
    };
    requests.push(request);
    const reply = scripted.shift() ?? (await responder(request));
    await send(res, reply, request);
  }

  async function send(res: ServerResponse, reply: FakeReply, request: ReceivedRequest): Promise<void> {
    switch (reply.kind) {
      case "drop":
        res.socket?.destroy();
        return;
      case "slow":
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, reply.delayMs);
          res.on("close", () => {
            clearTimeout(timer);
            resolve();
          });
        });
        if (res.destroyed || res.socket?.destroyed) return;
        return send(res, reply.reply, request);
      case "error":
        return sendError(res, reply.status, reply.errorType, reply.message, reply.headers);
      case "message": {
        const usage = usageFor(request.body, reply.text, reply.outputTokens);
        res.writeHead(200, { "content-type": "application/json", "request-id": `req_fake_${requests.length}` });
        res.end(
          JSON.stringify({
            id: `msg_fake_${requests.length}`,
            type: "message",
            role: "assistant",
            model: request.body.model,
            content: reply.text === "" ? [] : [{ type: "text", text: reply.text }],
            stop_reason: reply.stopReason ?? "end_turn",
            stop_sequence: null,
            usage,
          }),
        );
      }
    }
  }

  // Emulates prompt caching: each system block with cache_control ends a cacheable prefix. The longest prefix seen
  // before is read from the cache; the rest up to the last breakpoint is written. Prefixes below the minimum are
  // neither (the API does not error, it just does not cache). The output schema is counted as uncached input.
  function usageFor(body: MessagesRequestBody, text: string, outputTokens?: number) {
    const system = blocksOf(body.system);
    const messagesText = body.messages.flatMap((m) => blocksOf(m.content).map((b) => b.text)).join("");
    const schemaText = body.output_config?.format ? JSON.stringify(body.output_config.format.schema) : "";
    const total = estimateTokens(system.map((b) => b.text).join("") + messagesText + schemaText);
    let prefix = "";
    let read = 0;
    let cachedUpTo = 0;
    for (const block of system) {
      prefix += block.text;
      if (!block.cache_control) continue;
      const tokens = estimateTokens(prefix);
      if (tokens < cacheMinTokens) continue;
      const key = createHash("sha256").update(`${body.model}\n${prefix}`).digest("hex");
      if (cachedPrefixes.has(key)) read = tokens;
      cachedPrefixes.add(key);
      cachedUpTo = tokens;
    }
    const written = Math.max(0, cachedUpTo - read);
    return {
      input_tokens: total - read - written,
      output_tokens: outputTokens ?? estimateTokens(text),
      cache_read_input_tokens: read,
      cache_creation_input_tokens: written,
    };
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    script: (...replies) => scripted.push(...replies),
    setResponder: (next) => {
      responder = next;
    },
    reset: () => {
      requests.length = 0;
      scripted.length = 0;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function blocksOf(content: string | z.infer<typeof textBlockSchema>[] | undefined): z.infer<typeof textBlockSchema>[] {
  if (content === undefined) return [];
  return typeof content === "string" ? [{ type: "text", text: content }] : content;
}

function countBreakpoints(body: MessagesRequestBody): number {
  const blocks = [...blocksOf(body.system), ...body.messages.flatMap((m) => blocksOf(m.content))];
  return blocks.filter((b) => b.cache_control).length;
}

function sendError(
  res: ServerResponse,
  status: number,
  errorType: string,
  message: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify({ type: "error", error: { type: errorType, message } }));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}
