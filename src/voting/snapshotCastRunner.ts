import { canonicalJson } from "../audit/canonicalJson.js";
import { type Cast, Prisma, type PrismaClient, type Proposal, type Space } from "../generated/prisma/client.js";
import type { Logger } from "../log/logger.js";
import type { RecordedVote, SnapshotVoteReader } from "../sources/snapshot/voteReader.js";
import type { CastingSwitch } from "../spaces/castingSwitch.js";
import { toEngineProposal } from "../values/loadDecisionInputs.js";
import type { SnapshotChoice } from "../values/votingTypes.js";
import { castIntent } from "./castIntent.js";
import type { CastChanges, CastFence, CastOutbox } from "./castOutbox.js";
import type { OverrideStore } from "./overrideStore.js";
import { reconcileSnapshotVote } from "./snapshot/reconcileSnapshotVote.js";
import { REJECTIONS_TO_RECONCILE } from "./snapshot/sequencerOutcome.js";
import type { SignedVote, SnapshotCaster } from "./snapshot/snapshotCaster.js";
import { buildVoteMessage, type SnapshotBallot } from "./snapshot/voteMessage.js";

// Casting one claimed row (state `signing`, under a lease) on Snapshot. Before signing, and so before every retry,
// the hub is asked what the agent and the member already have on record: a vote that landed is confirmed, never sent
// again; a member who voted themselves is never voted for. Then the delegation check (the hub's `vp` for the agent
// at the proposal's snapshot), the member's word once more, the pause switch, and dry-run. The vote's timestamp is
// pinned (with its id) before it is sent, so every later attempt re-signs the identical message: the sequencer
// stores one vote per message, so resending can never double it.

/** How one claimed row ended for this worker. */
export type CastRunResult =
  | { kind: "confirmed" | "failed" | "skipped"; castId: string; reason: string | null }
  | { kind: "retry"; castId: string; code: string; at: Date }
  | { kind: "released"; castId: string; why: string }
  /** Another worker reclaimed the row (this one's lease ran out): it is theirs now. */
  | { kind: "lost"; castId: string };

export interface SnapshotCastRunnerOptions {
  prisma: PrismaClient;
  outbox: CastOutbox;
  casting: CastingSwitch;
  overrides: OverrideStore;
  votes: SnapshotVoteReader;
  /** Null: no mnemonic is configured; every space is treated as dry-run. */
  caster: SnapshotCaster | null;
  /** CAST_SAFETY_MARGIN_SECONDS. */
  safetyMarginSeconds: number;
  /**
   * Nothing is sent later than this before the proposal's end (60 s by default: a slow sequencer's answer still comes
   * before the end). The safety margin is when votes are scheduled; a shrunk window is due exactly at its end, and
   * the tick that finds it comes a little later, so sending is allowed past it, up to here.
   */
  sendDeadlineSeconds?: number;
  clock?: () => Date;
  /** Claims per row before it fails for good (each claim, a crash's reclaim included, is one). 8 by default. */
  maxAttempts?: number;
  /** Retry delay after the first failed attempt, doubled per attempt up to `maxDelayMs`. 15 s and 10 min. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Called after a row reaches confirmed, failed or skipped (post the receipt); its errors are logged only. */
  onSettled?: (row: Cast) => Promise<void>;
  logger?: Logger;
}

export interface SnapshotCastRunner {
  /** Casts one row that `claimDue` returned. Never throws for an expected failure. */
  run(claimed: Cast): Promise<CastRunResult>;
}

/** The signed vote no longer matches the pinned one, or the lease was lost: nothing may be sent. */
class NotSent extends Error {
  constructor(
    readonly why: "lease_lost" | "pinned_vote_mismatch",
    message: string,
  ) {
    super(message);
  }
}

