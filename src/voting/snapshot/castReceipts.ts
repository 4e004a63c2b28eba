import type { Prisma } from "../../generated/prisma/client.js";
import type { RecordedVote } from "../../sources/snapshot/voteReader.js";
import type { SequencerReceipt } from "./sequencerOutcome.js";

// What a settled Snapshot row keeps in `Cast.receipt`: where the vote can be seen (the sequencer's receipt, or the
// hub's record when reconciliation found it), or what refused it. The Discord thread and the web view read these.

/** The sequencer accepted the vote: its id (the EIP-712 hash), its IPFS hash and the relayer's signature. */
export function sequencerReceipt(receipt: SequencerReceipt): Prisma.InputJsonValue {
  return { source: "sequencer", id: receipt.id, ipfs: receipt.ipfs, relayer: receipt.relayer };
}

/**
 * The sequencer answered "duplicate message" for the very message pinned for this row: it stores messages by id, so
 * the vote is on record even if the hub does not show it yet (the hub's tables can lag the sequencer).
 */
export function duplicateReceipt(voteId: string): Prisma.InputJsonValue {
  return { source: "sequencer", id: voteId, ipfs: null, duplicate: true };
}

/** The vote as the hub shows it: found by reconciliation, before or after an attempt. */
export function hubReceipt(vote: RecordedVote): Prisma.InputJsonValue {
  return { source: "hub", id: vote.id, created: vote.created, vp: vote.vp, ipfs: null };
}

/** The sequencer refused the vote: its status and words (cut short; they are the sequencer's, not ours). */
export function rejectionReceipt(status: number, description: string): Prisma.InputJsonValue {
  return { status, description: description.slice(0, 500) };
}

/** The ballot was refused before signing: the sentence saying why. */
export function refusalReceipt(message: string): Prisma.InputJsonValue {
  return { refusal: message };
}
