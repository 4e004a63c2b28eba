import { canonicalJson } from "../../audit/canonicalJson.js";
import type { Cast, Decision, Member, Proposal, Space } from "../../generated/prisma/client.js";
import { toEngineProposal } from "../../values/loadDecisionInputs.js";
import type { SnapshotChoice } from "../../values/votingTypes.js";
import { castIntent } from "../castIntent.js";
import type { CastReason } from "../castReasons.js";
import type { MemberWord } from "../memberOverride.js";
import type { OverrideStore } from "../overrideStore.js";
import type { SnapshotBallot } from "./voteMessage.js";

// Right before signing, is the row's ballot still the one that should be cast? For a member's agent: the member's
// word (a veto that came in since the claim wins) and their live decision, by the same rules the planner used. For
// the pooled delegate: the pooled ballot as it stands now (the members' decisions combined by voting power). A
// ballot that changed since it was announced is never sent: the row goes back to planned, to be announced again.

/** The pooled ballot as it stands now (src/voting/pooledBallot.ts), for a proposal's internal id. */
export interface PooledBallotSource {
  current(proposalId: string): Promise<{ choice: unknown }>;
}

/** What to do with the row: sign it, skip it for good, or put it back to be announced again. */
export type BallotCheck =
  | { kind: "cast" }
  | { kind: "skip"; reason: CastReason }
  | { kind: "stale"; why: "changed_before_signing" | "no_pooled_ballot" };

/**
 * Re-checks the row's ballot against the member's word and decision, or the pooled ballot. `word` is the member's
 * word as just read (the caller reads it as late as it can, with its other last checks); `overrides` reads it here.
 */
export async function checkBallot(
  row: Cast,
  context: { proposal: Proposal; member: Member | null; decision: Decision | null },
  deps:
    | { word: MemberWord | null; pooled?: PooledBallotSource }
    | { overrides: OverrideStore; pooled?: PooledBallotSource },
): Promise<BallotCheck> {
  const { proposal, member } = context;
  if (row.voterKind === "pooled") {
    // No member stands behind a pooled row, so there is no word and no own vote to check: only the pool's ballot.
    if (!deps.pooled) return { kind: "stale", why: "no_pooled_ballot" };
    const { choice } = await deps.pooled.current(proposal.id);
    // No pooled ballot now (no member decided, or all vetoed): nothing to cast until one is planned and announced.
    if (choice === null || choice === undefined) return { kind: "stale", why: "changed_before_signing" };
    return sameJson(choice, row.choice) ? { kind: "cast" } : { kind: "stale", why: "changed_before_signing" };
  }
  const word = "word" in deps ? deps.word : member ? await deps.overrides.current(member.id, proposal.id) : null;
  const engine = toEngineProposal(proposal);
  const decision = context.decision && context.decision.staleAt === null ? context.decision : null;
  const intent = castIntent({
    decision: decision ? { outcome: decision.outcome, choice: decision.choice as SnapshotChoice | null } : null,
    word,
    votingType: engine.votingType,
    choices: engine.choices,
    privacy: proposal.privacy,
    votedThemselves: false,
  });
  if (intent.kind === "skip") return { kind: "skip", reason: intent.reason as CastReason };
  if (intent.kind === "none" || !sameJson(intent.choice, row.choice)) {
    return { kind: "stale", why: "changed_before_signing" };
  }
  return { kind: "cast" };
}

/** The ballot the row signs: its pinned timestamp, if an earlier attempt signed it, makes the message identical. */
export function ballotOf(row: Cast, proposal: Proposal, space: Space): SnapshotBallot {
  const payload = (row.payload ?? {}) as { digestHash?: string };
  return {
    space: space.externalId,
    proposal: proposal.externalId,
    votingType: toEngineProposal(proposal).votingType,
    privacy: proposal.privacy,
    choice: row.choice as SnapshotChoice,
    reason: row.reason ?? "",
    digestHash: payload.digestHash ?? "none",
    ...(row.voteTimestamp === null ? {} : { timestamp: row.voteTimestamp }),
  };
}

function sameJson(a: unknown, b: unknown): boolean {
  // canonicalJson throws on what JSON cannot hold (undefined, functions): such a ballot is no match.
  try {
    return canonicalJson(a ?? null) === canonicalJson(b ?? null);
  } catch {
    return false;
  }
}
