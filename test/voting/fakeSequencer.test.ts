import { Wallet } from "@ethersproject/wallet";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { snapshot } from "../../src/voting/snapshot/snapshotJs.js";
import { FakeSequencer } from "../fakes/sequencer/fakeSequencer.js";
import { FakeSnapshotHub } from "../fakes/snapshotHub.js";
import { sequencerFixtureVote } from "./support/castingHarness.js";

// The local sequencer itself, on raw envelopes: it must accept what the real one accepts (the real sequencer's own
// signed test vote) and refuse, in the real words, the envelopes Tribune's caster never produces.

type Envelope = ReturnType<typeof sequencerFixtureVote>;
const fixture = sequencerFixtureVote();
const SPACE = fixture.data.message.space as string;

let hub: FakeSnapshotHub;
let sequencer: FakeSequencer;
let url: string;
beforeAll(async () => {
  hub = new FakeSnapshotHub();
  hub.now = (fixture.data.message.timestamp as number) + 30;
  hub.createProposal({
    id: fixture.data.message.proposal as string,
    space: SPACE,
    title: "My first proposal",
    choices: ["1"],
    start: hub.now - 3_600,
    end: hub.now + 3_600,
  });
  hub.setVotingPower(fixture.address, SPACE, 1);
  sequencer = new FakeSequencer(hub);
  url = await sequencer.listen();
});
afterAll(() => sequencer.close());

async function post(body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const refusedWith = (description: string) => ({
  status: 400,
  body: { error: "client_error", error_description: description },
});

/** snapshot.js's `voteStringTypes` (src/sign/types.ts): what Client712 signs weighted and quadratic votes with. */
const VOTE_STRING_TYPES = {
  Vote: [
    { name: "from", type: "string" },
    { name: "space", type: "string" },
    { name: "timestamp", type: "uint64" },
    { name: "proposal", type: "string" },
    { name: "choice", type: "string" },
    { name: "reason", type: "string" },
    { name: "app", type: "string" },
    { name: "metadata", type: "string" },
  ],
};

async function signed(wallet: Wallet, message: Record<string, unknown>): Promise<Envelope> {
  const domain = { name: "snapshot", version: "0.1.4" };
  const full = {
    from: wallet.address,
    space: SPACE,
    timestamp: hub.now,
    reason: "",
    app: "",
    metadata: "{}",
    ...message,
  };
  const sig = await wallet._signTypedData(domain, VOTE_STRING_TYPES, full);
  return { address: wallet.address, sig, data: { domain, types: VOTE_STRING_TYPES, message: full } };
}

describe("FakeSequencer", () => {
  it("accepts the real sequencer's own signed test vote, answering as it does, and the hub shows it", async () => {
    const answer = await post(fixture);
    const id = snapshot.utils.getHash(fixture.data as Parameters<typeof snapshot.utils.getHash>[0]);
    expect(answer).toEqual({
      status: 200,
      body: {
        id,
        ipfs: expect.stringMatching(/^bafkrei/),
        relayer: { address: sequencer.relayer.address, receipt: expect.any(String) },
      },
    });
    expect(hub.findVote(fixture.address, SPACE, fixture.data.message.proposal as string)).toMatchObject({
      id,
      choice: 1,
      app: "snapshot",
      created: fixture.data.message.timestamp,
    });
    expect(await post(fixture)).toEqual(refusedWith("duplicate message"));
  });

  it("refuses a signature that does not match the message, after asking the chain about contract wallets", async () => {
    const tampered = structuredClone(fixture);
    tampered.data.message.reason = "tampered";
    expect(await post(tampered)).toEqual(refusedWith("signature validation failed"));
  });

  it.each<[string, (e: Envelope) => unknown, string]>([
    ["a missing signature", ({ sig: _, ...rest }) => rest, "wrong envelope format"],
    ["an extra field", (e) => ({ ...e, extra: 1 }), "wrong envelope format"],
    ["a lower-case address", (e) => ({ ...e, address: e.address.toLowerCase() }), "wrong envelope format"],
    [
      "another domain version",
      (e) => ({ ...e, data: { ...e.data, domain: { name: "snapshot", version: "0.1.3" } } }),
      "wrong domain",
    ],
    [
      "types snapshot.js does not sign with",
      (e) => ({ ...e, data: { ...e.data, types: { Vote: [{ name: "choice", type: "uint64" }] } } }),
      "wrong types",
    ],
    [
      "an envelope of 100,000 characters",
      (e) => ({ ...e, data: { ...e.data, message: { ...e.data.message, reason: "x".repeat(100_000) } } }),
      "too large message",
    ],
    [
      "a timestamp six days and a minute old",
      (e) => ({ ...e, data: { ...e.data, message: { ...e.data.message, timestamp: hub.now - 6 * 86_400 - 60 } } }),
      "wrong timestamp",
    ],
    [
      "a space it does not know",
      (e) => ({ ...e, data: { ...e.data, message: { ...e.data.message, space: "nobody.eth" } } }),
      "unknown space",
    ],
    [
      "a signer other than `from` (an alias Tribune never registers)",
      (e) => ({ ...e, address: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8" }),
      "wrong alias",
    ],
  ])("refuses %s", async (_, change, description) => {
    expect(await post(change(structuredClone(fixture)))).toEqual(refusedWith(description));
  });

  it("refuses metadata over 2,000 characters and a vote string that is not JSON, both properly signed", async () => {
    const wallet = Wallet.createRandom();
    hub.setVotingPower(wallet.address, SPACE, 5);
    const proposal = hub.createProposal({ space: SPACE, title: "Split", type: "weighted", start: hub.now - 60 });
    const metadata = JSON.stringify({ digest: "x".repeat(2_000) });
    expect(await post(await signed(wallet, { proposal, choice: '{"1":1}', metadata }))).toEqual(
      refusedWith("too large metadata"),
    );
    expect(await post(await signed(wallet, { proposal, choice: "{1:1" }))).toEqual(refusedWith("invalid choice"));
    expect(await post(await signed(wallet, { proposal, choice: '{"1":1}', app: "x".repeat(25) }))).toEqual(
      refusedWith("wrong vote format"),
    );
    expect((await post(await signed(wallet, { proposal, choice: '{"1":1}' }))).status).toBe(200);
  });

  it("answers 503 during maintenance and 425 for a body already in flight, as the real one does", async () => {
    sequencer.maintenance = true;
    expect(await post(fixture)).toEqual({
      status: 503,
      body: { error: "server_error", error_description: "update in progress, try later" },
    });
    sequencer.maintenance = false;
    const wallet = Wallet.createRandom();
    hub.setVotingPower(wallet.address, SPACE, 5);
    const proposal = hub.createProposal({ space: SPACE, title: "Twice", type: "weighted", start: hub.now - 60 });
    const envelope = await signed(wallet, { proposal, choice: '{"1":1}' });
    sequencer.faults.push({ kind: "delay", ms: 1_000 });
    const [first, second] = await Promise.all([
      post(envelope),
      new Promise((r) => setTimeout(r, 100)).then(() => post(envelope)),
    ]);
    expect(first.status).toBe(200);
    expect(second).toEqual({
      status: 425,
      body: { error: "client_error", error_description: "request already being processed" },
    });
  });
});
