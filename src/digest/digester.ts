import type { LlmUsage, NoAnswerReason } from "../llm/llmProvider.js";
import type { DigestInput } from "./digestInput.js";
import type { DigestContent } from "./digestSchema.js";
import type { ScreenResult } from "./injectionScreen.js";

// A digester turns one proposal version into a digest document. Three producers implement it, chosen by config:
// the Anthropic API and an Anthropic-compatible local server (both llmDigester.ts over src/llm), and the offline
// extractive summariser (offline/offlineDigester.ts). Whatever produced it, a digest then goes through the same
// evidence check (produceDigest.ts).

/** Who produced a digest: the three parts of its key besides the content hash and the taxonomy version. */
export interface DigestProducer {
  /** "anthropic" | "local" | "offline". */
  provider: string;
  /** The configured model id, or the offline summariser's name. */
  model: string;
  /** The prompt set's id (or the offline lexicon's), e.g. "digest.v1@3f2a9c1b". */
  promptVersion: string;
}

export interface DigestRequest {
  input: DigestInput;
  /** The injection screen's result on the raw input: the offline summariser never extracts a flagged passage. */
  screen: ScreenResult;
  signal?: AbortSignal;
}

/** One attempt: a schema-valid document, or a typed reason there is none. Usage and cost are there either way. */
export type DigestAttempt =
  | { ok: true; content: DigestContent; usage: LlmUsage; costUsd: number; notes: string[] }
  | { ok: false; reason: NoAnswerReason; detail: string; usage: LlmUsage; costUsd: number; notes: string[] };

export interface Digester {
  readonly producer: DigestProducer;
  /** Transport failures (after bounded retries) are thrown as LlmError; everything else is an attempt. */
  digest(request: DigestRequest): Promise<DigestAttempt>;
}
