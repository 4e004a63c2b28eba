import type { Logger } from "../../log/logger.js";
import type { Keyring } from "../keyring.js";
import {
  readSequencerAnswer,
  type SequencerReceipt,
  type SequencerRejection,
  type SequencerTransient,
  type SequencerVerdict,
} from "./sequencerOutcome.js";
import { postEnvelope, type SnapshotEnvelope } from "./sequencerTransport.js";
import { snapshot } from "./snapshotJs.js";
import { typedDataSigner } from "./typedDataSigner.js";
import { type BallotRefusalCode, buildVoteMessage, type SnapshotBallot } from "./voteMessage.js";

// Casting one Snapshot vote for one agent: snapshot.js's own Client712 builds the EIP-712 message and signs it with
// the agent's key (typedDataSigner.ts: the ethers v5 Wallet's exact signature, made faster). The envelope is then
// POSTed here instead of by Client712.send, because that send has a fixed 30 s timeout that stops at the headers,
// takes no AbortSignal, and drops the HTTP status (a 429 and a 503 come back as bare bodies or a Response object),
// and the status is what separates "try later" from "never".
// One call is one attempt: retrying is the outbox's job, since it must first ask the hub whether the vote landed.
// @see https://docs.snapshot.box/tools/snapshot.js

/** The vote as signed: everything needed to find it on the hub or prove it later. No secret is in it. */
export interface SignedVote {
  /** The agent's checksummed address (the envelope's `address`, the message's `from`). */
  readonly voter: string;
  /** The EIP-712 hash (`snapshot.utils.getHash`): the vote's id on the hub once it lands. */
  readonly voteId: string;
  readonly sig: string;
  /** Unix seconds, as signed; pass it back as `ballot.timestamp` to re-sign the identical message. */
  readonly timestamp: number;
  /** The signed message (the choice of weighted and quadratic votes is a JSON string there, as signed). */
  readonly message: Readonly<Record<string, unknown>>;
}

/** How one cast ended. Every expected failure is a value here. */
export type SnapshotCastOutcome =
  | { readonly kind: "accepted"; readonly vote: SignedVote; readonly receipt: SequencerReceipt }
  /** Not signed, not sent: the ballot must not be cast as it is (shutter, malformed choice, reason too long). */
  | { readonly kind: "refused"; readonly code: BallotRefusalCode; readonly message: string }
  /** The sequencer refused it for good (see `REJECTIONS_TO_RECONCILE` for the refusals that need a look at the hub). */
  | {
      readonly kind: "rejected";
      readonly vote: SignedVote;
      readonly code: SequencerRejection;
      readonly status: number;
      readonly description: string;
    }
  | {
      readonly kind: "retryable";
      readonly vote: SignedVote;
      readonly code: SequencerTransient;
      readonly status: number | null;
      readonly description: string;
      /** Check the hub before casting again unless this is false. */
      readonly mayHaveLanded: boolean;
      readonly retryAfterMs: number | null;
    };

export interface SnapshotCasterOptions {
  keyring: Keyring;
  /** `SNAPSHOT_SEQUENCER_URL`, POSTed to exactly as given (Client712 would turn hub URLs and localhost:3000 into others). */
  sequencerUrl: string;
  /** Per attempt; 30 s by default (snapshot.js's own). */
  timeoutMs?: number;
  /** Milliseconds since the epoch; the vote's timestamp comes from it. */
  now?: () => number;
  fetch?: typeof fetch;
  logger?: Logger;
}

export interface CastOptions {
  signal?: AbortSignal;
  /**
   * Called once the vote is signed and before it is sent, with its id: the outbox records the id (state "submitted")
   * here, so that after a crash it knows which message to look for on the hub. If it throws, nothing is sent.
   */
  beforeSubmit?: (vote: SignedVote) => Promise<void> | void;
}

export interface SnapshotCaster {
  /**
   * Signs `ballot` as the agent at `agentIndex` and submits it once. Never throws for a refusal or an outage; throws
   * only for a bug (a bad agent index, a choice ethers cannot encode) or when `beforeSubmit` throws.
   */
  cast(agentIndex: number, ballot: SnapshotBallot, options?: CastOptions): Promise<SnapshotCastOutcome>;
}

/** Builds the Snapshot caster. */
export function createSnapshotCaster(options: SnapshotCasterOptions): SnapshotCaster {
  const now = options.now ?? Date.now;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const log = options.logger;

  return {
    async cast(agentIndex, ballot, { signal, beforeSubmit } = {}) {
      const built = buildVoteMessage(ballot, ballot.timestamp ?? Math.floor(now() / 1000));
      if (!built.ok) {
        log?.info(
          { space: ballot.space, proposal: ballot.proposal, code: built.refusal.code },
          "snapshot vote refused",
        );
        return { kind: "refused", ...built.refusal };
      }
      let signed: SignedVote | undefined;
      const signer = typedDataSigner(options.keyring.privateKey(agentIndex));
      const client = new SubmittingClient(options.sequencerUrl, async (envelope) => {
        signed = {
          voter: envelope.address,
          voteId: signer.digest ?? snapshot.utils.getHash(envelope.data),
          sig: envelope.sig,
          timestamp: Number(envelope.data.message.timestamp),
          message: { ...envelope.data.message },
        };
        await beforeSubmit?.(signed);
        const answer = await postEnvelope(options.sequencerUrl, envelope, {
          timeoutMs,
          fetch: fetchImpl,
          signal,
          nowMs: now,
        });
        return readSequencerAnswer(answer, signed.voteId);
      });
      const verdict = (await client.vote(
        // Client712 types its signer as an ethers Wallet or provider; it calls only `_signTypedData` on it.
        signer as unknown as Parameters<typeof client.vote>[0],
        options.keyring.address(agentIndex),
        built.message,
      )) as SequencerVerdict;
      const vote = signed as SignedVote;
      const outcome: SnapshotCastOutcome =
        verdict.kind === "accepted" ? { kind: "accepted", vote, receipt: verdict.receipt } : { ...verdict, vote };
      logOutcome(log, ballot, outcome);
      return outcome;
    },
  };
}

/** Client712 with its `send` replaced: the signing, the types and the mutations stay snapshot.js's own. */
class SubmittingClient extends snapshot.Client712 {
  constructor(
    url: string,
    private readonly submit: (envelope: SnapshotEnvelope) => Promise<SequencerVerdict>,
  ) {
    super(url);
  }

  override send(envelope: SnapshotEnvelope) {
    return this.submit(envelope);
  }
}

function logOutcome(log: Logger | undefined, ballot: SnapshotBallot, outcome: SnapshotCastOutcome): void {
  if (!log || outcome.kind === "refused") return;
  const fields = {
    space: ballot.space,
    proposal: ballot.proposal,
    voter: outcome.vote.voter,
    voteId: outcome.vote.voteId,
  };
  if (outcome.kind === "accepted") log.info({ ...fields, ipfs: outcome.receipt.ipfs }, "snapshot vote accepted");
  else
    log.warn(
      { ...fields, code: outcome.code, status: outcome.status, description: outcome.description },
      `snapshot vote ${outcome.kind}`,
    );
}
