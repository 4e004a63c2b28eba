import type { SnapshotChoice, VotingType } from "../values/votingTypes.js";
import { type MemberWord, overrideBallot } from "./memberOverride.js";

// What Tribune means to do for one member on one proposal, from their live decision and their own word: cast a
// ballot, or skip with a reason. Pure; the planner writes the result into the outbox, and the caster re-checks the
// member's word right before signing with the same rules.

/**
 * Skip reasons a later word, decision or setting can undo (the planned vote is revived): members' words and
 * decisions, and for pooled rows the pool's make-up, a tie, and the space's voting mode switched back.
 */
export const REVIVABLE_SKIPS: ReadonlySet<string> = new Set([
  "vetoed",
  "asked",
  "never",
  "abstain_unavailable",
  "superseded",
  "pool_empty",
  "pool_tie",
  "voting_mode_changed",
  "no_pooled_agent",
]);

export type CastIntent =
  | { readonly kind: "cast"; readonly choice: SnapshotChoice; readonly source: "decision" | "override" }
  /** `reason` is a code; src/voting/castReasons.ts CAST_REASONS has the words members read. */
  | { readonly kind: "skip"; readonly reason: string }
  /** Neither a decision nor a word: no row for this member. */
  | { readonly kind: "none" };

export interface CastIntentInput {
  /** The member's live decision (outcome and choice as stored), or null. */
  decision: { outcome: "vote" | "abstain" | "ask" | "never"; choice: SnapshotChoice | null } | null;
  /** The member's current word (OverrideStore.current / forProposal), or null when their agent decides. */
  word: MemberWord | null;
  votingType: VotingType;
  choices: readonly string[];
  /** The proposal's `privacy` ("shutter" proposals are never cast). */
  privacy: string | null;
  /** The member's own wallet has a vote on record for the proposal. */
  votedThemselves: boolean;
}

/** The member's word beats the decision; a member who voted themselves is never voted for. */
export function castIntent(input: CastIntentInput): CastIntent {
  if (!input.decision && !input.word) return { kind: "none" };
  if (input.votedThemselves) return { kind: "skip", reason: "own_vote" };
  if (input.privacy === "shutter") return { kind: "skip", reason: "shielded" };
  if (input.word) {
    if (input.word.kind === "veto") return { kind: "skip", reason: "vetoed" };
    if (input.word.kind !== "auto") {
      const choice = overrideBallot(input.word, input.choices, input.votingType);
      return choice === null
        ? { kind: "skip", reason: "abstain_unavailable" }
        : { kind: "cast", choice, source: "override" };
    }
  }
  const decision = input.decision;
  if (!decision) return { kind: "none" };
  switch (decision.outcome) {
    case "vote":
    case "abstain":
      return decision.choice === null
        ? { kind: "skip", reason: decision.outcome === "vote" ? "no_choice" : "abstain_unavailable" }
        : { kind: "cast", choice: decision.choice, source: "decision" };
    case "ask":
      return { kind: "skip", reason: "asked" };
    case "never":
      return { kind: "skip", reason: "never" };
  }
}
