import type { Address, Hex } from "viem";
import { TribuneError } from "../../errors/tribuneError.js";

// One class per way casting a Governor vote can fail, each saying whether a transaction went out and whether calling
// again may help, so the casting outbox can move its row to the right state without reading messages.

/** Any failure of a Governor cast. */
export abstract class GovernorCastError extends TribuneError {
  /** Calling the caster again later may succeed (after funding, after the receipt shows up). */
  abstract readonly retryable: boolean;
  /** Whether a transaction was sent (then it is named, so it can be traced). */
  readonly transactionHash: Hex | null;
  constructor(code: string, message: string, hint: string, transactionHash: Hex | null, options?: { cause?: unknown }) {
    super(code, message, hint, options);
    this.transactionHash = transactionHash;
  }
}

/** The voter's vote (or this part of a split vote) is already counted: nothing was sent. */
export class AlreadyVotedError extends GovernorCastError {
  readonly retryable = false;
  constructor(
    readonly voter: Address,
    detail: string,
  ) {
    super(
      "governor.already_voted",
      `${voter} has already voted on this proposal (${detail})`,
      "Nothing was sent; record the vote as cast and look up its transaction on chain",
      null,
    );
  }
}

/** The proposal is not open for votes (pending, or closed): nothing was sent. */
export class ProposalNotActiveError extends GovernorCastError {
  readonly retryable: boolean;
  constructor(readonly state: string) {
    super(
      "governor.not_active",
      `The proposal is ${state}, not active`,
      state === "pending" ? "Cast once voting opens" : "Voting is over; the vote cannot be cast",
      null,
    );
    this.retryable = state === "pending";
  }
}

/** The voter had no voting power at the proposal's snapshot: a vote would count nothing. Nothing was sent. */
export class NoVotingPowerError extends GovernorCastError {
  readonly retryable = false;
  constructor(
    readonly voter: Address,
    readonly timepoint: bigint,
  ) {
    super(
      "governor.no_voting_power",
      `${voter} had no voting power at timepoint ${timepoint}`,
      "Delegations made after the proposal's snapshot do not count for it",
      null,
    );
  }
}

/** A split vote asks for more weight than the voter has left (GovernorExceedRemainingWeight). Nothing was sent. */
export class ExceedsRemainingWeightError extends GovernorCastError {
  readonly retryable = false;
  constructor(
    readonly remaining: bigint,
    readonly requested: bigint,
  ) {
    super(
      "governor.exceeds_remaining_weight",
      `The split asks for ${requested} votes but only ${remaining} remain`,
      "Recompute the split from usedVotes and the voter's weight at the snapshot",
      null,
    );
  }
}

/** What an earlier part of a split vote left differs from what this part builds on: someone else voted meanwhile. */
export class PartialVoteMismatchError extends GovernorCastError {
  readonly retryable = false;
  constructor(
    readonly expectedUsed: bigint,
    readonly actualUsed: bigint,
  ) {
    super(
      "governor.partial_vote_mismatch",
      `The voter has used ${actualUsed} votes, not the ${expectedUsed} this part builds on`,
      "Read usedVotes again and plan the rest of the split from it",
      null,
    );
  }
}

/** The account paying gas cannot: nothing was sent. */
export class InsufficientFundsError extends GovernorCastError {
  readonly retryable = true;
  constructor(
    readonly account: Address,
    options?: { cause?: unknown },
  ) {
    super(
      "governor.insufficient_funds",
      `${account} has too little ETH to pay for the vote's gas`,
      "Fund the relayer (RELAYER_PRIVATE_KEY's address) or the agent, then retry",
      null,
      options,
    );
  }
}

/** The contract refused the vote (in simulation, or on chain when `transactionHash` is set). */
export class VoteRevertedError extends GovernorCastError {
  readonly retryable = false;
  constructor(
    readonly reason: string | null,
    transactionHash: Hex | null,
    options?: { cause?: unknown },
  ) {
    super(
      "governor.vote_reverted",
      `The Governor refused the vote${reason ? `: ${reason}` : ""}${transactionHash ? ` (transaction ${transactionHash})` : ""}`,
      "Check the proposal and the ballot; this is not retried",
      transactionHash,
      options,
    );
  }
}

/** The transaction was sent but its receipt did not arrive in time: call again with it as `pendingTransaction`. */
export class VoteNotConfirmedError extends GovernorCastError {
  readonly retryable = true;
  constructor(transactionHash: Hex, options?: { cause?: unknown }) {
    super(
      "governor.vote_not_confirmed",
      `The vote's transaction ${transactionHash} has no receipt yet`,
      "Retry with this transaction as pendingTransaction: it is checked (and replaced, never doubled) first",
      transactionHash,
      options,
    );
  }
}
