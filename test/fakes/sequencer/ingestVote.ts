// The sequencer's judgement of one envelope, step for step as snapshot-sequencer does it for votes (src/ingestor.ts,
// then src/writer/vote.ts `verify` and `action`; MIT), with the same words for every refusal and in the same order,
// over state the fake hub holds. Signatures are checked by snapshot.js's own `utils.verify`, as the sequencer does.
// Left out, and why: flagged IPs (no moderation list here), ENS normalisation of space ids (needs a dependency Tribune
// does not have), space validation strategies and aliases (Tribune registers none, so any `from` other than the
// signer is "wrong alias", as on the real sequencer with an empty alias table), and non-vote messages.
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import type { Wallet } from "@ethersproject/wallet";
import type { SnapshotChoice, VotingType } from "../../../src/values/votingTypes.js";
import { snapshot } from "../../../src/voting/snapshot/snapshotJs.js";
import { isValidForSnapshot } from "../../values/snapshotValidity.js";
import type { FakeProposal, FakeSnapshotHub } from "../snapshotHub.js";
import { envelopeSchema } from "./envelopeSchema.js";

const hashedTypes: Record<string, string> = createRequire(import.meta.url)(
  "@snapshot-labs/snapshot.js/src/sign/hashedTypes.json",
);

/** A message the sequencer stored (its `messages` table): what "duplicate message" is checked against. */
export interface StoredMessage {
  id: string;
  ipfs: string;
  address: string;
  timestamp: number;
  space: string;
  type: string;
  sig: string;
  receipt: string;
}

export interface IngestContext {
  hub: FakeSnapshotHub;
  /** Unix seconds (may be fractional, like `Date.now() / 1e3`). */
  now(): number;
  knowsSpace(space: string): boolean;
  messages: Map<string, StoredMessage>;
  /** Where `utils.verify` asks about contract wallets when a signature does not recover to the address. */
  broviderUrl: string;
  relayer: Wallet;
}

export type IngestResult =
  | { ok: true; answer: { id: string; ipfs: string; relayer: { address: string; receipt: string } } }
  | { ok: false; error: string };

type Message = Record<string, unknown> & { timestamp?: unknown; space?: unknown; proposal?: unknown };
interface Envelope {
  address: string;
  sig: string;
  data: { domain: { name: string; version: string }; types: Record<string, unknown>; message: Message };
}
/** What snapshot.js's verify and getHash take: the envelope's `data`, already checked against the schema. */
type SignedData = Parameters<typeof snapshot.utils.getHash>[0];

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

function jsonParse(input: unknown, fallback?: unknown): unknown {
  try {
    return JSON.parse(input as string);
  } catch {
    return fallback || {};
  }
}

