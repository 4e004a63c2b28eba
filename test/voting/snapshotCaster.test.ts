import { verifyMessage } from "@ethersproject/wallet";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SnapshotChoice } from "../../src/values/votingTypes.js";
import type { SnapshotCastOutcome } from "../../src/voting/snapshot/snapshotCaster.js";
import type { SnapshotBallot } from "../../src/voting/snapshot/voteMessage.js";
import { sidekickProposals, yip63 } from "../sources/snapshot/hubFixtures.js";
import { type CastingHarness, copelandExample, startCasting } from "./support/castingHarness.js";

// Real signatures end to end: snapshot.js signs with the agent's key, the local sequencer verifies with snapshot.js's
// own `utils.verify` and Snapshot's own choice rules, and the real vote reader finds the vote on the hub.

let h: CastingHarness;
beforeAll(async () => {
  h = await startCasting();
});
afterAll(() => h.close());

const SPACE = "casting.eth";
const realProposal = (type: string) => {
  const found = sidekickProposals(SPACE).find((p) => p.type === type);
  if (!found) throw new Error(`no fixture of type ${type}`);
  return h.openProposal({ ...found, id: undefined });
};

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

function expectAccepted(outcome: SnapshotCastOutcome): Extract<SnapshotCastOutcome, { kind: "accepted" }> {
  if (outcome.kind !== "accepted") throw new Error(`not accepted: ${JSON.stringify(outcome)}`);
  return outcome;
}

describe("Snapshot caster, every voting type", () => {
  const copeland = () => copelandExample(SPACE);
  const cases: [string, () => string, SnapshotChoice][] = [
    ["single-choice", () => realProposal("single-choice"), 2],
    ["basic", () => h.openProposal({ space: SPACE, title: "Basic", type: "basic" }), 3],
    ["approval", () => realProposal("approval"), [1, 3, 7]],
    ["ranked-choice", () => realProposal("ranked-choice"), [5, 1, 16, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]],
    ["copeland", () => h.openProposal(copeland().proposal), copeland().rankings[1] as number[]],
    ["weighted", () => realProposal("weighted"), { "1": 70, "3": 30 }],
    ["quadratic", () => realProposal("quadratic"), { "1": 5, "2": 1 }],
  ];

  it.each(cases)("%s: signed, verified by the sequencer, and on the hub as cast", async (_, open, choice) => {
    const proposal = open();
    const agent = 3;
    expect(await h.reader.voteOf({ voter: h.keyring.address(agent), proposal })).toBeNull();
    const ballot = deepFreeze(h.ballot(proposal, choice));
    const before = JSON.stringify(ballot);

    const accepted = expectAccepted(await h.caster.cast(agent, ballot));

    expect(JSON.stringify(ballot)).toBe(before); // frozen, and the library never touched it
    expect(accepted.vote.voter).toBe(h.keyring.address(agent));
    expect(accepted.receipt.id).toBe(accepted.vote.voteId);
    expect(verifyMessage(accepted.vote.sig, accepted.receipt.relayer.receipt)).toBe(h.sequencer.relayer.address);
    expect(accepted.vote.message).toMatchObject({
      app: "tribune",
      metadata: JSON.stringify({ digest: "d1".repeat(32) }),
    });
    const onHub = await h.reader.voteOf({ voter: h.keyring.address(agent).toLowerCase(), proposal });
    expect(onHub).toMatchObject({ id: accepted.vote.voteId, choice, vp: 103, reason: ballot.reason });
  });

  it("signs copeland rankings as arrays (Client712 knows copeland under no type of its own)", async () => {
    const { proposal, rankings } = copeland();
    const id = h.openProposal({ ...proposal, title: "Copeland again" });
    const accepted = expectAccepted(await h.caster.cast(4, h.ballot(id, rankings[0] as number[])));
    expect(accepted.vote.message.choice).toEqual(rankings[0]);
  });

  it("hands the signed vote's id to the caller before sending it, and sends nothing if the caller fails", async () => {
    const proposal = realProposal("single-choice");
    const seen: { voteId: string; requests: number }[] = [];
    const requests = () => h.sequencer.requests.length;
    const accepted = expectAccepted(
      await h.caster.cast(6, h.ballot(proposal, 1), {
        beforeSubmit: (vote) => void seen.push({ voteId: vote.voteId, requests: requests() }),
      }),
    );
    expect(seen).toEqual([{ voteId: accepted.vote.voteId, requests: requests() - 1 }]);

    const before = requests();
    const failing = h.caster.cast(7, h.ballot(proposal, 2), {
      beforeSubmit: () => Promise.reject(new Error("the outbox could not record the vote")),
    });
    await expect(failing).rejects.toThrow("could not record");
    expect(requests()).toBe(before);
    expect(await h.reader.voteOf({ voter: h.keyring.address(7), proposal })).toBeNull();
  });

  it("replaces a vote with a newer one (an override after the cast): one vote on record, the newer choice", async () => {
    const proposal = realProposal("single-choice");
    const first = expectAccepted(await h.caster.cast(5, h.ballot(proposal, 1)));
    h.hub.now += 5;
    const second = expectAccepted(await h.caster.cast(5, h.ballot(proposal, 2)));
    expect(second.vote.voteId).not.toBe(first.vote.voteId);
    const votes = await h.reader.votesBy({ voters: [h.keyring.address(5)], proposals: [proposal] });
    expect(votes).toEqual([expect.objectContaining({ id: second.vote.voteId, choice: 2 })]);
  });
});

