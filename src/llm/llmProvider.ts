import type { z } from "zod";

// The seam between Tribune and a language model. A provider takes instructions, data and a zod schema and returns
// either a value that passed the schema or a typed reason why there is none; it never invents a default. Transport
// failures that outlast the bounded retries are thrown as LlmError (see llmError.ts).

/** Which kind of server answers: the Anthropic API or an Anthropic-compatible local server. */
export type LlmProviderKind = "anthropic" | "local";

/** Tokens one call used, as the server reported them; `inputTokens` excludes cache reads and writes. */
export interface LlmUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
}

export const NO_USAGE: LlmUsage = Object.freeze({
  inputTokens: 0,
  outputTokens: 0,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
});

/** One block of the system prompt; `cache: true` puts a cache breakpoint after it (stable prefixes only). */
export interface SystemBlock {
  text: string;
  cache: boolean;
}

/** A request for one typed answer. */
export interface StructuredRequest<T> {
  /** What the call is for ("digest", "profile"): recorded with its cost. */
  purpose: string;
  /** The prompt version that produced `system` and `user`: recorded with the output. */
  promptVersion: string;
  system: readonly SystemBlock[];
  /** The user turn: the data to work on, already delimited and datamarked by the caller. */
  user: string;
  /** The answer's schema: sent as the output format and applied again to what comes back. */
  schema: z.ZodType<T>;
  maxOutputTokens: number;
  signal?: AbortSignal;
}

/**
 * Why a call that reached the model produced no usable answer. `max_tokens`: the answer was cut off at the output
 * cap; `context_window`: the request and the answer did not fit the model's context window (asking again cannot help).
 */
export type NoAnswerReason = "refusal" | "max_tokens" | "context_window" | "schema_miss" | "no_output";

/** The outcome of one call: a value that passed the schema, or why there is none (never a default). */
export type StructuredOutcome<T> =
  | { ok: true; value: T; usage: LlmUsage; costUsd: number; model: string }
  | { ok: false; reason: NoAnswerReason; detail: string; usage: LlmUsage; costUsd: number; model: string };

/** A language model that answers with typed values. */
export interface LlmProvider {
  readonly kind: LlmProviderKind;
  /** The configured model id (what the Digest key and LlmCall record). */
  readonly model: string;
  /**
   * Local servers may ignore the API's output format; a caller then also states the schema in the prompt.
   * The answer is validated either way.
   */
  readonly needsSchemaInPrompt: boolean;
  /** Makes one call (the SDK retries transient failures within the configured bound); throws LlmError on failure. */
  structured<T>(request: StructuredRequest<T>): Promise<StructuredOutcome<T>>;
}
