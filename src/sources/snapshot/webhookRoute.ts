import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { z } from "zod";
import type { Secret } from "../../config/secret.js";
import type { Logger } from "../../log/logger.js";
import { type Route, sendText } from "../../web/webServer.js";

/**
 * Snapshot's webhook body. It names a proposal and an event, never the proposal's content.
 * @see https://github.com/snapshot-labs/snapshot-webhook/blob/master/src/providers/webhook.ts
 */
const webhookBodySchema = z.object({
  id: z.string().regex(/^proposal\/(0x[0-9a-fA-F]{64}|Qm[1-9A-HJ-NP-Za-km-z]{44})$/),
  event: z.enum(["proposal/created", "proposal/start", "proposal/end", "proposal/deleted"]),
  space: z.string().min(1).max(200),
  expire: z.number().optional(),
  secret: z.string().optional(),
});

/** What a webhook call suggests: look at this proposal again. */
export interface WebhookHint {
  proposalId: string;
  event: z.infer<typeof webhookBodySchema>["event"];
  space: string;
}

export interface SnapshotWebhookRouteOptions {
  /** SNAPSHOT_WEBHOOK_SECRET: the value Snapshot sends in its `Authentication` header. */
  secret: Secret;
  /** Only these spaces' hints are acted on (SNAPSHOT_SPACES). */
  spaces: readonly string[];
  /** Acts on a hint (the watcher's `hint`); not awaited by the route, so Snapshot gets its answer at once. */
  onHint: (hint: WebhookHint) => Promise<void>;
  logger?: Pick<Logger, "warn" | "error">;
  path?: string;
}

const MAX_BODY_BYTES = 16 * 1024;

/**
 * POST /webhooks/snapshot: checks the shared secret (401 if wrong), then answers 202 and has the watcher fetch the
 * proposal from the hub. The body is a hint only: a forged or replayed call can cost one hub request, never a write
 * the hub does not confirm.
 */
export function createSnapshotWebhookRoute(options: SnapshotWebhookRouteOptions): Route {
  const path = options.path ?? "/webhooks/snapshot";
  const watched = new Set(options.spaces);
  const expected = digest(options.secret.reveal());

  return async (request, response, url) => {
    if (url.pathname !== path) return false;
    if (request.method !== "POST") {
      response.setHeader("allow", "POST");
      sendText(response, 405, "Method not allowed\n");
      return true;
    }
    const body = await readBody(request);
    if (body === null) {
      sendText(response, 413, "Body too large\n");
      return true;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      parsed = undefined;
    }
    // Snapshot puts the secret in the `Authentication` header (and, depending on its salt settings, in the body).
    const header = request.headers.authentication;
    const offered = typeof header === "string" ? header : bodySecret(parsed);
    if (offered === undefined || !timingSafeEqual(digest(offered), expected)) {
      sendText(response, 401, "Wrong or missing webhook secret\n");
      return true;
    }
    const hook = webhookBodySchema.safeParse(parsed);
    if (!hook.success) {
      sendText(response, 400, "Not a Snapshot proposal event\n");
      return true;
    }
    if (!watched.has(hook.data.space)) {
      sendText(response, 202, "Ignored: not a watched space\n");
      return true;
    }
    const hint: WebhookHint = {
      proposalId: hook.data.id.slice("proposal/".length),
      event: hook.data.event,
      space: hook.data.space,
    };
    options.onHint(hint).catch((error: unknown) => {
      options.logger?.error({ err: error, hint }, "fetching a proposal after a Snapshot webhook failed; polling will");
    });
    sendText(response, 202, "Accepted\n");
    return true;
  };
}

/** Hashing both sides first gives equal lengths, which timingSafeEqual needs, without leaking the secret's length. */
function digest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}

function bodySecret(parsed: unknown): string | undefined {
  if (parsed && typeof parsed === "object" && "secret" in parsed && typeof parsed.secret === "string") {
    return parsed.secret;
  }
  return undefined;
}

/** The request body as text, or null past the size limit (the rest is drained, not kept). */
async function readBody(request: IncomingMessage): Promise<string | null> {
  if (Number(request.headers["content-length"] ?? 0) > MAX_BODY_BYTES) return null;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const piece of request) {
    const buffer = piece as Buffer;
    size += buffer.length;
    if (size <= MAX_BODY_BYTES) chunks.push(buffer);
  }
  return size > MAX_BODY_BYTES ? null : Buffer.concat(chunks).toString("utf8");
}
