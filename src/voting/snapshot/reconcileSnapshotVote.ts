import { canonicalJson } from "../../audit/canonicalJson.js";
import type { RecordedVote } from "../../sources/snapshot/voteReader.js";
import type { SnapshotChoice } from "../../values/votingTypes.js";

// Before signing, and before any retry, the outbox asks the hub what this agent already has on record for the
// proposal (`SnapshotVoteReader.voteOf`) and reads the answer here. Only Tribune holds an agent's key and it registers
// no aliases, so any vote from the agent's address is one of Tribune's own attempts.

/** What the hub shows for an agent on a proposal, next to the vote Tribune means to cast. */
export type SnapshotReconciliation =
  /** Nothing on record: casting (again) cannot double anything. */
  | { readonly state: "absent" }
  /** The very message Tribune signed is on record (same id): the earlier attempt landed; confirm it, do not resend. */
  | { readonly state: "landed"; readonly vote: RecordedVote }
  /** An earlier attempt with another timestamp landed with the same choice: confirm it, do not resend. */
  | { readonly state: "same_choice"; readonly vote: RecordedVote }
  /** The agent voted something else (an earlier decision, before an override): a newer vote would replace it. */
  | { readonly state: "other_choice"; readonly vote: RecordedVote };

/**
 * Compares the vote on record with the one intended. `voteId` is the id of the message signed in an earlier attempt,
 * if there was one; choices compare by value (the hub returns weighted choices as objects, as decisions store them).
 */
export function reconcileSnapshotVote(
  onRecord: RecordedVote | null,
  intended: { readonly choice: SnapshotChoice; readonly voteId?: string | null },
): SnapshotReconciliation {
  if (!onRecord) return { state: "absent" };
  if (intended.voteId && onRecord.id.toLowerCase() === intended.voteId.toLowerCase()) {
    return { state: "landed", vote: onRecord };
  }
  return sameChoice(onRecord.choice, intended.choice)
    ? { state: "same_choice", vote: onRecord }
    : { state: "other_choice", vote: onRecord };
}

function sameChoice(recorded: unknown, intended: SnapshotChoice): boolean {
  try {
    return canonicalJson(recorded) === canonicalJson(intended);
  } catch {
    return false;
  }
}
