import type { Address, Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Cast } from "../../src/generated/prisma/client.js";
import { UNSIGNED } from "../../src/voting/governor/governorBallot.js";
import { createGovernorCaster } from "../../src/voting/governor/governorCaster.js";
import { eventually } from "../support/eventually.js";
import { createTestDatabase, type TestDatabase } from "../support/testDatabase.js";
import {
  EXPLORER,
  type GovernorRunnerHarness,
  startGovernorRunner,
  tokens,
  txHashOf,
} from "./support/governorRunnerHarness.js";

// The Governor runner through `voting.cast`'s drain, on a real EVM with real OpenZeppelin Governors behind an HTTP
// JSON-RPC endpoint: every outcome is read back from the chain (votes counted, transactions sent) and the outbox.

let t: TestDatabase;
let h: GovernorRunnerHarness;
beforeAll(async () => {
  t = await createTestDatabase();
  h = await startGovernorRunner(t, 31_361);
}, 120_000);
afterAll(async () => {
  await h?.close();
  await t?.drop();
});

const castRow = (id: string): Promise<Cast> => h.prisma.cast.findUniqueOrThrow({ where: { id } });
const actions = async (castId: string) =>
  (await h.prisma.auditEntry.findMany({ orderBy: { seq: "asc" } }))
    .filter((e) => (JSON.parse(e.canonical) as { data?: { castId?: string } }).data?.castId === castId)
    .map((e) => e.action);

