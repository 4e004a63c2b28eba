import { z } from "zod";

// What the sequencer's answer means for a vote, as a closed set of codes instead of its strings. The strings are the
// sequencer's own (snapshot-sequencer src/ingestor.ts, src/writer/vote.ts, src/helpers/alias.ts, src/api.ts,
// src/helpers/duplicateRequestPreventor.ts, src/helpers/rateLimit.ts); every one it can send for a vote is here.
// @see https://github.com/snapshot-labs/snapshot-sequencer/blob/master/src/ingestor.ts

/** The sequencer refused the vote for good: sending this same message again cannot succeed. */
export type SequencerRejection =
  | "envelope_format"
  | "too_large_message"
  | "wrong_timestamp"
  | "invalid_proposal_id"
  | "wrong_domain"
  | "wrong_types"
  | "invalid_space_id"
  | "unknown_space"
  | "alias_refused"
  | "signature_invalid"
  | "duplicate_message"
  | "metadata_too_large"
  | "unknown_proposal"
  | "invalid_choice"
  | "vote_format"
  | "not_in_voting_window"
  | "shutter_refused"
  | "vote_validation_failed"
  | "no_voting_power"
  | "voted_later"
  | "voted_same_time"
  | "unauthorized"
  /** A 4xx whose words are not known here; kept final, with the words, rather than retried blindly. */
  | "client_error";

/** The vote may go through later: nothing about the vote itself was refused. */
export type SequencerTransient =
  /** 425: this very request is being processed (it may land). */
  | "in_progress"
  | "rate_limited"
  /** 503: the sequencer's maintenance switch. */
  | "maintenance"
  /** 400 for a failed upstream call (score API, IPFS pinning): the vote was not judged. */
  | "upstream_failed"
  | "server_error"
  | "timeout"
  | "network"
  /** The caller aborted the call. */
  | "cancelled"
  /** A 2xx that is not the sequencer's receipt for this vote. */
  | "unreadable_answer";

/**
 * These rejections say a vote from this address may already be on record (this very message, or a later one), so
 * the caller checks the hub before deciding what happened.
 */
export const REJECTIONS_TO_RECONCILE: ReadonlySet<SequencerRejection> = new Set([
  "duplicate_message",
  "voted_later",
  "voted_same_time",
]);

const REJECTION_WORDS: Readonly<Record<string, SequencerRejection>> = {
  "wrong envelope format": "envelope_format",
  "too large message": "too_large_message",
  "wrong timestamp": "wrong_timestamp",
  "proposal cannot contain whitespace": "invalid_proposal_id",
  "wrong domain": "wrong_domain",
  "wrong types": "wrong_types",
  "Invalid space id": "invalid_space_id",
  "unknown space": "unknown_space",
  "wrong alias": "alias_refused",
  "signature validation failed": "signature_invalid",
  "duplicate message": "duplicate_message",
  "too large metadata": "metadata_too_large",
  "unknown proposal": "unknown_proposal",
  "invalid choice": "invalid_choice",
  "wrong vote format": "vote_format",
  "not in voting window": "not_in_voting_window",
  "reason not allowed with shutter": "shutter_refused",
  "failed vote validation": "vote_validation_failed",
  "no voting power": "no_voting_power",
  "already voted at later time": "voted_later",
  "already voted same time with lower index": "voted_same_time",
  unauthorized: "unauthorized",
};

// Answered with 400 like a refusal, but they report a call the sequencer made that failed, not a verdict on the vote.
const TRANSIENT_WORDS = new Set(["failed to check voting power", "failed to check vote validation", "pinning failed"]);

/** What came back from one POST, before it is read. */
export type SequencerAnswer =
  | { kind: "answered"; status: number; body: unknown; retryAfterMs: number | null }
  | { kind: "timeout"; afterMs: number }
  | { kind: "cancelled" }
  /** No HTTP answer; `refused`: the connection was never made, so nothing was sent. */
  | { kind: "network"; refused: boolean; detail: string };

/** The sequencer's receipt for an accepted message. */
export const sequencerReceiptSchema = z.object({
  id: z.string().min(1),
  ipfs: z.string().min(1),
  relayer: z.object({ address: z.string(), receipt: z.string() }),
});
export type SequencerReceipt = z.infer<typeof sequencerReceiptSchema>;

/** The meaning of one answer to a vote whose EIP-712 hash is `voteId`. */
export type SequencerVerdict =
  | { kind: "accepted"; receipt: SequencerReceipt }
  | { kind: "rejected"; code: SequencerRejection; status: number; description: string }
  | {
      kind: "retryable";
      code: SequencerTransient;
      status: number | null;
      description: string;
      /** False only when the sequencer surely did not store the vote; otherwise check the hub before resending. */
      mayHaveLanded: boolean;
      /** The server's Retry-After, when it sent one. */
      retryAfterMs: number | null;
    };

/** Reads one answer; pure, so every string and status is tested beside it. */
export function readSequencerAnswer(answer: SequencerAnswer, voteId: string): SequencerVerdict {
  switch (answer.kind) {
    case "timeout":
      return retryable("timeout", null, `no answer within ${answer.afterMs} ms`, true);
    case "cancelled":
      return retryable("cancelled", null, "the call was cancelled before an answer came", true);
    case "network":
      return retryable("network", null, answer.detail, !answer.refused);
    case "answered":
      return readAnswered(answer.status, answer.body, answer.retryAfterMs, voteId);
  }
}

function readAnswered(status: number, body: unknown, retryAfterMs: number | null, voteId: string): SequencerVerdict {
  const description = describe(body);
  if (status >= 200 && status < 300) {
    const receipt = sequencerReceiptSchema.safeParse(body);
    if (receipt.success && receipt.data.id.toLowerCase() === voteId.toLowerCase()) {
      return { kind: "accepted", receipt: receipt.data };
    }
    const why = receipt.success ? `receipt for ${receipt.data.id}, not ${voteId}` : `not a receipt: ${description}`;
    return retryable("unreadable_answer", status, why, true);
  }
  if (status === 425) return retryable("in_progress", status, description, true);
  if (status === 429) return retryable("rate_limited", status, description, false, retryAfterMs);
  if (status === 503) return retryable("maintenance", status, description, false, retryAfterMs);
  // A 500 can follow a stored vote (the sequencer writes the vote, then its message log); a 502/504 from a proxy
  // says nothing of what happened behind it.
  if (status >= 500) return retryable("server_error", status, description, true, retryAfterMs);
  if (status >= 400) {
    if (TRANSIENT_WORDS.has(description)) return retryable("upstream_failed", status, description, false);
    const code =
      REJECTION_WORDS[description] ?? (description.startsWith("alias not allowed") ? "alias_refused" : "client_error");
    return { kind: "rejected", code, status, description };
  }
  return retryable("unreadable_answer", status, `unexpected status: ${description}`, true);
}

function retryable(
  code: SequencerTransient,
  status: number | null,
  description: string,
  mayHaveLanded: boolean,
  retryAfterMs: number | null = null,
): SequencerVerdict {
  return { kind: "retryable", code, status, description, mayHaveLanded, retryAfterMs };
}

/** `error_description` when the body is the sequencer's error; otherwise the body itself, cut short. */
function describe(body: unknown): string {
  const described =
    typeof body === "object" && body !== null && "error_description" in body
      ? (body as { error_description: unknown }).error_description
      : body;
  const text = typeof described === "string" ? described : JSON.stringify(described ?? null);
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}
