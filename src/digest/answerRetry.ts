import type { LlmUsage, NoAnswerReason } from "../llm/llmProvider.js";
import type { Digester } from "./digester.js";
import type { DigestInput } from "./digestInput.js";
import { type DigestOutcome, produceDigest } from "./produceDigest.js";

// A model answer that came back cut off at the output cap, empty, not JSON or off the digest schema is a bad draw,
// not a verdict on the proposal: asking again usually gets a usable answer. So such an answer is retried here, a
// bounded number of times, at once (nothing on the server side needs time to recover). Everything else is final:
// a refusal would be refused again, an input that fills the context window would be cut off again, a flagged or
// unreliable digest is a digest. Transport failures are not answers at all: they are thrown as LlmError, retried by
// the SDK and then by the job queue, never here.

/** Further tries after a malformed answer: two make a usable answer very likely while bounding what a bad run costs. */
export const DEFAULT_ANSWER_RETRIES = 2;

const MALFORMED: ReadonlySet<NoAnswerReason> = new Set(["max_tokens", "no_output", "schema_miss"]);

/** Whether another try could mend an answer that gave no digest (cut off, empty, not JSON, off-schema). */
export function isMalformedAnswer(reason: NoAnswerReason): boolean {
  return MALFORMED.has(reason);
}

/** An attempt that gave no digest, as it was discarded. */
export type DiscardedAttempt = Extract<DigestOutcome, { ok: false }> & { attempt: number };

export interface AnswerRetryOptions {
  /** Further tries after a malformed answer; 0 makes one attempt only. */
  retries: number;
  signal?: AbortSignal;
  /**
   * Told of every malformed attempt that will be tried again, before the next try: its tokens were spent, so the
   * caller records them (and shows the retry) whatever the next try brings.
   */
  onRetry: (discarded: DiscardedAttempt) => Promise<void>;
}

/** The last attempt's outcome, with how many attempts it took and what all of them used together. */
export interface RetriedOutcome {
  outcome: DigestOutcome;
  attempts: number;
  /** Tokens of every attempt, the discarded ones included. */
  totalUsage: LlmUsage;
  /** US dollars of every attempt, rounded to the micro-dollar as each call's cost is. */
  totalCostUsd: number;
}

/**
 * Produces a digest, trying again (up to `retries` more times) while the model's answer is malformed. A transport
 * failure on any try is thrown as it comes (LlmError); the tries before it were already handed to `onRetry`.
 */
export async function produceDigestWithAnswerRetry(
  digester: Digester,
  input: DigestInput,
  options: AnswerRetryOptions,
): Promise<RetriedOutcome> {
  const { retries, signal, onRetry } = options;
  let totalUsage: LlmUsage = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 };
  let totalMicroUsd = 0;
  for (let attempt = 1; ; attempt++) {
    const outcome = await produceDigest(digester, input, signal);
    totalUsage = addUsage(totalUsage, outcome.usage);
    // Summed in whole micro-dollars, so three attempts do not drift off the sum of the three recorded calls.
    totalMicroUsd += Math.round(outcome.costUsd * 1_000_000);
    // A job out of time stops here rather than start a try it would abort: the answer it has is reported as final.
    const again = !outcome.ok && isMalformedAnswer(outcome.reason) && attempt <= retries && !signal?.aborted;
    if (!again) {
      return { outcome, attempts: attempt, totalUsage, totalCostUsd: totalMicroUsd / 1_000_000 };
    }
    await onRetry({ ...outcome, attempt });
  }
}

function addUsage(a: LlmUsage, b: LlmUsage): LlmUsage {
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    cacheReadTokens: a.cacheReadTokens + b.cacheReadTokens,
    cacheWriteTokens: a.cacheWriteTokens + b.cacheWriteTokens,
  };
}
