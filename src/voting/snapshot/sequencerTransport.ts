import { parseRetryAfter } from "../../sources/snapshot/transientRetry.js";
import type { SequencerAnswer } from "./sequencerOutcome.js";

/** A signed message as the sequencer takes it. */
export interface SnapshotEnvelope {
  address: string;
  sig: string;
  data: {
    domain: Record<string, string | number>;
    types: Record<string, { name: string; type: string }[]>;
    message: Record<string, unknown>;
  };
}

export interface PostOptions {
  /** For the whole exchange: connecting, sending, and reading the answer to its end. */
  timeoutMs: number;
  fetch: typeof fetch;
  signal?: AbortSignal;
  nowMs: () => number;
}

// Errors that mean the request never left this machine, so the sequencer cannot have stored anything.
const NOT_SENT = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "UND_ERR_CONNECT_TIMEOUT"]);

/**
 * POSTs one envelope and reports what came back, never throwing for the network's sake. The timeout covers reading
 * the body too: an answer that stalls halfway is no answer.
 */
export async function postEnvelope(
  url: string,
  envelope: SnapshotEnvelope,
  options: PostOptions,
): Promise<SequencerAnswer> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, options.timeoutMs);
  const onAbort = () => controller.abort();
  if (options.signal?.aborted) controller.abort();
  options.signal?.addEventListener("abort", onAbort, { once: true });
  try {
    const response = await options.fetch(url, {
      method: "POST",
      headers: { Accept: "application/json", "Content-Type": "application/json" },
      body: JSON.stringify(envelope),
      signal: controller.signal,
    });
    const text = await response.text();
    return {
      kind: "answered",
      status: response.status,
      body: parseJson(text),
      retryAfterMs: parseRetryAfter(response.headers.get("retry-after"), options.nowMs()),
    };
  } catch (error) {
    if (timedOut) return { kind: "timeout", afterMs: options.timeoutMs };
    if (options.signal?.aborted) return { kind: "cancelled" };
    const code = errorCode(error);
    return { kind: "network", refused: code !== undefined && NOT_SENT.has(code), detail: describeError(error, code) };
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", onAbort);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // Proxies answer outages with HTML; the text itself is what a person needs to see.
    return text;
  }
}

/** undici puts the socket's error under `cause`; other fetch implementations on the error itself. */
function errorCode(error: unknown): string | undefined {
  for (const candidate of [(error as { cause?: unknown })?.cause, error]) {
    const code = (candidate as { code?: unknown } | undefined)?.code;
    if (typeof code === "string") return code;
  }
  return undefined;
}

function describeError(error: unknown, code: string | undefined): string {
  const cause = (error as { cause?: { message?: unknown } })?.cause?.message;
  const message = error instanceof Error ? error.message : String(error);
  return [message, typeof cause === "string" ? cause : undefined, code].filter(Boolean).join(": ");
}
