import type { Prisma } from "../../generated/prisma/client.js";
import type { RecordedVote } from "../../sources/snapshot/voteReader.js";
import type { SnapshotChoice } from "../../values/votingTypes.js";
import type { CastReason } from "../castReasons.js";
import { duplicateReceipt, hubReceipt, refusalReceipt, rejectionReceipt, sequencerReceipt } from "./castReceipts.js";
import { reconcileSnapshotVote } from "./reconcileSnapshotVote.js";
import { REJECTIONS_TO_RECONCILE } from "./sequencerOutcome.js";
import type { SnapshotCastOutcome } from "./snapshotCaster.js";

// Where a row goes once the sequencer has answered (or not): confirmed with its receipt, failed with the sequencer's
// reason, or back to due for a retry. A refusal that says a vote from the agent may already be on record ("duplicate
// message", "already voted at later time") is checked on the hub first: if our vote is there, it is confirmed.

/** The row's next state after one attempt. */
export type AfterSending =
  | {
      to: "confirmed" | "failed";
      reason: CastReason | null;
      receipt: Prisma.InputJsonValue;
      data?: Record<string, unknown>;
    }
  | { to: "due"; code: CastReason; detail: unknown; retryAfterMs: number | null };

/** Reads one attempt's outcome; `voteOnRecord` asks the hub for the agent's vote (for refusals that need it). */
export async function afterSending(
  outcome: SnapshotCastOutcome,
  row: { choice: unknown; voteId: string | null },
  voteOnRecord: () => Promise<RecordedVote | null>,
): Promise<AfterSending> {
  switch (outcome.kind) {
    case "accepted":
      return { to: "confirmed", reason: null, receipt: sequencerReceipt(outcome.receipt) };
    case "refused":
      return { to: "failed", reason: outcome.code, receipt: refusalReceipt(outcome.message) };
    case "retryable":
      return { to: "due", code: outcome.code, detail: outcome.description, retryAfterMs: outcome.retryAfterMs };
    case "rejected": {
      if (outcome.code === "duplicate_message" && row.voteId?.toLowerCase() === outcome.vote.voteId.toLowerCase()) {
        // The sequencer stores messages by id, and this id is our pinned message's: it is on record, even if the
        // hub has not shown it yet (the hub's tables can lag the sequencer).
        return { to: "confirmed", reason: null, receipt: duplicateReceipt(outcome.vote.voteId) };
      }
      if (REJECTIONS_TO_RECONCILE.has(outcome.code)) {
        let after: RecordedVote | null;
        try {
          after = await voteOnRecord();
        } catch (error) {
          return { to: "due", code: "hub_unavailable", detail: error, retryAfterMs: null };
        }
        const verdict = reconcileSnapshotVote(after, { choice: row.choice as SnapshotChoice, voteId: row.voteId });
        if (verdict.state === "landed" || verdict.state === "same_choice") {
          return {
            to: "confirmed",
            reason: null,
            receipt: hubReceipt(verdict.vote),
            data: { reconciled: outcome.code },
          };
        }
      }
      return { to: "failed", reason: outcome.code, receipt: rejectionReceipt(outcome.status, outcome.description) };
    }
  }
}
