// Realistic proposals for the local hub, built from the real records in test/fixtures/snapshot (snapshot.js's YIP-63
// example with its body, snapshot-sidekick's hub records of several voting types).
import { readdirSync, readFileSync } from "node:fs";
import type { ProposalInput } from "../../fakes/snapshotHub.js";

const dir = new URL("../../fixtures/snapshot/", import.meta.url);
const readJson = (name: string) => JSON.parse(readFileSync(new URL(name, dir), "utf8")) as Record<string, unknown>;

/** YAM's YIP-63 as snapshot.js's test example has it: title, body, two choices, a shutter (private) vote. */
export function yip63(space: string): ProposalInput {
  const p = readJson("snapshotjs-test-examples-proposal.json") as {
    name: string;
    body: string;
    choices: string[];
    snapshot: number;
    privacy: string;
  };
  return {
    space,
    title: p.name,
    body: p.body,
    choices: p.choices,
    snapshot: p.snapshot,
    privacy: p.privacy,
    discussion: "https://forum.yam.finance/t/yip-add-20-000-yam-tokens-to-the-general-expense-fund/1452",
  };
}

/** The sidekick hub records: one real proposal id, voting type and choice list each. */
export function sidekickProposals(space: string): ProposalInput[] {
  return readdirSync(dir)
    .filter((name) => name.startsWith("sidekick-hub-proposal-"))
    .sort()
    .map((name) => {
      const p = readJson(name) as { id: string; type: string; choices: string[] };
      return { space, id: p.id, type: p.type, choices: p.choices, title: `Proposal ${p.id.slice(0, 10)} (${p.type})` };
    });
}

/** The real vote list of one sidekick proposal: voters, choices, voting power, times. */
export function sidekickVotes(): {
  proposal: string;
  votes: { voter: string; choice: unknown; vp: number; reason: string; created: number }[];
} {
  const proposal = "0x1e5fdb5c87867a94c1c7f27025d62851ea47f6072f2296ca53a48fce1b87cdef";
  const votes = JSON.parse(readFileSync(new URL(`sidekick-hub-votes-${proposal}.json`, dir), "utf8"));
  return { proposal, votes };
}

/** The proposal in the sequencer's own test envelope (signed by a real key), as the hub stores such a message. */
export function sequencerProposal(): ProposalInput {
  const envelope = readJson("sequencer-ingestor-proposal.json") as {
    address: string;
    data: {
      message: {
        space: string;
        type: string;
        title: string;
        body: string;
        discussion: string;
        choices: string[];
        start: number;
        end: number;
        snapshot: number;
        timestamp: number;
        app: string;
      };
    };
  };
  const m = envelope.data.message;
  return {
    space: m.space,
    author: envelope.address,
    type: m.type,
    title: m.title,
    body: m.body,
    discussion: m.discussion,
    choices: m.choices,
    start: m.start,
    end: m.end,
    snapshot: m.snapshot,
    created: m.timestamp,
    app: m.app,
  };
}

/** A plain proposal with a body long enough to read like one. */
export function plainProposal(space: string, n: number, extra: Partial<ProposalInput> = {}): ProposalInput {
  return {
    space,
    title: `[${space}] Fund the grants round #${n}`,
    body: `## Summary\nAllocate ${1000 + n} USDC from the treasury to round #${n}.\n\n## Motivation\nBuilders asked for it.`,
    ...extra,
  };
}
