import type { Address, Hex, LocalAccount } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { type Cast, Prisma, type PrismaClient } from "../generated/prisma/client.js";
import type { Logger } from "../log/logger.js";
import type { GovernorFlavor } from "../sources/governor/bravoGovernor.js";
import type { ChainClient } from "../sources/governor/chainClient.js";
import type { CastingSwitch } from "../spaces/castingSwitch.js";
import type { CastChanges, CastOutbox } from "./castOutbox.js";
import { readFlavor } from "./governor/bravoBallot.js";
import { castFailureMove, causedBy, messageOf } from "./governor/castFailure.js";
import { castMoves } from "./governor/castMoves.js";
import { chainReceipt } from "./governor/chainReceipt.js";
import { governorBallotOf, plannedCall } from "./governor/governorBallot.js";
import { createGovernorCaster, type GovernorCaster } from "./governor/governorCaster.js";
import { governorLocation } from "./governor/governorTarget.js";
import {
  findVoteCast,
  type GovernorTarget,
  hasUnminedTransactions,
  hasVoteCounted,
  proposalState,
  sameBallot,
  transactionFate,
  votingPowerAt,
} from "./governor/onChainVote.js";
import { LeaseLost, sendGovernorVote } from "./governor/sendGovernorVote.js";
import type { Keyring } from "./keyring.js";
import type { OverrideStore } from "./overrideStore.js";
import { checkBallot, type PooledBallotSource } from "./snapshot/castBallot.js";
import type { CastRunResult } from "./snapshotCastRunner.js";

// Casting one claimed row (state `signing`, under a lease) on a Governor: the Snapshot runner's twin. Before every
// send, and so before every retry, the chain is asked what it already has: the transaction an earlier attempt
// recorded (mined, still pending, or unknown), the agent's own vote (hasVoted, usedVotes for a split, Bravo's
// receipt): a vote already counted is confirmed, never sent twice; a member whose wallet voted is never voted for.
// Then the delegation check (the voting power at the proposal's timepoint, recorded), the member's word (or the pooled
// ballot) once more, the pause switch, and dry-run. A transaction's hash is recorded (state `submitted`) before it is
// broadcast, so a worker dying at any point leaves a row that names what it sent.

export interface GovernorCastRunnerOptions {
  prisma: PrismaClient;
  outbox: CastOutbox;
  casting: CastingSwitch;
  overrides: OverrideStore;
  /** The client of a chain (RPC_URL_<chainId>); undefined when none is configured. */
  chains: (chainId: number) => ChainClient | undefined;
  /** Null: no mnemonic is configured; every space is treated as dry-run. */
  keyring: Keyring | null;
  /** Pays the gas and submits the agents' signed votes (…BySig); without it each agent sends and pays itself. */
  relayer?: LocalAccount | null;
  caster?: GovernorCaster;
  /** The space's current pooled ballot (src/voting/pooledBallot.ts), to re-check pooled rows right before sending. */
  pooled?: PooledBallotSource;
  /** CAST_SAFETY_MARGIN_SECONDS. */
  safetyMarginSeconds: number;
  /** Nothing is sent later than this before the proposal's (estimated) end; 60 s by default, as on Snapshot. */
  sendDeadlineSeconds?: number;
  clock?: () => Date;
  /** Claims per row before it fails for good. 8 by default. */
  maxAttempts?: number;
  /** Retry delay after the first failed attempt, doubled per attempt up to `maxDelayMs`. 15 s and 10 min. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** How long to wait for a sent vote's receipt before leaving it to a retry (which looks its hash up). 60 s. */
  receiptTimeoutMs?: number;
  /** Blocks per eth_getLogs when looking for a vote already cast (GOVERNOR_BLOCK_RANGE). 2,000. */
  logBlockRange?: number;
  /** How far back to look when the proposal's creation block is not stored. 50,000 blocks. */
  logLookbackBlocks?: number;
  /** The chain's block explorer (e.g. "https://etherscan.io"), for the receipt's link; null when none is known. */
  explorer?: (chainId: number) => string | null;
  /** Called after a row reaches confirmed, failed or skipped (post the receipt); its errors are logged only. */
  onSettled?: (row: Cast) => Promise<void>;
  logger?: Logger;
}

export interface GovernorCastRunner {
  /** Casts one row that `claimDue(now, limit, "governor")` returned. Never throws for an expected failure. */
  run(claimed: Cast): Promise<CastRunResult>;
}

