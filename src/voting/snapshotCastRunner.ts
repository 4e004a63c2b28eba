import type { SqlRunner } from "../db/sqlRunner.js";
import { type Cast, Prisma, type PrismaClient } from "../generated/prisma/client.js";
import type { Logger } from "../log/logger.js";
import type { SnapshotVoteReader } from "../sources/snapshot/voteReader.js";
import type { SnapshotChoice } from "../values/votingTypes.js";
import type { CastChanges, CastFence, CastOutbox } from "./castOutbox.js";
import type { CastReason } from "./castReasons.js";
import { afterSending } from "./snapshot/afterSending.js";
import { ballotOf, checkBallot, type PooledBallotSource } from "./snapshot/castBallot.js";
import { hubReceipt } from "./snapshot/castReceipts.js";
import { type DryRunChecks, dryRunChanges } from "./snapshot/dryRunRecord.js";
import { createHubRecords, type OnRecord } from "./snapshot/hubRecords.js";
import { createLastLook } from "./snapshot/lastLook.js";
import { reconcileSnapshotVote } from "./snapshot/reconcileSnapshotVote.js";
import { createRowContexts } from "./snapshot/rowContexts.js";
import type { SignedVote, SnapshotCaster, SnapshotCastOutcome } from "./snapshot/snapshotCaster.js";
import type { VotingPowers } from "./snapshot/votingPowers.js";

// Casting one claimed row (state `signing`, under a lease) on Snapshot. Before signing, and so before every retry,
// the hub is asked what the agent and the member already have on record: a vote that landed is confirmed, never sent
// again; a member who voted themselves is never voted for. Then the delegation check (the hub's `vp` for the agent
// at the proposal's snapshot), the ballot once more (the member's word and decision, or the pooled ballot), the pause
// switch, and dry-run. The vote's timestamp is pinned (with its id) before it is sent, so every later attempt re-signs
// the identical message: the sequencer stores one vote per message, so resending can never double it.

/** How one claimed row ended for this worker. */
export type CastRunResult =
  | { kind: "confirmed" | "failed" | "skipped"; castId: string; reason: string | null }
  | { kind: "retry"; castId: string; code: string; at: Date }
  | { kind: "released"; castId: string; why: string }
  /** Another worker reclaimed the row (this one's lease ran out): it is theirs now. */
  | { kind: "lost"; castId: string };

export interface SnapshotCastRunnerOptions {
  prisma: PrismaClient;
  /** The same database's raw runner: the last look before signing is one statement on every vote's path. */
  sql: SqlRunner;
  outbox: CastOutbox;
  votes: SnapshotVoteReader;
  /** Null: no mnemonic is configured; every space is treated as dry-run. */
  caster: SnapshotCaster | null;
  /** The pooled ballot now; without it a pooled row is never sent (it goes back to planned). */
  pooled?: PooledBallotSource;
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
  /** How long a batch's hub read (`prepare`) stays usable for its rows. 30 s. */
  preparedMaxAgeMs?: number;
  /** Reads the batch's voting power in `prepare` too (five agents a request); without it each row asks for its own. */
  powers?: VotingPowers;
  /** Called after a row reaches confirmed, failed or skipped (post the receipt); its errors are logged only. */
  onSettled?: (row: Cast) => Promise<void>;
  logger?: Logger;
}

export interface SnapshotCastRunner {
  /** Casts one row that `claimDue` returned. Never throws for an expected failure. */
  run(claimed: Cast): Promise<CastRunResult>;
  /**
   * Reads the hub once for a claimed batch (call it right after `claimDue`, before `run`): each first attempt in it
   * then uses that read instead of a request of its own. Never throws.
   */
  prepare?(batch: Cast[]): Promise<void>;
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
  const hub = createHubRecords({
    prisma,
    votes,
    clock,
    maxAgeMs: options.preparedMaxAgeMs,
    powers: options.powers,
    logger: options.logger,
  });

