import { BaseError } from "viem";
import { ChainError, toChainError } from "../../sources/governor/chainErrors.js";
import {
  AlreadyVotedError,
  ExceedsRemainingWeightError,
  InsufficientFundsError,
  NoVotingPowerError,
  PartialVoteMismatchError,
  ProposalNotActiveError,
  VoteNotConfirmedError,
  VoteRevertedError,
} from "./castErrors.js";

// What the casting outbox does with each way a Governor cast can fail. The codes are the receipt's reason codes
// (src/voting/castReasons.ts CAST_REASONS has the words members read for each).

/** The outbox's next move for a failed cast. */
export type CastFailureMove =
  /** The chain may already count a vote (or a part of one): look again before deciding anything. */
  | { kind: "reconcile"; code: string }
  /** Transient: the row waits in `due` and is tried again (after a fresh look at the chain). */
  | { kind: "retry"; code: string }
  | { kind: "failed" | "skipped"; code: string };

/** Maps what the caster (or the chain client under it) threw. */
export function castFailureMove(error: unknown): CastFailureMove {
  if (error instanceof AlreadyVotedError) return { kind: "reconcile", code: "already_voted" };
  if (error instanceof PartialVoteMismatchError) return { kind: "reconcile", code: "other_vote_on_record" };
  // Reverted on chain: perhaps because an earlier transaction of ours landed first. Refused in simulation: final.
  if (error instanceof VoteRevertedError) {
    return error.transactionHash ? { kind: "reconcile", code: "reverted" } : { kind: "failed", code: "reverted" };
  }
  if (error instanceof VoteNotConfirmedError) return { kind: "retry", code: "tx_pending" };
  if (error instanceof ProposalNotActiveError) {
    if (error.retryable) return { kind: "retry", code: "not_open_yet" };
    return { kind: "skipped", code: error.state === "canceled" ? "proposal_canceled" : "proposal_closed" };
  }
  if (error instanceof NoVotingPowerError) return { kind: "skipped", code: "no_voting_power" };
  if (error instanceof ExceedsRemainingWeightError) return { kind: "failed", code: "exceeds_remaining_weight" };
  // Funding the sender is a person's job; until then every attempt would fail the same way.
  if (error instanceof InsufficientFundsError) return { kind: "failed", code: "insufficient_funds" };
  // The caster simulates and sends through viem directly: its transport failures come untyped.
  if (error instanceof ChainError || error instanceof BaseError) {
    const typed = toChainError(error, 0, "cast");
    return { kind: "retry", code: typed.transient ? "chain_unavailable" : "chain_refused" };
  }
  return { kind: "retry", code: "unexpected" };
}

/** Whether `error`, or an error it was caused by (viem wraps what a transport throws), is a `type`. */
export function causedBy(error: unknown, type: abstract new (...args: never[]) => Error): boolean {
  let e: unknown = error;
  for (let depth = 0; e instanceof Error && depth < 10; depth++) {
    if (e instanceof type) return true;
    e = (e as Error).cause;
  }
  return false;
}

/**
 * An error's message for the audit log and the receipt, bounded. viem's full messages carry the endpoint's URL (which
 * may hold a provider's API key) and the request body; its short message says what failed without them.
 */
export function messageOf(error: unknown): string {
  const text = error instanceof BaseError ? error.shortMessage : error instanceof Error ? error.message : String(error);
  return text.slice(0, 500);
}
