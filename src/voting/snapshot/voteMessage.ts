import { choiceShapeSchema, type SnapshotChoice, type VotingType } from "../../values/votingTypes.js";

// What goes into a Snapshot vote message, decided before anything is signed: the type snapshot.js signs the choice
// as, the reason and metadata within the sequencer's limits, and the ballots Tribune must not sign at all.

/**
 * Longest `reason` the sequencer accepts, in characters (code points, as ajv counts them): snapshot.js
 * `src/schemas/vote.json`, `reason.maxLength`; longer is refused as "wrong vote format".
 * @see https://github.com/snapshot-labs/snapshot.js/blob/master/src/schemas/vote.json
 */
export const SNAPSHOT_REASON_MAX_LENGTH = 5000;
/**
 * Longest `metadata` string the sequencer accepts ("too large metadata" above it): snapshot-sequencer `src/ingestor.ts`.
 * @see https://github.com/snapshot-labs/snapshot-sequencer/blob/master/src/ingestor.ts
 */
export const SNAPSHOT_METADATA_MAX_LENGTH = 2000;
/** The `app` every Tribune vote names (the vote schema allows up to 24 characters). */
export const TRIBUNE_APP = "tribune";

/** One vote Tribune means to cast on Snapshot, in the proposal's own terms. */
export interface SnapshotBallot {
  /** The space id, e.g. "aave.eth". */
  readonly space: string;
  /** The proposal id on the hub (0x… or an old Qm… CID). */
  readonly proposal: string;
  readonly votingType: VotingType;
  /** The proposal's `privacy` on the hub: "" (or null) for public votes, "shutter" for encrypted ones. */
  readonly privacy: string | null;
  /** In the voting type's Snapshot format, as decisions store it. */
  readonly choice: SnapshotChoice;
  /** The on-record reason: build it with {@link snapshotVoteReason}. */
  readonly reason: string;
  /** The digest the decision was made from; recorded in the vote's metadata. */
  readonly digestHash: string;
  /**
   * Unix seconds to sign as the vote's time; now when omitted. Signing the same ballot with the same timestamp gives
   * the same message and signature, so a resent vote that already landed is refused as "duplicate message".
   */
  readonly timestamp?: number;
}

/** Why a ballot was not signed at all. */
export type BallotRefusalCode = "shutter_private" | "choice_format" | "reason_too_long" | "metadata_too_large";

export interface BallotRefusal {
  readonly code: BallotRefusalCode;
  /** A sentence for the member and the audit log. */
  readonly message: string;
}

/** Client712's `type` for the choice's EIP-712 type: it knows no "copeland", whose ranking is signed as ranked-choice. */
export type Client712VoteType = Exclude<VotingType, "copeland">;

/** The object `Client712.vote` takes (it mutates it: build a new one per call). */
export interface Client712VoteMessage {
  space: string;
  proposal: string;
  type: Client712VoteType;
  choice: SnapshotChoice;
  reason: string;
  app: string;
  metadata: string;
  timestamp: number;
}

/**
 * The message for `Client712.vote`, or why this ballot must not be signed. Nothing of `ballot` is shared with the
 * result (the choice is copied), so the library's mutations never reach the caller's objects.
 */
export function buildVoteMessage(
  ballot: SnapshotBallot,
  timestamp: number,
): { ok: true; message: Client712VoteMessage } | { ok: false; refusal: BallotRefusal } {
  if (ballot.privacy === "shutter") {
    return refuse(
      "shutter_private",
      "this proposal uses Shutter private voting: a vote must be encrypted to Shutter's threshold key, which Tribune " +
        "does not do, so it does not vote on it",
    );
  }
  if (!shapeOf(ballot.votingType).safeParse(ballot.choice).success) {
    return refuse(
      "choice_format",
      `the choice ${JSON.stringify(ballot.choice)} is not in the ${ballot.votingType} format, so it was not signed`,
    );
  }
  if (codePoints(ballot.reason) > SNAPSHOT_REASON_MAX_LENGTH) {
    return refuse(
      "reason_too_long",
      `the reason has ${codePoints(ballot.reason)} characters; Snapshot takes at most ${SNAPSHOT_REASON_MAX_LENGTH}`,
    );
  }
  const metadata = JSON.stringify({ digest: ballot.digestHash });
  if (metadata.length > SNAPSHOT_METADATA_MAX_LENGTH) {
    return refuse("metadata_too_large", `the metadata exceeds Snapshot's ${SNAPSHOT_METADATA_MAX_LENGTH} characters`);
  }
  return {
    ok: true,
    message: {
      space: ballot.space,
      proposal: ballot.proposal,
      type: ballot.votingType === "copeland" ? "ranked-choice" : ballot.votingType,
      choice: structuredClone(ballot.choice),
      reason: ballot.reason,
      app: TRIBUNE_APP,
      metadata,
      timestamp,
    },
  };
}

/**
 * The vote's on-record reason: the explanation, shortened with "…" if needed, then the audit entry's hash, which is
 * always kept whole so anyone can find the vote's full record. Fits {@link SNAPSHOT_REASON_MAX_LENGTH}.
 */
export function snapshotVoteReason(explanation: string, auditHash: string): string {
  const suffix = `(Tribune audit ${auditHash})`;
  const room = SNAPSHOT_REASON_MAX_LENGTH - codePoints(suffix) - 1;
  const text = explanation.trim();
  if (room <= 0) return suffix;
  const chars = [...text];
  const fitted = chars.length <= room ? text : `${chars.slice(0, room - 1).join("")}…`;
  return fitted === "" ? suffix : `${fitted} ${suffix}`;
}

// Building a zod schema costs more than using it, and a cast runs per member: one schema per type, kept.
const shapes = new Map<VotingType, ReturnType<typeof choiceShapeSchema>>();
function shapeOf(type: VotingType): ReturnType<typeof choiceShapeSchema> {
  let shape = shapes.get(type);
  if (!shape) {
    shape = choiceShapeSchema(type);
    shapes.set(type, shape);
  }
  return shape;
}

function refuse(code: BallotRefusalCode, message: string): { ok: false; refusal: BallotRefusal } {
  return { ok: false, refusal: { code, message } };
}

function codePoints(text: string): number {
  let n = 0;
  for (const _ of text) n += 1;
  return n;
}
