import type { SequencerRejection, SequencerTransient } from "./snapshot/sequencerOutcome.js";
import type { BallotRefusalCode } from "./snapshot/voteMessage.js";

// Why a member's vote was not cast (or not yet): every code the casting outbox writes into `Cast.failureReason`, with
// one line a member can read. A row that is skipped or failed keeps its code for good; a row waiting for a retry
// (state `due`) carries the code of the attempt that failed. The Discord thread shows the line after "No vote was cast
// for you because …", so each line completes that sentence. The casting code can only write codes listed here: the
// runner's reasons are typed as `CastReason`, and the sequencer's and the ballot's codes are checked below.

const reasons = {
  // The member's word and the decision (castIntent, the planner).
  vetoed: "you vetoed it",
  own_vote: "you voted yourself",
  asked: "your profile asked you to decide, and you had not answered",
  never: "you vote on these yourself (your profile says never to vote for you here)",
  abstain_unavailable: "you chose to abstain and this proposal offers no abstain choice",
  no_choice: "the decision named no choice to vote for",
  superseded: "a newer decision or word replaced this one",
  // The proposal and the space.
  space_removed: "the space was removed from Tribune",
  proposal_deleted: "the proposal was deleted",
  proposal_closed: "the proposal closed (or was about to) before the vote could be sent",
  proposal_canceled: "the proposal was canceled",
  shielded: "the proposal hides votes until it ends (shielded voting), and Tribune does not cast on those",
  paused: "a steward paused casting until the proposal ended",
  dry_run: "the space is in dry-run: Tribune recorded what it would have sent and sent nothing",
  // What the hub showed before signing.
  no_voting_power: "no voting power reached your agent at the proposal's snapshot",
  other_vote_on_record:
    "your agent already has another vote on record, and Tribune never overwrites a vote it did not send",
  // Tribune's side.
  no_signer: "no key is configured to sign with",
  attempts_exhausted: "every attempt to cast failed, so Tribune stopped trying",
  hub_unavailable: "the Snapshot hub could not be reached to check your vote first (it is tried again)",
  pinned_vote_mismatch: "the vote signed again differed from the one recorded, so nothing was sent (it is tried again)",
  pooled_unavailable: "the pooled ballot could not be computed (it is tried again)",
  unexpected: "of an unexpected error (it is checked on the hub and tried again)",
  // The ballot refused before signing (voteMessage.ts).
  shutter_private: "the proposal uses Shutter private voting, which Tribune does not sign",
  choice_format: "the choice does not fit the proposal's voting type",
  reason_too_long: "the on-record reason was longer than Snapshot accepts",
  metadata_too_large: "the vote's metadata was larger than Snapshot accepts",
  // The sequencer refused the vote for good (sequencerOutcome.ts).
  envelope_format: "Snapshot refused the vote's format",
  too_large_message: "Snapshot refused the vote as too large",
  wrong_timestamp: "Snapshot refused the vote's time",
  invalid_proposal_id: "Snapshot refused the proposal id",
  wrong_domain: "Snapshot refused the vote's signing domain",
  wrong_types: "Snapshot refused the vote's signed fields",
  invalid_space_id: "Snapshot refused the space id",
  unknown_space: "Snapshot does not know the space",
  alias_refused: "Snapshot does not accept votes from an alias in this space",
  signature_invalid: "Snapshot could not verify your agent's signature",
  duplicate_message: "Snapshot already had this very vote and it could not be found on record",
  unknown_proposal: "Snapshot does not know the proposal",
  invalid_choice: "Snapshot refused the choice",
  vote_format: "Snapshot refused the vote's format",
  not_in_voting_window: "the proposal was not open for voting",
  shutter_refused: "Snapshot refused the vote on a Shutter proposal",
  vote_validation_failed: "your agent does not pass the space's vote validation",
  voted_later: "your agent already has a later vote on record",
  voted_same_time: "your agent already has a vote from the same second on record",
  unauthorized: "Snapshot refused the vote as unauthorized",
  client_error: "Snapshot refused the vote for a reason Tribune does not know (its words are in the record)",
  // The sequencer could not take the vote now: it is tried again (sequencerOutcome.ts).
  in_progress: "Snapshot was still processing the vote (it is checked and tried again)",
  rate_limited: "Snapshot asked Tribune to slow down (it is tried again)",
  maintenance: "Snapshot was under maintenance (it is tried again)",
  upstream_failed: "Snapshot could not check the vote just then (it is tried again)",
  server_error: "Snapshot had an error (it is checked and tried again)",
  timeout: "no answer came in time (it is checked again before any retry)",
  network: "the connection to Snapshot failed (it is checked and tried again)",
  cancelled: "the attempt was cancelled (it is checked and tried again)",
  unreadable_answer: "Snapshot's answer could not be read (it is checked and tried again)",
  // The pooled delegate (pooledBallot.ts, pooledPower.ts).
  pool_empty: "no member's decision counted in the pooled vote",
  pool_tie: "the members' decisions were tied, so the pooled delegate did not vote",
  voting_mode_changed: "the space's voting mode changed",
  no_pooled_agent: "the space has no pooled delegate address",
  no_delegation: "no delegation to Tribune was found for you",
  power_unreadable: "your voting power could not be read",
  // The Governor path (governorCastRunner.ts, governor/castFailure.ts).
  already_voted: "this address had already voted",
  rejected: "the vote was refused",
  reverted: "the transaction was reverted",
  insufficient_funds: "the voting address cannot pay for the transaction",
  exceeds_remaining_weight: "the split vote asked for more voting power than was left",
  invalid_governor: "the Governor contract could not be read",
  no_rpc_endpoint: "no RPC endpoint is configured for the proposal's chain",
  signer_mismatch: "the configured key does not match the agent's address",
  tx_pending: "the transaction was not confirmed yet (it is checked again)",
  not_open_yet: "voting had not started yet (it is tried again)",
  chain_unavailable: "the chain could not be reached (it is tried again)",
  chain_refused: "the chain refused the call (it is tried again)",
} as const;

/** A documented reason code. */
export type CastReason = keyof typeof reasons;

/**
 * Every reason code the casting outbox writes, with one line for the member that completes "No vote was cast
 * because …". Look codes up with {@link castReasonLine}, which also covers unknown ones.
 */
export const CAST_REASONS: Readonly<Record<string, string>> = reasons;

/** Whether `code` is documented here. */
export function isCastReason(code: string): code is CastReason {
  return Object.hasOwn(reasons, code);
}

/** The line for a code; an undocumented one (from an older version) is named as it is. */
export function castReasonLine(code: string): string {
  return isCastReason(code) ? reasons[code] : `of a problem Tribune has no words for (${code.replace(/_/g, " ")})`;
}

// Compile-time: a code added to the sequencer's or the ballot's sets without a line here fails the type check.
type Undocumented = Exclude<SequencerRejection | SequencerTransient | BallotRefusalCode, CastReason>;
const allDocumented: [Undocumented] extends [never] ? true : Undocumented = true;
void allDocumented;
