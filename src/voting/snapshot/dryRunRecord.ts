import type { Cast, Prisma } from "../../generated/prisma/client.js";
import type { CastChanges } from "../castOutbox.js";
import { buildVoteMessage, type SnapshotBallot } from "./voteMessage.js";

// A dry-run row ends skipped(dry_run) with the exact message it would have signed, so a steward can compare what
// Tribune would have done with what happened. Dry-run needs no hub: when the hub cannot be reached (the embedded demo
// has none), the record is still written, and says which checks could not be made. Live rows never come here
// without their checks; they wait for the hub.

/** Whether a check before signing was made against the hub. */
export type CheckState = "checked" | "unchecked";

/** The checks a dry-run record states: the agent's and the member's votes on record, and the agent's voting power. */
export interface DryRunChecks {
  ownVote: CheckState;
  votingPower: CheckState;
}

/** The row's changes for skipped(dry_run): the message that would have been sent, and what was checked first. */
export function dryRunChanges(
  row: Cast,
  ballot: SnapshotBallot,
  { nowSeconds, hasKeys, checks }: { nowSeconds: number; hasKeys: boolean; checks: DryRunChecks },
): CastChanges {
  const built = buildVoteMessage(ballot, ballot.timestamp ?? nowSeconds);
  const unchecked = checks.ownVote === "unchecked" || checks.votingPower === "unchecked";
  return {
    failureReason: "dry_run",
    dryRun: true,
    payload: {
      ...(row.payload as Prisma.JsonObject | null),
      voter: row.voterAddress,
      wouldSend: built.ok ? (built.message as unknown as Prisma.InputJsonValue) : null,
      refusal: built.ok ? null : built.refusal.message,
      noKeys: !hasKeys,
      checks: { ...checks },
      ...(unchecked
        ? {
            note:
              "The Snapshot hub could not be reached: whether the member or the agent had already voted, and the " +
              "agent's voting power, were not checked. A live cast would have waited for the hub.",
          }
        : {}),
    },
  };
}