describe("casting Governor votes from the outbox", () => {
  it("casts a member's vote through the relayer and confirms it with its receipt", async () => {
    const agent = h.agent();
    await h.holder(h.simple, tokens(120), agent.address);
    const p = await h.proposal(h.simple);
    const seeded = await h.row(p, { kind: "personal", agent, choice: 2 });
    const relayed = await h.sentBy(h.relayer.address);

    const report = await h.drain(h.runner());
    expect(report.results.confirmed).toBe(1);
    const row = await castRow(seeded.id);
    expect(row.state).toBe("confirmed");
    expect(row.votingPower).toBe(tokens(120).toString());
    expect(await p.dao.votes(p.onChainId)).toEqual({ against: 0n, for: tokens(120), abstain: 0n });
    expect(await h.sentBy(h.relayer.address)).toBe(relayed + 1);
    expect(await h.sentBy(agent.address)).toBe(0);
    const mined = await h.chain.client.getTransactionReceipt({ hash: txHashOf(row) });
    expect(row.receipt).toEqual({
      source: "chain",
      chainId: 31_361,
      txHash: txHashOf(row),
      blockNumber: mined.blockNumber.toString(),
      method: "castVoteWithReasonAndParamsBySig",
      url: `${EXPLORER}/tx/${txHashOf(row)}`,
      sender: h.relayer.address,
      gasUsed: mined.gasUsed.toString(),
    });
    // What was sent is recorded: the function, its arguments (the on-record reason among them), the sender.
    const sent = (row.payload as { sent: { function: string; args: unknown[]; sender: string } }).sent;
    expect(sent.function).toBe("castVoteWithReasonAndParamsBySig");
    expect(sent.sender).toBe(h.relayer.address);
    expect(sent.args.slice(0, 4)).toEqual([p.onChainId.toString(), 1, agent.address, row.reason]);
    expect(row.reason).toMatch(/^Decided on security and treasury prudence\. \(Tribune audit [0-9a-f]{64}\)$/);
    expect(await actions(row.id)).toEqual(["cast.due", "cast.signing", "cast.submitted", "cast.confirmed"]);
  });

  it("confirms the transaction of a worker that died after sending, without sending a second", async () => {
    const agent = h.agent();
    await h.holder(h.simple, tokens(40), agent.address);
    const p = await h.proposal(h.simple);
    const seeded = await h.row(p, { kind: "personal", agent, choice: 1 });

    // The first worker sends, then dies before it records the receipt: its run never returns.
    const real = createGovernorCaster();
    const dying = h.runner({
      caster: async (request) => real(request).then(() => new Promise<never>(() => undefined)),
    });
    const [claimed] = await h.outbox.claimDue(h.clock(), 10, "governor");
    expect(claimed?.id).toBe(seeded.id);
    void dying.run(claimed as Cast);
    const left = await eventually(
      () => castRow(seeded.id),
      (r) => r.state === "submitted" && r.txHash !== null,
      20_000,
    );
    await eventually(
      () => p.dao.votes(p.onChainId),
      (v) => v.against === tokens(40),
      20_000,
    );
    const relayed = await h.sentBy(h.relayer.address);

    // Its lease runs out; the next worker reclaims the row and finds the hash mined.
    h.advance(121);
    const report = await h.drain(h.runner());
    expect(report.results.confirmed).toBe(1);
    const row = await castRow(seeded.id);
    expect(row).toMatchObject({ state: "confirmed", txHash: left.txHash, attempts: 2 });
    expect(row.receipt).toMatchObject({
      txHash: left.txHash,
      method: "castVoteWithReasonAndParamsBySig",
      reconciled: "tx",
    });
    expect(await h.sentBy(h.relayer.address)).toBe(relayed);
    expect(await p.dao.votes(p.onChainId)).toEqual({ against: tokens(40), for: 0n, abstain: 0n });
    expect(await actions(row.id)).toContain("cast.reclaimed");
  });

  it("confirms a vote already on chain without sending it again, and never overwrites a different one", async () => {
    const same = h.agent();
    const other = h.agent();
    await h.holder(h.simple, tokens(10), same.address);
    await h.holder(h.simple, tokens(20), other.address);
    const p = await h.proposal(h.simple);
    const sameRow = await h.row(p, { kind: "personal", agent: same, choice: 2 });
    const otherRow = await h.row(p, { kind: "personal", agent: other, choice: 2 });
    // Both agents' votes were cast outside this outbox (an earlier attempt whose hash was never recorded, say).
    const cast = createGovernorCaster();
    const voter = (index: number) => privateKeyToAccount(h.keyring.signer(index).privateKey as `0x${string}`);
    const base = {
      chain: h.client,
      governor: p.dao.governor,
      proposalId: p.onChainId,
      relayer: h.relayer,
      reason: "x",
    };
    const outside = await cast({ ...base, voter: voter(same.index), ballot: { kind: "support", support: 1 } });
    const against = await cast({ ...base, voter: voter(other.index), ballot: { kind: "support", support: 0 } });
    const relayed = await h.sentBy(h.relayer.address);

    await h.drain(h.runner());
    expect(await h.sentBy(h.relayer.address)).toBe(relayed);
    const confirmed = await castRow(sameRow.id);
    expect(confirmed.state).toBe("confirmed");
    expect(confirmed.receipt).toMatchObject({
      txHash: outside.transactionHash,
      blockNumber: outside.blockNumber.toString(),
      method: "castVoteWithReasonAndParamsBySig",
      reconciled: "on_chain",
    });
    const refused = await castRow(otherRow.id);
    expect(refused).toMatchObject({ state: "failed", failureReason: "other_vote_on_record" });
    expect(refused.receipt).toMatchObject({ txHash: against.transactionHash });
    expect(await p.dao.votes(p.onChainId)).toEqual({ against: tokens(20), for: tokens(10), abstain: 0n });
  });

  it("skips a member who voted themselves, and an agent no voting power reached", async () => {
    const voted = h.agent();
    const empty = h.agent();
    await h.holder(h.simple, tokens(30), voted.address);
    const wallet = await h.holder(h.simple, tokens(5));
    const p = await h.proposal(h.simple);
    const votedRow = await h.row(p, { kind: "personal", agent: voted, choice: 2, wallet: wallet.address });
    const emptyRow = await h.row(p, { kind: "personal", agent: empty, choice: 2 });
    await h.voteAs(wallet, p, 0);
    const relayed = await h.sentBy(h.relayer.address);

    await h.drain(h.runner());
    expect(await castRow(votedRow.id)).toMatchObject({ state: "skipped", failureReason: "own_vote" });
    expect(await castRow(emptyRow.id)).toMatchObject({
      state: "skipped",
      failureReason: "no_voting_power",
      votingPower: "0",
    });
    expect(await h.sentBy(h.relayer.address)).toBe(relayed);
    expect(await p.dao.votes(p.onChainId)).toEqual({ against: tokens(5), for: 0n, abstain: 0n });
  });

  it("casts a pooled split with exactly its amounts, and sends nothing when the pooled ballot changed", async () => {
    const pool = h.agent();
    await h.holder(h.fractional, tokens(200), pool.address);
    await h.holder(h.fractional, tokens(100), pool.address);
    const p = await h.proposal(h.fractional, { pooled: pool });
    const split = { fractional: { against: tokens(45).toString(), for: "210000000000000000001", abstain: "7" } };
    const seeded = await h.row(p, { kind: "pooled", agent: pool, choice: split });
    let current: unknown = split;
    const runner = h.runner({ pooled: { current: async () => ({ choice: current }) } });

    await h.drain(runner);
    const row = await castRow(seeded.id);
    expect(row).toMatchObject({ state: "confirmed", votingPower: tokens(300).toString() });
    expect(await p.dao.votes(p.onChainId)).toEqual({ against: tokens(45), for: 210000000000000000001n, abstain: 7n });
    expect(row.receipt).toMatchObject({ method: "castVoteWithReasonAndParamsBySig" });

    // Another proposal: the pool's ballot moved on after the announcement, so the row goes back to be announced.
    const q = await h.proposal(h.fractional, { pooled: pool });
    const stale = await h.row(q, { kind: "pooled", agent: pool, choice: split });
    current = { fractional: { against: "0", for: tokens(300).toString(), abstain: "0" } };
    const relayed = await h.sentBy(h.relayer.address);
    await h.drain(runner);
    expect(await castRow(stale.id)).toMatchObject({ state: "planned", txHash: null, reason: null });
    expect(await h.sentBy(h.relayer.address)).toBe(relayed);
  });

  it("in dry-run, records the call it would send and sends nothing", async () => {
    const agent = h.agent();
    await h.holder(h.simple, tokens(15), agent.address);
    const p = await h.proposal(h.simple, { mode: "dry_run" });
    const seeded = await h.row(p, { kind: "personal", agent, choice: 3 });
    const relayed = await h.sentBy(h.relayer.address);

    await h.drain(h.runner({ relayer: null }));
    const row = await castRow(seeded.id);
    expect(row).toMatchObject({ state: "skipped", failureReason: "dry_run", dryRun: true, txHash: null });
    expect((row.payload as { wouldSend: unknown }).wouldSend).toEqual({
      function: "castVoteWithReason",
      args: [p.onChainId.toString(), 2, row.reason],
      sender: agent.address,
      governor: p.dao.governor.toLowerCase(),
      chainId: 31_361,
    });
    expect(await h.sentBy(h.relayer.address)).toBe(relayed);
    expect(await h.sentBy(agent.address)).toBe(0);
    expect(await p.dao.votes(p.onChainId)).toEqual({ against: 0n, for: 0n, abstain: 0n });

    // Through a relayer, the signature's place is marked: nothing is signed in a dry run.
    const other = h.agent();
    await h.holder(h.simple, tokens(15), other.address);
    const q = await h.proposal(h.simple, { mode: "dry_run" });
    const relayedRow = await h.row(q, { kind: "personal", agent: other, choice: 2 });
    await h.drain(h.runner());
    const would = ((await castRow(relayedRow.id)).payload as { wouldSend: { function: string; args: unknown[] } })
      .wouldSend;
    expect(would.function).toBe("castVoteWithReasonAndParamsBySig");
    expect(would.args.at(-1)).toBe(UNSIGNED);
  });

  it("retries through an RPC outage, then casts once the endpoint is back", async () => {
    const agent = h.agent();
    await h.holder(h.simple, tokens(25), agent.address);
    const p = await h.proposal(h.simple);
    const seeded = await h.row(p, { kind: "personal", agent, choice: 2 });
    const runner = h.runner();

    h.down();
    try {
      const report = await h.drain(runner);
      expect(report.results.retry).toBe(1);
    } finally {
      await h.up();
    }
    const waiting = await castRow(seeded.id);
    expect(waiting).toMatchObject({ state: "due", failureReason: "chain_unavailable", txHash: null });
    expect(waiting.nextAttemptAt?.getTime()).toBeGreaterThan(h.clock().getTime());
    // Not before its time.
    expect((await h.drain(runner)).claimed).toBe(0);

    h.advance(2);
    await h.drain(runner);
    expect(await castRow(seeded.id)).toMatchObject({ state: "confirmed", failureReason: null, attempts: 2 });
    expect(await p.dao.votes(p.onChainId)).toEqual({ against: 0n, for: tokens(25), abstain: 0n });
    expect(await actions(seeded.id)).toEqual([
      "cast.due",
      "cast.signing",
      "cast.retry",
      "cast.signing",
      "cast.submitted",
      "cast.confirmed",
    ]);
  });

  it("fails a vote whose sender cannot pay, without retrying it", async () => {
    const agent = h.agent();
    await h.holder(h.simple, tokens(25), agent.address);
    const p = await h.proposal(h.simple);
    const seeded = await h.row(p, { kind: "personal", agent, choice: 2 });
    // No relayer: the agent sends itself, and it has no ETH.
    await h.drain(h.runner({ relayer: null }));
    expect(await castRow(seeded.id)).toMatchObject({
      state: "failed",
      failureReason: "insufficient_funds",
      txHash: null,
    });
    expect(await h.sentBy(agent.address as Address)).toBe(0);
  });

  it("keeps a transaction that is not mined yet: the row waits for it, never sends at another nonce, one vote lands", async () => {
    const agent = h.agent();
    await h.holder(h.simple, tokens(35), agent.address);
    const p = await h.proposal(h.simple);
    const seeded = await h.row(p, { kind: "personal", agent, choice: 2 });
    const runner = h.runner({ receiptTimeoutMs: 300 });
    const nonce = await h.sentBy(h.relayer.address);

    await h.chain.client.setAutomine(false);
    try {
      await h.drain(runner);
      const first = await castRow(seeded.id);
      expect(first).toMatchObject({ state: "due", failureReason: "tx_pending" });
      expect(first.txHash).not.toBeNull();

      // The retry finds it still pending: it never sends at another nonce, and the row does not end while the
      // transaction may still land. (The caster tries to outbid it at its nonce; this node estimates the signed
      // replacement against its pending block, where the voter's signature nonce has moved on, and refuses it.)
      h.advance(2);
      await h.drain(runner);
      const second = await castRow(seeded.id);
      expect(second).toMatchObject({ state: "due", failureReason: "tx_pending" });
      const pendingNonce = await h.chain.client.getTransactionCount({
        address: h.relayer.address,
        blockTag: "pending",
      });
      expect(pendingNonce).toBe(nonce + 1);
    } finally {
      await h.chain.client.setAutomine(true);
    }
    await h.chain.mine(1);

    h.advance(10);
    await h.drain(runner);
    const row = await castRow(seeded.id);
    expect(row).toMatchObject({ state: "confirmed", failureReason: null, attempts: 3 });
    expect(row.receipt).toMatchObject({ reconciled: "tx", method: "castVoteWithReasonAndParamsBySig" });
    expect(await h.sentBy(h.relayer.address)).toBe(nonce + 1);
    expect(await p.dao.votes(p.onChainId)).toEqual({ against: 0n, for: tokens(35), abstain: 0n });
  });

  it("casts on a GovernorBravo with castVoteBySig, and confirms from its receipt a vote cast outside", async () => {
    const agent = h.agent();
    const voted = h.agent();
    await h.holder(h.bravo, tokens(60), agent.address);
    await h.holder(h.bravo, tokens(9), voted.address);
    const p = await h.proposal(h.bravo);
    const seeded = await h.row(p, { kind: "personal", agent, choice: 1 });
    const outsideRow = await h.row(p, { kind: "personal", agent: voted, choice: 3 });
    const outside = await createGovernorCaster()({
      chain: h.client,
      governor: p.dao.governor,
      proposalId: p.onChainId,
      voter: privateKeyToAccount(h.keyring.signer(voted.index).privateKey as Hex),
      relayer: h.relayer,
      ballot: { kind: "support", support: 2 },
      reason: "",
    });
    const relayed = await h.sentBy(h.relayer.address);

    await h.drain(h.runner());
    const row = await castRow(seeded.id);
    expect(row).toMatchObject({ state: "confirmed", votingPower: tokens(60).toString() });
    expect(row.receipt).toMatchObject({ method: "castVoteBySig", sender: h.relayer.address });
    expect(await castRow(outsideRow.id)).toMatchObject({
      state: "confirmed",
      receipt: { txHash: outside.transactionHash, method: "castVoteBySig", reconciled: "on_chain" },
    });
    expect(await h.sentBy(h.relayer.address)).toBe(relayed + 1);
    expect(await p.dao.votes(p.onChainId)).toEqual({ against: tokens(60), for: 0n, abstain: tokens(9) });
  });
});