describe("Snapshot caster, refusals", () => {
  it("skips a shutter-private proposal (the real YIP-63 record) before signing, saying why", async () => {
    const proposal = h.openProposal(yip63(SPACE));
    const sent = h.sequencer.requests.length;
    const outcome = await h.caster.cast(1, h.ballot(proposal, 1));
    expect(outcome).toMatchObject({ kind: "refused", code: "shutter_private" });
    expect(outcome.kind === "refused" && outcome.message).toMatch(/Shutter private voting/);
    expect(h.sequencer.requests.length).toBe(sent);
  });

  const rejections: [string, () => SnapshotBallot, string][] = [
    ["a choice the ballot does not have", () => h.ballot(realProposal("single-choice"), 3), "invalid_choice"],
    ["a partial ranking", () => h.ballot(realProposal("ranked-choice"), [1, 2]), "invalid_choice"],
    ["a split over a choice not offered", () => h.ballot(realProposal("weighted"), { "41": 1 }), "invalid_choice"],
    [
      "a proposal not yet open",
      () => h.ballot(h.hub.createProposal({ space: SPACE, title: "Later", start: h.hub.now + 600 }), 1),
      "not_in_voting_window",
    ],
    [
      "a proposal closed",
      () =>
        h.ballot(h.hub.createProposal({ space: SPACE, title: "Over", start: h.hub.now - 900, end: h.hub.now - 1 }), 1),
      "not_in_voting_window",
    ],
    [
      "a proposal the hub does not have",
      () => ({ ...h.ballot(realProposal("single-choice"), 1), proposal: `0x${"ee".repeat(32)}` }),
      "unknown_proposal",
    ],
    [
      "a space the sequencer does not know",
      () => ({ ...h.ballot(realProposal("single-choice"), 1), space: "nowhere.eth" }),
      "unknown_space",
    ],
    [
      "a timestamp older than six days",
      () => h.ballot(realProposal("single-choice"), 1, { timestamp: h.hub.now - 6 * 86_400 - 60 }),
      "wrong_timestamp",
    ],
    [
      "a timestamp more than five minutes ahead",
      () => h.ballot(realProposal("single-choice"), 1, { timestamp: h.hub.now + 301 }),
      "wrong_timestamp",
    ],
  ];

  it.each(rejections)("rejects %s for good, in the sequencer's words", async (_, ballot, code) => {
    const outcome = await h.caster.cast(2, ballot());
    expect(outcome).toMatchObject({ kind: "rejected", code, status: 400 });
  });

  it("rejects an agent with no voting power", async () => {
    const outcome = await h.caster.cast(20, h.ballot(realProposal("single-choice"), 1));
    expect(outcome).toMatchObject({ kind: "rejected", code: "no_voting_power", description: "no voting power" });
  });

  it("rejects an older vote after a newer one, and the very same message twice", async () => {
    const proposal = realProposal("approval");
    const newer = expectAccepted(await h.caster.cast(6, h.ballot(proposal, [2], { timestamp: h.hub.now })));
    const older = await h.caster.cast(6, h.ballot(proposal, [3], { timestamp: h.hub.now - 10 }));
    expect(older).toMatchObject({ kind: "rejected", code: "voted_later", description: "already voted at later time" });
    const again = await h.caster.cast(6, h.ballot(proposal, [2], { timestamp: newer.vote.timestamp }));
    expect(again).toMatchObject({ kind: "rejected", code: "duplicate_message" });
    expect(again.kind !== "refused" && again.vote.voteId).toBe(newer.vote.voteId);
  });
});