/** Builds the runner. */
export function createGovernorCastRunner(options: GovernorCastRunnerOptions): GovernorCastRunner {
  const { prisma, outbox } = options;
  const clock = options.clock ?? (() => new Date());
  const caster = options.caster ?? createGovernorCaster();
  const relayer = options.relayer ?? null;
  const maxAttempts = options.maxAttempts ?? 8;
  const baseDelayMs = options.baseDelayMs ?? 15_000;
  const maxDelayMs = options.maxDelayMs ?? 600_000;
  const sendDeadlineSeconds = options.sendDeadlineSeconds ?? 60;
  const flavors = new Map<string, Promise<GovernorFlavor>>();
  const flavorOf = (chain: ChainClient, governor: Address) => {
    const key = `${chain.chainId}:${governor}`;
    let found = flavors.get(key);
    if (!found) {
      found = readFlavor(chain, governor);
      // An endpoint that failed is asked again next time.
      found.catch(() => flavors.delete(key));
      flavors.set(key, found);
    }
    return found;
  };

  return {
    async run(claimed) {
      const moves = castMoves(claimed, {
        outbox,
        clock,
        baseDelayMs,
        maxDelayMs,
        onSettled: options.onSettled,
        logger: options.logger,
      });
      const { settle, retry } = moves;
      const row = claimed;
      const context = await prisma.cast.findUniqueOrThrow({
        where: { id: row.id },
        include: { proposal: { include: { space: true } }, member: true, decision: true },
      });
      const { proposal, member } = context;
      const { space } = proposal;
      if (space.removedAt) return settle("skipped", { failureReason: "space_removed" });
      if (proposal.deletedAt) return settle("skipped", { failureReason: "proposal_deleted" });
      const location = governorLocation(space, proposal);
      if (!location) return settle("failed", { failureReason: "invalid_governor" });
      const chain = options.chains(location.chainId);
      if (!chain) return settle("failed", { failureReason: "no_rpc_endpoint" });
      const ballot = governorBallotOf(row.choice);
      if (!ballot) return settle("failed", { failureReason: "invalid_choice" });
      const agent = row.voterAddress as Address;

      const receiptOf = (
        txHash: Hex,
        blockNumber: bigint,
        method: string | null,
        extra: Record<string, unknown> = {},
      ) =>
        chainReceipt({
          chainId: location.chainId,
          txHash,
          blockNumber,
          method,
          explorer: options.explorer?.(location.chainId) ?? null,
          extra,
        });

      try {
        const target: GovernorTarget = {
          chain,
          governor: location.governor,
          proposalId: location.proposalId,
          flavor: await flavorOf(chain, location.governor),
        };
        /** The agent's vote is counted: confirmed if it is this ballot, failed if it is one we do not understand. */
        const onChain = async (why: string): Promise<CastRunResult> => {
          const from =
            location.createdInBlock ?? bigMax(0n, (await chain.head()) - BigInt(options.logLookbackBlocks ?? 50_000));
          const found = await findVoteCast(target, agent, from, BigInt(options.logBlockRange ?? 2_000));
          if (found && sameBallot(found, ballot)) {
            return settle(
              "confirmed",
              {
                failureReason: null,
                // The transaction that counted: a replacement recorded before sending may have been refused since.
                txHash: found.txHash,
                receipt: receiptOf(found.txHash, found.blockNumber, found.method, { reconciled: why }),
              },
              { reconciled: why, txHash: found.txHash },
            );
          }
          // Only Tribune holds the agent's key, and one row per proposal and agent sends one vote: a vote on record
          // that is not this ballot (or that no log shows) is not understood, and never overwritten.
          return settle(
            "failed",
            {
              failureReason: found ? "other_vote_on_record" : "already_voted",
              receipt: found ? receiptOf(found.txHash, found.blockNumber, found.method) : Prisma.DbNull,
            },
            { reconciled: why, onRecord: found?.txHash ?? null },
          );
        };

        // 1. An earlier attempt's transaction, then the agent's vote, then the member's own.
        let pending: Hex | null = null;
        if (row.txHash) {
          const earlier = await transactionFate(chain, row.txHash as Hex);
          if (earlier.kind === "mined" && earlier.success) {
            const sent = (row.payload as { sent?: { function?: string } } | null)?.sent;
            return settle(
              "confirmed",
              {
                failureReason: null,
                receipt: receiptOf(row.txHash as Hex, earlier.blockNumber, sent?.function ?? null, {
                  reconciled: "tx",
                }),
              },
              { reconciled: "tx" },
            );
          }
          if (earlier.kind === "pending") pending = row.txHash as Hex;
        }
        // A transaction of ours may still land: nothing that gives the row up may happen until it has.
        const hold = (otherwise: () => Promise<CastRunResult>) =>
          pending ? retry("tx_pending", `transaction ${pending} is not mined yet`) : otherwise();
        if (await hasVoteCounted(target, agent, ballot)) return onChain("on_chain");
        const wallet = row.voterKind === "personal" ? (member?.walletAddress ?? null) : null;
        if (wallet && (await hasVoteCounted(target, wallet as Address, { kind: "support", support: 0 }))) {
          return hold(() => settle("skipped", { failureReason: "own_vote" }, { memberWallet: wallet }));
        }
        if (row.attempts > maxAttempts) return hold(() => settle("failed", { failureReason: "attempts_exhausted" }));

        // 2. Open for votes, and not too close to the end.
        const state = await proposalState(target);
        if (state === "pending") return retry("not_open_yet", "the proposal's voting has not started");
        if (state !== "active") {
          const code = state === "canceled" ? "proposal_canceled" : "proposal_closed";
          return hold(() => settle("skipped", { failureReason: code }, { state }));
        }
        const deadline = proposal.endAt.getTime() - 1_000 * Math.min(sendDeadlineSeconds, options.safetyMarginSeconds);
        if (clock().getTime() >= deadline) return hold(() => settle("skipped", { failureReason: "proposal_closed" }));

        // 3. Delegation: the power reaching the agent at the proposal's timepoint, recorded.
        const { power, timepoint } = await votingPowerAt(target, agent, proposal.snapshotTimepoint);
        const { fence } = moves;
        const recorded = await prisma.cast.updateMany({
          where: { id: fence.id, state: fence.state, attempts: fence.attempts },
          data: { votingPower: power.toString() },
        });
        if (recorded.count !== 1) return moves.lost();
        if (power === 0n) {
          return hold(() =>
            settle("skipped", { failureReason: "no_voting_power", votingPower: "0" }, { timepoint: String(timepoint) }),
          );
        }

        // 4. The member's word and the live decision (or the pooled ballot), once more.
        let check: Awaited<ReturnType<typeof checkBallot>>;
        try {
          check = await checkBallot(row, context, { overrides: options.overrides, pooled: options.pooled });
        } catch (error) {
          if (row.voterKind !== "pooled") throw error;
          return retry("pooled_unavailable", messageOf(error));
        }
        if (check.kind === "skip") return hold(() => settle("skipped", { failureReason: check.reason }));
        if (check.kind === "stale") {
          const why = check.why;
          // Not what was announced: back to planned, to be announced again before it can be cast.
          return hold(() =>
            moves.release(
              "planned",
              "stale",
              { ...REPLAN, nextAttemptAt: null },
              { action: "cast.stale", data: { why } },
            ),
          );
        }

        // 5. The pause switch, read right before sending.
        const [switchState, spaceNow] = await Promise.all([
          options.casting.state(),
          prisma.space.findUniqueOrThrow({ where: { id: space.id }, select: { paused: true, mode: true } }),
        ]);
        if (switchState.paused || spaceNow.paused) {
          return moves.release(
            "due",
            "paused",
            { nextAttemptAt: null },
            { action: "cast.released", data: { why: "paused" } },
          );
        }

        // 6. Dry-run: the call that would have been sent, recorded; nothing is sent.
        const reason = row.reason ?? "";
        if (spaceNow.mode !== "live" || !options.keyring) {
          const wouldSend = plannedCall({
            chainId: location.chainId,
            governor: location.governor,
            flavor: target.flavor,
            proposalId: location.proposalId,
            ballot,
            reason,
            voter: agent,
            relayer: relayer?.address ?? null,
          });
          return hold(() =>
            settle(
              "skipped",
              {
                failureReason: "dry_run",
                dryRun: true,
                payload: {
                  ...payloadOf(row),
                  voter: agent,
                  wouldSend: { ...wouldSend },
                  noKeys: !options.keyring,
                } as Prisma.InputJsonValue,
              },
              { dryRun: true },
            ),
          );
        }

        // 7. Send: the hash is recorded before the transaction is broadcast.
        const index = row.agentIndex ?? (row.voterKind === "pooled" ? space.pooledAgentIndex : member?.agentIndex);
        if (index === undefined || index === null) return hold(() => settle("failed", { failureReason: "no_signer" }));
        const voter = privateKeyToAccount(options.keyring.privateKey(index) as Hex);
        if (voter.address.toLowerCase() !== agent.toLowerCase()) {
          return hold(() => settle("failed", { failureReason: "signer_mismatch" }));
        }
        const sender = relayer ?? voter;
        // A retried row without a pending hash of its own, while its sender has unmined transactions: one of them may
        // be this vote, sent by a worker that died before the hash was recorded. Wait for them to land first.
        if (!pending && row.attempts > 1 && (await hasUnminedTransactions(chain, sender.address))) {
          return retry("sender_busy", `${sender.address} has unmined transactions`);
        }
        return await sendGovernorVote({
          moves,
          caster,
          target,
          voter,
          relayer,
          ballot,
          reason,
          pending,
          receiptTimeoutMs: options.receiptTimeoutMs ?? 60_000,
          payload: { ...payloadOf(row), voter: agent },
          receiptOf,
          onChain,
        });
      } catch (error) {
        if (causedBy(error, LeaseLost)) {
          options.logger?.warn({ castId: row.id }, "vote not sent: the lease was lost");
          return moves.lost();
        }
        const move = castFailureMove(error);
        if (move.code === "unexpected") {
          options.logger?.error(
            { err: error, castId: row.id },
            "casting failed unexpectedly; retried after a check of the chain",
          );
        }
        return retry(move.kind === "retry" ? move.code : "unexpected", messageOf(error));
      }
    },
  };
}

/** Back to planned: nothing of the claim survives (the reason named the old decision; no transaction is pending). */
const REPLAN: CastChanges = {
  announcedAt: null,
  dueAt: null,
  reason: null,
  txHash: null,
  payload: Prisma.DbNull,
};

function payloadOf(row: Cast): Prisma.JsonObject {
  const payload = row.payload;
  return payload && typeof payload === "object" && !Array.isArray(payload) ? (payload as Prisma.JsonObject) : {};
}

function bigMax(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}
