import { createServer } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { reconcileSnapshotVote } from "../../src/voting/snapshot/reconcileSnapshotVote.js";
import { createSnapshotCaster, type SnapshotCastOutcome } from "../../src/voting/snapshot/snapshotCaster.js";
import type { SequencerFault } from "../fakes/sequencer/fakeSequencer.js";
import { eventually } from "../support/eventually.js";
import { type CastingHarness, startCasting } from "./support/castingHarness.js";

// The sequencer failing at chosen moments. Transient failures come back as retryable values, never throws; where the
// vote may have landed the outcome says so, and the hub then tells what happened: the reconciliation the outbox does
// before any retry.

let h: CastingHarness;
let proposal: string;
beforeAll(async () => {
  h = await startCasting();
  proposal = h.openProposal({ space: "faults.eth", title: "Fund the audit", type: "basic" });
});
afterAll(() => h.close());
// A fault a test queued and its requests never met would fall on the next test: it fails the test that left it.
afterEach(() => {
  expect(h.sequencer.faults.splice(0)).toEqual([]);
});

/** A caster on the same sequencer with a short timeout, for the slow cases. */
const impatient = () =>
  createSnapshotCaster({
    keyring: h.keyring,
    sequencerUrl: h.sequencerUrl,
    now: () => h.hub.now * 1000,
    timeoutMs: 300,
  });

const voteOnHub = (agent: number) => h.reader.voteOf({ voter: h.keyring.address(agent), proposal });

/** Resolves once the sequencer has taken every queued fault, i.e. the requests meant to meet them arrived. */
const sequencerTook = () =>
  eventually(
    async () => h.sequencer.faults.length,
    (left) => left === 0,
    10_000,
  );

function retryable(outcome: SnapshotCastOutcome) {
  if (outcome.kind !== "retryable") throw new Error(`not retryable: ${JSON.stringify(outcome)}`);
  return outcome;
}