  const contexts = createRowContexts({
    prisma,
    clock,
    maxAgeMs: options.preparedMaxAgeMs,
    onPrepareError: (error) =>
      options.logger?.warn({ err: error }, "could not read the batch's rows at once; each row reads its own"),
  });
  const lastLook = createLastLook(options.sql);

  return {
    async prepare(batch) {
      await contexts.prepare(batch);
      await hub.prepare(batch);
    },

    async run(claimed) {
      let fence: CastFence = claimed;
      let row = claimed;
      // Found before the next transition (the agent's voting power): written with it, in the same update.
      let found: CastChanges = {};
      const settle = async (
        to: "confirmed" | "failed" | "skipped",
        reason: CastReason | null,
        changes: CastChanges = {},
        data: Record<string, unknown> = {},
      ): Promise<CastRunResult> => {
        const moved = await outbox.move(
          fence,
          to,
          { ...found, nextAttemptAt: null, ...changes, failureReason: reason },
          { data },
        );
        if (!moved) return { kind: "lost", castId: row.id };
        await options.onSettled?.(moved.row).catch((error: unknown) => {
          options.logger?.warn({ err: error, castId: row.id }, "could not report a settled cast");
        });
        return { kind: to, castId: row.id, reason: moved.row.failureReason };
      };
      const retry = async (code: CastReason, detail: unknown, retryAfterMs: number | null = null) => {
        const delay = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.max(0, row.attempts - 1));
        const at = new Date(clock().getTime() + Math.max(delay, retryAfterMs ?? 0));
        const moved = await outbox.move(
          fence,
          "due",
          { ...found, nextAttemptAt: at, failureReason: code },
          { action: "cast.retry", data: { code, detail: String(detail).slice(0, 500), retryAt: at.toISOString() } },
        );
        return moved
          ? ({ kind: "retry", castId: row.id, code, at } as const)
          : ({ kind: "lost", castId: row.id } as const);
      };
      const release = async (
        to: "planned" | "due",
        why: "stale" | "paused",
        changes: CastChanges,
        event: { action: string; data: Record<string, unknown> },
      ): Promise<CastRunResult> => {
        const moved = await outbox.move(fence, to, { ...found, ...changes }, event);
        return moved ? { kind: "released", castId: row.id, why } : { kind: "lost", castId: row.id };
      };

      const context = await contexts.of(row);
      const { proposal, member } = context;
      const { space } = proposal;
      if (space.removedAt) return settle("skipped", "space_removed");
      if (proposal.deletedAt) return settle("skipped", "proposal_deleted");
      if (proposal.privacy === "shutter") return settle("skipped", "shielded");
      // Dry-run needs no hub: if it cannot be reached, the record says what was not checked. A live row waits for it.
      const mayGoUnchecked = space.mode !== "live" || !options.caster;
      const checks: DryRunChecks = { ownVote: "checked", votingPower: "checked" };
      let hubDown: unknown = null;

      // 1. What the hub already has: ours (landed or not), and the member's own. A fresh batch read if there is one.
      let onRecord: OnRecord | null = null;
      const prepared = hub.take(row);
      const preparedPower = prepared?.ok ? prepared.power : null;
      if (prepared?.ok) onRecord = prepared.record;
      else {
        try {
          if (prepared) throw prepared.error;
          onRecord = await hub.read(row, member?.walletAddress ?? null, proposal.externalId);
        } catch (error) {
          if (!mayGoUnchecked) return retry("hub_unavailable", error);
          checks.ownVote = "unchecked";
          hubDown = error;
        }
      }
      if (onRecord) {
        const seen = reconcileSnapshotVote(onRecord.mine, { choice: row.choice as SnapshotChoice, voteId: row.voteId });
        if (seen.state === "landed" || seen.state === "same_choice") {
          return settle("confirmed", null, { receipt: hubReceipt(seen.vote) }, { reconciled: seen.state });
        }
        if (seen.state === "other_choice") {
          // Only Tribune holds the agent's key, and one row per proposal and agent signs one message: a different
          // vote on record is not one of ours. Never overwrite what is not understood.
          return settle(
            "failed",
            "other_vote_on_record",
            { receipt: hubReceipt(seen.vote) },
            { onRecord: seen.vote.id },
          );
        }
        if (onRecord.theirs) return settle("skipped", "own_vote", {}, { memberVote: onRecord.theirs.id });
      }
      if (row.attempts > maxAttempts) return settle("failed", "attempts_exhausted");

      const deadline = proposal.endAt.getTime() - 1_000 * Math.min(sendDeadlineSeconds, options.safetyMarginSeconds);
      if (clock().getTime() >= deadline) return settle(row.voteId ? "failed" : "skipped", "proposal_closed");

      // 2. Delegation: the agent's voting power at the proposal's snapshot, recorded with the next transition.
      if (row.votingPower === null || row.votingPower === "0") {
        if (hubDown !== null) checks.votingPower = "unchecked";
        else {
          let power: number;
          try {
            power =
              preparedPower ??
              (
                await votes.votingPower({
                  voter: row.voterAddress,
                  space: space.externalId,
                  proposal: proposal.externalId,
                })
              ).vp;
          } catch (error) {
            if (!mayGoUnchecked) return retry("hub_unavailable", error);
            checks.votingPower = "unchecked";
            hubDown = error;
            power = Number.NaN;
          }
          if (!Number.isNaN(power)) {
            if (!(power > 0)) return settle("skipped", "no_voting_power", { votingPower: "0" });
            found = { votingPower: String(power) };
          }
        }
      }

      // 3. The last look, right before signing: the pause switches, the space's mode, the member's word and whether
      // the decision is still current, in one read. Then the ballot once more: a veto or a new decision that came in
      // since the claim wins.
      const look = await lastLook(row);
      let check: Awaited<ReturnType<typeof checkBallot>>;
      try {
        const decision = look.decisionCurrent === false ? null : context.decision;
        check = await checkBallot(row, { ...context, decision }, { word: look.word, pooled: options.pooled });
      } catch (error) {
        if (row.voterKind !== "pooled") throw error;
        return retry("pooled_unavailable", error instanceof Error ? error.message : error);
      }
      if (check.kind === "skip") return settle("skipped", check.reason);
      if (check.kind === "stale") {
        // Not what was announced: back to planned, to be announced again before it can be cast.
        return release(
          "planned",
          "stale",
          { ...REPLAN, nextAttemptAt: null },
          { action: "cast.stale", data: { why: check.why } },
        );
      }

      // 4. Paused, by the steward of the space or for everyone: the row waits, due, for the resume.
      if (look.castingPaused || look.spacePaused) {
        return release("due", "paused", { nextAttemptAt: null }, { action: "cast.released", data: { why: "paused" } });
      }

      const ballot = ballotOf(row, proposal, space);
      // 5. Dry-run: the message that would have been signed, recorded; nothing is sent.
      if (look.spaceMode !== "live" || !options.caster) {
        const nowSeconds = Math.floor(clock().getTime() / 1000);
        const changes = dryRunChanges(row, ballot, { nowSeconds, hasKeys: Boolean(options.caster), checks });
        return settle("skipped", "dry_run", changes, { dryRun: true, checks });
      }
      // The space went live since the row was read: a live vote never goes out unchecked.
      if (hubDown !== null) return retry("hub_unavailable", hubDown);

      // 6. Sign, pin, send.
      const agentIndex = row.agentIndex ?? member?.agentIndex;
      if (agentIndex === undefined || agentIndex === null) return settle("failed", "no_signer");
      let outcome: SnapshotCastOutcome;
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
                ...found,
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
            found = {};
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

      const next = await afterSending(outcome, row, () =>
        votes.voteOf({ voter: row.voterAddress, proposal: proposal.externalId }),
      );
      if (next.to === "due") return retry(next.code, next.detail, next.retryAfterMs);
      return settle(next.to, next.reason, { receipt: next.receipt }, next.data);
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
