import Anthropic from "@anthropic-ai/sdk";
import { TribuneError } from "../errors/tribuneError.js";

/** What went wrong talking to the model's server; `transient` kinds are worth another try later. */
export type LlmFailureKind =
  | "timeout"
  | "connection"
  | "rate_limited"
  | "overloaded"
  | "server"
  | "auth"
  | "bad_request"
  | "aborted"
  | "malformed_response";

const TRANSIENT: ReadonlySet<LlmFailureKind> = new Set([
  "timeout",
  "connection",
  "rate_limited",
  "overloaded",
  "server",
]);

const HINTS: Record<LlmFailureKind, string> = {
  timeout: "The model's server did not answer within LLM_TIMEOUT_MS; the job will try again later",
  connection: "The model's server could not be reached; check ANTHROPIC_BASE_URL / LLM_BASE_URL and the network",
  rate_limited: "The model's server is rate-limiting Tribune; the job will try again later",
  overloaded: "The model's server is overloaded; the job will try again later",
  server: "The model's server failed; the job will try again later",
  auth: "The model's server refused the credentials; check ANTHROPIC_API_KEY",
  bad_request: "The model's server refused the request; check LLM_MODEL and the server's version",
  aborted: "The call was cancelled because its job ran out of time",
  malformed_response: "The model's server answered in a shape that is not the Messages API; check the server",
};

/** A call to the model's server failed after the SDK's bounded retries. */
export class LlmError extends TribuneError {
  readonly kind: LlmFailureKind;
  readonly status: number | null;

  constructor(kind: LlmFailureKind, message: string, options: { status?: number | null; cause?: unknown } = {}) {
    super(`llm.${kind}`, message, HINTS[kind], { cause: options.cause });
    this.kind = kind;
    this.status = options.status ?? null;
  }

  /** Worth retrying later (by the job queue): timeouts, connection drops, 429, 5xx and 529. */
  get transient(): boolean {
    return TRANSIENT.has(this.kind);
  }
}

/**
 * Turns what the SDK threw into an LlmError. Status codes follow the Messages API's error table (429 rate limit,
 * 529 overloaded, 5xx server).
 * @see https://docs.anthropic.com/en/api/errors
 */
export function toLlmError(error: unknown): LlmError {
  if (error instanceof LlmError) return error;
  if (error instanceof Anthropic.APIUserAbortError)
    return new LlmError("aborted", "LLM call aborted", { cause: error });
  if (error instanceof Anthropic.APIConnectionTimeoutError) {
    return new LlmError("timeout", "LLM call timed out", { cause: error });
  }
  if (error instanceof Anthropic.APIConnectionError) {
    return new LlmError("connection", `LLM server unreachable: ${error.message}`, { cause: error });
  }
  if (error instanceof Anthropic.APIError) {
    const status = typeof error.status === "number" ? error.status : null;
    const message = `LLM server answered ${status ?? "?"}: ${error.message}`;
    if (status === 429) return new LlmError("rate_limited", message, { status, cause: error });
    if (status === 529) return new LlmError("overloaded", message, { status, cause: error });
    if (status === 408) return new LlmError("timeout", message, { status, cause: error });
    if (status !== null && status >= 500) return new LlmError("server", message, { status, cause: error });
    if (status === 401 || status === 403) return new LlmError("auth", message, { status, cause: error });
    return new LlmError("bad_request", message, { status, cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new LlmError("malformed_response", `LLM call failed: ${message}`, { cause: error });
}