/** Judges one POSTed body; on success the vote is in the hub and the message in `context.messages`. */
export async function ingestVote(body: unknown, context: IngestContext): Promise<IngestResult> {
  const fail = (error: string): IngestResult => ({ ok: false, error });
  if (snapshot.utils.validateSchema(envelopeSchema, body) !== true) return fail("wrong envelope format");
  const envelope = body as Envelope;
  const { domain, message, types } = envelope.data;
  const ts = context.now();
  const overTs = Number((ts + 300).toFixed());
  const underTs = Number((ts - 60 * 60 * 24 * 6).toFixed());

  if (JSON.stringify(body).length > 1e5) return fail("too large message");
  if ((message.timestamp as number) > overTs || (message.timestamp as number) < underTs) return fail("wrong timestamp");
  if (typeof message.proposal === "string" && message.proposal.includes(" ")) {
    return fail("proposal cannot contain whitespace");
  }
  if (domain.name !== "snapshot" || domain.version !== "0.1.4") return fail("wrong domain");
  delete types.EIP712Domain;
  const type = hashedTypes[sha256(JSON.stringify(types))];
  if (!type) return fail("wrong types");
  if (!["vote", "vote-array", "vote-string"].includes(type)) return fail(`this fake sequencer takes votes only`);
  if (typeof message.space !== "string" || !message.space || !context.knowsSpace(message.space)) {
    return fail("unknown space");
  }
  if (envelope.address !== message.from) return fail("wrong alias");

  try {
    const valid = await snapshot.utils.verify(envelope.address, envelope.sig, envelope.data as SignedData, "1", {
      broviderUrl: context.broviderUrl,
      timeout: 5_000,
    });
    if (!valid) throw new Error("invalid signature");
  } catch {
    return fail("signature validation failed");
  }

  const id = snapshot.utils.getHash(envelope.data as SignedData, envelope.address);
  if (context.messages.has(id)) return fail("duplicate message");

  if (typeof message.metadata === "string" && message.metadata.length > 2000) return fail("too large metadata");
  let choice = message.choice;
  if (type === "vote-string") {
    const proposal = findProposal(context.hub, message.space, message.proposal);
    if (!proposal) return fail("unknown proposal");
    if (proposal.privacy !== "shutter") {
      try {
        choice = JSON.parse(message.choice as string);
      } catch {
        return fail("invalid choice");
      }
    }
  }
  const payload = {
    proposal: message.proposal,
    choice,
    reason: message.reason || "",
    app: message.app || "",
    metadata: jsonParse(message.metadata, {}),
  };

  // writer/vote.ts verify()
  if (snapshot.utils.validateSchema(snapshot.schemas.vote, payload) !== true) return fail("wrong vote format");
  const proposal = findProposal(context.hub, message.space, payload.proposal);
  if (!proposal) return fail("unknown proposal");
  const msgTs = Number.parseInt(String(message.timestamp), 10);
  const nowTs = Number(context.now().toFixed());
  if (msgTs > proposal.end || proposal.start > msgTs || nowTs > proposal.end || proposal.start > nowTs) {
    return fail("not in voting window");
  }
  if (proposal.privacy === "shutter") {
    if (payload.reason) return fail("reason not allowed with shutter");
    if (typeof payload.choice !== "string" || !payload.choice.startsWith("0x")) return fail("invalid choice");
  } else if (!isValidForSnapshot(proposal.type as VotingType, payload.choice as SnapshotChoice, proposal.choices)) {
    return fail("invalid choice");
  }
  const vp = context.hub.votingPowerOf(envelope.address, message.space);
  if (vp === 0) return fail("no voting power");

  // Pinning and the relayer's receipt: a real signature by the relayer's key over the vote's signature.
  const ipfs = `bafkrei${sha256(`ipfs/${id}`).slice(0, 52)}`;
  const receipt = await context.relayer.signMessage(envelope.sig);

  // writer/vote.ts action()
  const previous = context.hub.findVote(envelope.address, message.space, proposal.id);
  if (previous) {
    if (previous.created > msgTs) return fail("already voted at later time");
    if (previous.created === msgTs && id.localeCompare(previous.id) <= 0) {
      return fail("already voted same time with lower index");
    }
  }
  context.hub.putVote({
    id,
    ipfs,
    voter: envelope.address,
    created: msgTs,
    space: message.space,
    proposal: proposal.id,
    choice: payload.choice,
    reason: payload.reason as string,
    app: payload.app as string,
    metadata: payload.metadata,
    vp,
  });
  context.messages.set(id, {
    id,
    ipfs,
    address: envelope.address,
    timestamp: msgTs,
    space: message.space,
    type: "vote",
    sig: envelope.sig,
    receipt,
  });
  return { ok: true, answer: { id, ipfs, relayer: { address: context.relayer.address, receipt } } };
}

/** `SELECT * FROM proposals WHERE space = ? AND id = ?`. */
function findProposal(hub: FakeSnapshotHub, space: unknown, id: unknown): FakeProposal | undefined {
  const proposal = typeof id === "string" ? hub.proposals.get(id) : undefined;
  return proposal && proposal.space === space ? proposal : undefined;
}