/** Builds the runner. */
export function createSnapshotCastRunner(options: SnapshotCastRunnerOptions): SnapshotCastRunner {
  const { prisma, outbox, votes } = options;
  const clock = options.clock ?? (() => new Date());
  const maxAttempts = options.maxAttempts ?? 8;
  const baseDelayMs = options.baseDelayMs ?? 15_000;
  const maxDelayMs = options.maxDelayMs ?? 600_000;
  const sendDeadlineSeconds = options.sendDeadlineSeconds ?? 60;

  return {
    async run(claimed) {
      let fence: CastFence = claimed;
      let row = claimed;
      const settle = async (
        to: "confirmed" | "failed" | "skipped",
        changes: CastChanges,
        data: Record<string, unknown> = {},
      ): Promise<CastRunResult> => {
        const moved = await outbox.move(fence, to, { nextAttemptAt: null, ...changes }, { data });
        if (!moved) return { kind: "lost", castId: row.id };
        await options.onSettled?.(moved.row).catch((error: unknown) => {
          options.logger?.warn({ err: error, castId: row.id }, "could not report a settled cast");
        });
        return { kind: to, castId: row.id, reason: moved.row.failureReason };
      };
      const retry = async (code: string, detail: unknown, retryAfterMs: number | null = null) => {
        const delay = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.max(0, row.attempts - 1));
        const at = new Date(clock().getTime() + Math.max(delay, retryAfterMs ?? 0));
        const moved = await outbox.move(
          fence,
          "due",
          { nextAttemptAt: at, failureReason: code },
          { action: "cast.retry", data: { code, detail: String(detail).slice(0, 500), retryAt: at.toISOString() } },
        );
        return moved
          ? ({ kind: "retry", castId: row.id, code, at } as const)
          : ({ kind: "lost", castId: row.id } as const);
      };

      const context = await prisma.cast.findUniqueOrThrow({
        where: { id: row.id },
        include: { proposal: { include: { space: true } }, member: true, decision: true },
      });
      const { proposal, member } = context;
      const { space } = proposal;
      if (space.removedAt) return settle("skipped", { failureReason: "space_removed" });
      if (proposal.deletedAt) return settle("skipped", { failureReason: "proposal_deleted" });
      if (proposal.privacy === "shutter") return settle("skipped", { failureReason: "shielded" });

      // 1. What the hub already has: ours (landed or not), and the member's own.
      let mine: RecordedVote | null;
      let theirs: RecordedVote | null;
      try {
        ({ mine, theirs } = await onRecord(
          votes,
          row.voterAddress,
          member?.walletAddress ?? null,
          proposal.externalId,
        ));
      } catch (error) {
        return retry("hub_unavailable", error);
      }
      const seen = reconcileSnapshotVote(mine, { choice: row.choice as SnapshotChoice, voteId: row.voteId });
      if (seen.state === "landed" || seen.state === "same_choice") {
        return settle("confirmed", { failureReason: null, receipt: hubReceipt(seen.vote) }, { reconciled: seen.state });
      }
      if (seen.state === "other_choice") {
        // Only Tribune holds the agent's key, and one row per proposal and agent signs one message: a different vote
        // on record is not one of ours. Never overwrite what is not understood.
        return settle(
          "failed",
          { failureReason: "other_vote_on_record", receipt: hubReceipt(seen.vote) },
          { onRecord: seen.vote.id },
        );
      }
      if (theirs) return settle("skipped", { failureReason: "own_vote" }, { memberVote: theirs.id });
      if (row.attempts > maxAttempts) return settle("failed", { failureReason: "attempts_exhausted" });

      const deadline = proposal.endAt.getTime() - 1_000 * Math.min(sendDeadlineSeconds, options.safetyMarginSeconds);
      if (clock().getTime() >= deadline) {
        return settle(row.voteId ? "failed" : "skipped", { failureReason: "proposal_closed" });
      }

      // 2. Delegation: the agent's voting power at the proposal's snapshot, recorded.
      if (row.votingPower === null || row.votingPower === "0") {
        let power: number;
        try {
          power = (
            await votes.votingPower({ voter: row.voterAddress, space: space.externalId, proposal: proposal.externalId })
          ).vp;
        } catch (error) {
          return retry("hub_unavailable", error);
        }
        if (!(power > 0)) return settle("skipped", { failureReason: "no_voting_power", votingPower: "0" });
        const moved = await prisma.cast.updateMany({
          where: { id: fence.id, state: fence.state, attempts: fence.attempts },
          data: { votingPower: String(power) },
        });
        if (moved.count !== 1) return { kind: "lost", castId: row.id };
      }

      // 3. The member's word and the live decision, once more: a veto that came in since the claim wins.
      const word = member ? await options.overrides.current(member.id, proposal.id) : null;
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
      if (intent.kind === "skip") return settle("skipped", { failureReason: intent.reason });
      if (intent.kind === "none" || canonicalJson(intent.choice) !== canonicalJson(row.choice)) {
        // Not what was announced: back to planned, to be announced again before it can be cast.
        const moved = await outbox.move(
          fence,
          "planned",
          { ...REPLAN, nextAttemptAt: null },
          { action: "cast.stale", data: { why: "changed_before_signing" } },
        );
        return moved ? { kind: "released", castId: row.id, why: "stale" } : { kind: "lost", castId: row.id };
      }

      // 4. The pause switch, read right before signing.
      const [switchState, spaceNow] = await Promise.all([
        options.casting.state(),
        prisma.space.findUniqueOrThrow({ where: { id: space.id }, select: { paused: true, mode: true } }),
      ]);
      if (switchState.paused || spaceNow.paused) {
        const moved = await outbox.move(
          fence,
          "due",
          { nextAttemptAt: null },
          { action: "cast.released", data: { why: "paused" } },
        );
        return moved ? { kind: "released", castId: row.id, why: "paused" } : { kind: "lost", castId: row.id };
      }

      const ballot = ballotOf(row, proposal, space);
      // 5. Dry-run: the message that would have been signed, recorded; nothing is sent.
      if (spaceNow.mode !== "live" || !options.caster) {
        const built = buildVoteMessage(ballot, ballot.timestamp ?? Math.floor(clock().getTime() / 1000));
        return settle(
          "skipped",
          {
            failureReason: "dry_run",
            dryRun: true,
            payload: {
              ...(row.payload as Prisma.JsonObject | null),
              voter: row.voterAddress,
              wouldSend: built.ok ? (built.message as unknown as Prisma.InputJsonValue) : null,
              refusal: built.ok ? null : built.refusal.message,
              noKeys: !options.caster,
            },
          },
          { dryRun: true },
        );
      }

      // 6. Sign, pin, send.
      const agentIndex = row.agentIndex ?? member?.agentIndex;
      if (agentIndex === undefined || agentIndex === null) return settle("failed", { failureReason: "no_signer" });
      let outcome: Awaited<ReturnType<SnapshotCaster["cast"]>>;
      try {
        outcome = await options.caster.cast(agentIndex, ballot, {
          beforeSubmit: async (vote: SignedVote) => {
            if (row.voteId && row.voteId.toLowerCase() !== vote.voteId.toLowerCase()) {
              throw new NotSent(
                "pinned_vote_mismatch",
                `re-signed vote ${vote.voteId} is not the pinned ${row.voteId}`,
              );
            }
            const moved = await outbox.move(
              fence,
              "submitted",
              {
                voteId: vote.voteId,
                voteTimestamp: vote.timestamp,
                // Planned while the space was in dry-run, perhaps: what is sent now is a real vote.
                dryRun: false,
                payload: {
                  ...(row.payload as Prisma.JsonObject | null),
                  voter: vote.voter,
                  message: vote.message,
                } as Prisma.InputJsonValue,
              },
              { data: { voteId: vote.voteId, timestamp: vote.timestamp } },
            );
            if (!moved) throw new NotSent("lease_lost", "lease lost before sending");
            fence = moved.row;
            row = moved.row;
          },
        });
      } catch (error) {
        if (error instanceof NotSent) {
          options.logger?.warn({ castId: row.id, why: error.message }, "vote not sent");
          return error.why === "lease_lost" ? { kind: "lost", castId: row.id } : retry(error.why, error.message);
        }
        options.logger?.error(
          { err: error, castId: row.id },
          "casting failed unexpectedly; retried after a check of the hub",
        );
        return retry("unexpected", error instanceof Error ? error.message : error);
      }

      switch (outcome.kind) {
        case "accepted":
          return settle("confirmed", {
            failureReason: null,
            receipt: {
              source: "sequencer",
              id: outcome.receipt.id,
              ipfs: outcome.receipt.ipfs,
              relayer: outcome.receipt.relayer,
            },
          });
        case "refused":
          return settle("failed", { failureReason: outcome.code, receipt: { refusal: outcome.message } });
        case "rejected": {
          if (outcome.code === "duplicate_message" && row.voteId?.toLowerCase() === outcome.vote.voteId.toLowerCase()) {
            // The sequencer stores messages by id, and this id is our pinned message's: it is on record, even if the
            // hub has not shown it yet (the hub's tables can lag the sequencer).
            return settle("confirmed", {
              failureReason: null,
              receipt: { source: "sequencer", id: outcome.vote.voteId, ipfs: null, duplicate: true },
            });
          }
          if (REJECTIONS_TO_RECONCILE.has(outcome.code)) {
            // "duplicate message" and friends: a vote from this agent may be on record; the hub says which.
            try {
              const after = await votes.voteOf({ voter: row.voterAddress, proposal: proposal.externalId });
              const verdict = reconcileSnapshotVote(after, {
                choice: row.choice as SnapshotChoice,
                voteId: row.voteId,
              });
              if (verdict.state === "landed" || verdict.state === "same_choice") {
                return settle(
                  "confirmed",
                  { failureReason: null, receipt: hubReceipt(verdict.vote) },
                  { reconciled: outcome.code },
                );
              }
            } catch (error) {
              return retry("hub_unavailable", error);
            }
          }
          return settle("failed", {
            failureReason: outcome.code,
            receipt: { status: outcome.status, description: outcome.description.slice(0, 500) },
          });
        }
        case "retryable":
          return retry(outcome.code, outcome.description, outcome.retryAfterMs);
      }
    },
  };
}

/** Back to planned: nothing of the claim survives (the reason named the old decision). */
const REPLAN: CastChanges = {
  announcedAt: null,
  dueAt: null,
  reason: null,
  voteId: null,
  voteTimestamp: null,
  payload: Prisma.DbNull,
};

async function onRecord(
  votes: SnapshotVoteReader,
  agent: string,
  wallet: string | null,
  proposal: string,
): Promise<{ mine: RecordedVote | null; theirs: RecordedVote | null }> {
  const found = await votes.votesBy({ voters: wallet ? [agent, wallet] : [agent], proposals: [proposal] });
  const newest = (address: string) =>
    found
      .filter((v) => v.voter.toLowerCase() === address.toLowerCase() && v.proposal === proposal)
      .reduce<RecordedVote | null>((best, v) => (!best || v.created > best.created ? v : best), null);
  return { mine: newest(agent), theirs: wallet ? newest(wallet) : null };
}

function hubReceipt(vote: RecordedVote): Prisma.InputJsonValue {
  return { source: "hub", id: vote.id, created: vote.created, vp: vote.vp, ipfs: null };
}

function ballotOf(row: Cast, proposal: Proposal, space: Space): SnapshotBallot {
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
