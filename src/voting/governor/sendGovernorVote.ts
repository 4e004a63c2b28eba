import type { Hex, LocalAccount } from "viem";
import type { Prisma } from "../../generated/prisma/client.js";
import type { CastRunResult } from "../snapshotCastRunner.js";
import { castFailureMove, causedBy, messageOf } from "./castFailure.js";
import type { castMoves } from "./castMoves.js";
import { jsonSafe } from "./governorBallot.js";
import type { GovernorBallot, GovernorCaster } from "./governorCaster.js";
import { decodeGovernorCall, type GovernorTarget, hasVoteCounted, transactionFate } from "./onChainVote.js";
import { recordBeforeBroadcast } from "./sendRecorder.js";

// The last step of a Governor cast: send the vote through the caster, with the transaction's hash recorded in the row
// (state `submitted`, with the decoded call in its payload) before the transaction is broadcast, then settle the row
// from what came back. A refusal that may mean "already counted" is checked on chain before anything is decided.

/** The run's lease ran out before the transaction went out: nothing was sent, the row is another worker's. */
export class LeaseLost extends Error {}

export interface SendGovernorVoteInput {
  moves: ReturnType<typeof castMoves>;
  caster: GovernorCaster;
  target: GovernorTarget;
  /** The agent (the signing voter) and, when configured, the relayer that sends and pays. */
  voter: LocalAccount;
  relayer: LocalAccount | null;
  ballot: GovernorBallot;
  reason: string;
  /** A transaction of an earlier attempt still waiting to be mined: the caster replaces it at its nonce. */
  pending: Hex | null;
  receiptTimeoutMs: number;
  /** The row's payload to extend with what is sent. */
  payload: Prisma.JsonObject;
  receiptOf(txHash: Hex, blockNumber: bigint, method: string | null, extra?: Record<string, unknown>): object;
  /** Settles the row from the vote the chain counts for the agent. */
  onChain(why: string): Promise<CastRunResult>;
}

/** Sends one vote and settles (or retries) the row; throws LeaseLost when the row was lost before sending. */
export async function sendGovernorVote(input: SendGovernorVoteInput): Promise<CastRunResult> {
  const { moves, target, voter, relayer, ballot, pending } = input;
  const sender = relayer ?? voter;
  let recorded: Hex | null = null;
  const recording = recordBeforeBroadcast(target.chain, async (tx) => {
    const call = tx.data ? decodeGovernorCall(tx.data) : null;
    const moved = await moves.advance(
      "submitted",
      {
        txHash: tx.hash,
        // Planned while the space was in dry-run, perhaps: what is sent now is a real vote.
        dryRun: false,
        payload: {
          ...input.payload,
          sent: {
            function: call?.function ?? null,
            args: jsonSafe(call?.args ?? []),
            sender: sender.address,
            governor: target.governor,
            chainId: target.chain.chainId,
            nonce: tx.nonce,
          },
        } as Prisma.InputJsonValue,
      },
      { data: { txHash: tx.hash, nonce: tx.nonce, replaces: pending } },
    );
    if (!moved) throw new LeaseLost("lease lost before sending");
    recorded = tx.hash;
  });
  /** A row that ends here names no transaction the node refused (insufficient funds): it was never sent. */
  const unsent = async (): Promise<{ txHash?: null; payload?: Prisma.InputJsonValue }> => {
    if (!recorded) return {};
    const fate = await transactionFate(target.chain, recorded).catch(() => null);
    return fate?.kind === "unknown" ? { txHash: null, payload: input.payload as Prisma.InputJsonValue } : {};
  };
  try {
    const receipt = await input.caster({
      chain: recording,
      governor: target.governor,
      proposalId: target.proposalId,
      voter,
      ballot,
      reason: input.reason,
      ...(relayer ? { relayer } : {}),
      ...(pending ? { pendingTransaction: pending } : {}),
      receiptTimeoutMs: input.receiptTimeoutMs,
      flavor: target.flavor,
    });
    return moves.settle("confirmed", {
      failureReason: null,
      receipt: input.receiptOf(receipt.transactionHash, receipt.blockNumber, receipt.method, {
        sender: receipt.sender,
        gasUsed: receipt.gasUsed.toString(),
        ...(receipt.reconciled ? { reconciled: "tx" } : {}),
      }) as Prisma.InputJsonValue,
    });
  } catch (error) {
    if (causedBy(error, LeaseLost)) throw error;
    const move = castFailureMove(error);
    // Whatever the error says, a vote of the agent's that is counted on chain settles the row: a relayed vote left
    // pending by a dead worker can be mined while its replacement is simulated, which then reverts on a used nonce.
    if (move.kind !== "retry" && (await hasVoteCounted(target, voter.address, ballot))) {
      return input.onChain(move.code);
    }
    // An earlier transaction of ours may still land (a replacement was refused, say): the row ends only once the
    // chain has settled it, so it waits for another look.
    if (pending && move.kind !== "retry" && (await transactionFate(target.chain, pending)).kind === "pending") {
      return moves.retry("tx_pending", `${messageOf(error)}; transaction ${pending} is not mined yet`);
    }
    if (move.kind === "reconcile") {
      return move.code === "reverted"
        ? moves.settle("failed", { failureReason: "reverted", receipt: { error: messageOf(error) } })
        : moves.retry(move.code, messageOf(error));
    }
    if (move.kind === "retry") return moves.retry(move.code, messageOf(error));
    return moves.settle(move.kind, {
      failureReason: move.code,
      receipt: { error: messageOf(error) },
      ...(await unsent()),
    });
  }
}