describe("Snapshot caster, sequencer faults", () => {
  it.each<[string, SequencerFault, object]>([
    ["425", { kind: "status", status: 425 }, { code: "in_progress", status: 425, mayHaveLanded: true }],
    [
      "429 with Retry-After",
      { kind: "status", status: 429 },
      { code: "rate_limited", status: 429, mayHaveLanded: false, retryAfterMs: 60_000 },
    ],
    ["503", { kind: "status", status: 503 }, { code: "maintenance", description: "update in progress, try later" }],
    ["500", { kind: "status", status: 500 }, { code: "server_error", description: "{}", mayHaveLanded: true }],
    ["a proxy's 502 page", { kind: "garbage" }, { code: "server_error", status: 502 }],
    [
      "a failed score API call",
      { kind: "reject", description: "failed to check voting power" },
      { code: "upstream_failed", status: 400, mayHaveLanded: false },
    ],
    ["a reset connection", { kind: "reset" }, { code: "network", status: null, mayHaveLanded: true }],
  ])("%s is retryable, and nothing is on the hub", async (_, fault, expected) => {
    h.sequencer.faults.push(fault);
    const outcome = retryable(await h.caster.cast(0, h.ballot(proposal, 1)));
    expect(outcome).toMatchObject(expected);
    expect(await voteOnHub(0)).toBeNull();
  });

  it("answers 503 to everything while the maintenance switch is on", async () => {
    h.sequencer.maintenance = true;
    try {
      expect(retryable(await h.caster.cast(0, h.ballot(proposal, 1)))).toMatchObject({ code: "maintenance" });
    } finally {
      h.sequencer.maintenance = false;
    }
  });

  it("times out on a sequencer that never answers", async () => {
    h.sequencer.faults.push({ kind: "hang" });
    const started = Date.now();
    const outcome = retryable(await impatient().cast(0, h.ballot(proposal, 1)));
    expect(outcome).toMatchObject({ code: "timeout", mayHaveLanded: true });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("reports a cancelled call as such", async () => {
    h.sequencer.faults.push({ kind: "hang" });
    const controller = new AbortController();
    const casting = h.caster.cast(0, h.ballot(proposal, 1), { signal: controller.signal });
    // Cancelled once the sequencer holds the request (its hang taken), however long signing and sending took; a hang
    // left queued would meet the next test instead.
    await sequencerTook();
    controller.abort();
    const outcome = retryable(await casting);
    expect(outcome).toMatchObject({ code: "cancelled", mayHaveLanded: true });
  });

  it("knows nothing was sent when the connection is refused", async () => {
    const closed = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, "127.0.0.1", () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    const caster = createSnapshotCaster({ keyring: h.keyring, sequencerUrl: `http://127.0.0.1:${closed}` });
    const outcome = retryable(await caster.cast(0, h.ballot(proposal, 1)));
    expect(outcome).toMatchObject({ code: "network", mayHaveLanded: false });
  });

  it("gets 425 for the same message sent while the first is still being processed", async () => {
    const ballot = h.ballot(proposal, 2, { timestamp: h.hub.now });
    // The first stays in flight for 1.5 s (long enough for a loaded machine to sign and send the second).
    h.sequencer.faults.push({ kind: "delay", ms: 1_500 });
    const first = h.caster.cast(7, ballot);
    await sequencerTook();
    const second = retryable(await h.caster.cast(7, ballot));
    expect(second).toMatchObject({ code: "in_progress", status: 425, mayHaveLanded: true });
    // Same message, same signature (deterministic ECDSA), so the same id: the first attempt's vote is the one.
    expect(await first).toMatchObject({ kind: "accepted", vote: { voteId: second.vote.voteId } });
    expect(await voteOnHub(7)).toMatchObject({ id: second.vote.voteId });
  });
});

describe("Snapshot caster, lost answers reconciled through the hub", () => {
  it("a vote stored but whose answer was dropped is found on the hub, and resending it cannot double it", async () => {
    h.sequencer.faults.push({ kind: "drop" });
    const ballot = h.ballot(proposal, 1);
    const lost = retryable(await h.caster.cast(8, ballot));
    expect(lost).toMatchObject({ code: "network", mayHaveLanded: true });

    const onRecord = await voteOnHub(8);
    expect(reconcileSnapshotVote(onRecord, { choice: ballot.choice, voteId: lost.vote.voteId })).toMatchObject({
      state: "landed",
      vote: { id: lost.vote.voteId, choice: 1 },
    });
    // An outbox that resent anyway, signing the same message again, is refused: the vote stays single.
    const resent = await h.caster.cast(8, { ...ballot, timestamp: lost.vote.timestamp });
    expect(resent).toMatchObject({ kind: "rejected", code: "duplicate_message" });
    expect(h.hub.votes.filter((v) => v.voter === h.keyring.address(8) && v.proposal === proposal)).toHaveLength(1);
  });

  it("a vote that landed after the caster gave up waiting is found on the hub", async () => {
    h.sequencer.faults.push({ kind: "delay", ms: 800 });
    const ballot = h.ballot(proposal, 3);
    const gaveUp = retryable(await impatient().cast(9, ballot));
    expect(gaveUp).toMatchObject({ code: "timeout", mayHaveLanded: true });
    await expect.poll(() => voteOnHub(9), { timeout: 5_000 }).toMatchObject({ id: gaveUp.vote.voteId });
    expect(reconcileSnapshotVote(await voteOnHub(9), { choice: 3, voteId: gaveUp.vote.voteId }).state).toBe("landed");
  });

  it("a dropped answer for a vote the sequencer refused leaves nothing on the hub", async () => {
    h.sequencer.faults.push({ kind: "drop" });
    const lost = retryable(await h.caster.cast(25, h.ballot(proposal, 1))); // agent 25 has no voting power
    expect(lost.mayHaveLanded).toBe(true);
    expect(reconcileSnapshotVote(await voteOnHub(25), { choice: 1, voteId: lost.vote.voteId })).toEqual({
      state: "absent",
    });
    expect(h.sequencer.requests.at(-1)).toMatchObject({ error: "no voting power", status: null, fault: "drop" });
  });
});
