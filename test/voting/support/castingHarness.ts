// Snapshot casting against the local hub and sequencer, sharing one store and one clock: the real caster signs with
// snapshot.js, the sequencer verifies and stores, the real vote reader reads the result back through GraphQL.
import { readFileSync } from "node:fs";
import { Secret } from "../../../src/config/secret.js";
import type { Logger } from "../../../src/log/logger.js";
import { createHubClient } from "../../../src/sources/snapshot/hubClient.js";
import { createRateLimiter } from "../../../src/sources/snapshot/rateLimiter.js";
import { createSnapshotVoteReader, type SnapshotVoteReader } from "../../../src/sources/snapshot/voteReader.js";
import { createKeyring, type Keyring } from "../../../src/voting/keyring.js";
import { createSnapshotCaster, type SnapshotCaster } from "../../../src/voting/snapshot/snapshotCaster.js";
import type { SnapshotBallot } from "../../../src/voting/snapshot/voteMessage.js";
import { FakeSequencer } from "../../fakes/sequencer/fakeSequencer.js";
import { FakeSnapshotHub, type ProposalInput } from "../../fakes/snapshotHub.js";

/** The mnemonic every Ethereum dev tool ships with: test keys, never funded. */
export const DEV_PHRASE = "test test test test test test test test test test test junk";
export const DIGEST_HASH = "d1".repeat(32);

export interface CastingHarness {
  hub: FakeSnapshotHub;
  sequencer: FakeSequencer;
  sequencerUrl: string;
  keyring: Keyring;
  caster: SnapshotCaster;
  reader: SnapshotVoteReader;
  /** A proposal open for voting now, with voting power for agents 0–9 in its space. */
  openProposal(input: ProposalInput): string;
  ballot(proposal: string, choice: SnapshotBallot["choice"], over?: Partial<SnapshotBallot>): SnapshotBallot;
  close(): Promise<void>;
}

/** Starts the hub and the sequencer on one clock (the hub's: unix seconds that tests move) and a caster on it. */
export async function startCasting(
  options: { timeoutMs?: number; mnemonic?: string; logger?: Logger } = {},
): Promise<CastingHarness> {
  const hub = new FakeSnapshotHub();
  const sequencer = new FakeSequencer(hub);
  const [sequencerUrl, hubUrl] = await Promise.all([sequencer.listen(), hub.listen()]);
  const keyring = createKeyring(new Secret(options.mnemonic ?? DEV_PHRASE));
  const caster = createSnapshotCaster({
    keyring,
    sequencerUrl,
    now: () => hub.now * 1000,
    timeoutMs: options.timeoutMs ?? 10_000,
    logger: options.logger,
  });
  const reader = createSnapshotVoteReader({
    hub: createHubClient({
      url: hubUrl,
      timeoutMs: 15_000,
      sleep: async () => undefined,
      rateLimiter: createRateLimiter({ requests: 10_000 }),
    }),
  });
  return {
    hub,
    sequencer,
    sequencerUrl,
    keyring,
    caster,
    reader,
    openProposal(input) {
      const id = hub.createProposal({ start: hub.now - 60, end: hub.now + 86_400, ...input });
      for (let i = 0; i < 10; i++) hub.setVotingPower(keyring.address(i), input.space, 100 + i);
      return id;
    },
    ballot(proposal, choice, over = {}) {
      const p = hub.proposals.get(proposal);
      if (!p) throw new Error(`no proposal ${proposal}`);
      return {
        space: p.space,
        proposal,
        votingType: p.type as SnapshotBallot["votingType"],
        privacy: p.privacy,
        choice,
        reason: `Decided on security and treasury prudence. (Tribune audit ${"ae".repeat(32)})`,
        digestHash: DIGEST_HASH,
        ...over,
      };
    },
    async close() {
      await Promise.all([sequencer.close(), hub.close()]);
    },
  };
}

const fixtures = new URL("../../fixtures/snapshot/", import.meta.url);

/** snapshot.js's Copeland example: four candidates and real full rankings. */
export function copelandExample(space: string): { proposal: ProposalInput; rankings: number[][] } {
  const example = JSON.parse(readFileSync(new URL("snapshotjs-voting-examples-copeland.json", fixtures), "utf8")) as {
    proposal: { choices: string[] };
    votes: { choice: number[] }[];
  };
  const { choices } = example.proposal;
  return {
    proposal: { space, type: "copeland", title: "Elect the steward (Copeland)", choices },
    rankings: example.votes.map((v) => v.choice).filter((c) => c.length === choices.length),
  };
}

/** The sequencer's own signed test vote (snapshot-sequencer test/fixtures/ingestor-payload/vote.json). */
export function sequencerFixtureVote(): {
  address: string;
  sig: string;
  data: { domain: Record<string, string>; types: Record<string, unknown>; message: Record<string, unknown> };
} {
  return JSON.parse(readFileSync(new URL("sequencer-ingestor-vote.json", fixtures), "utf8"));
}
