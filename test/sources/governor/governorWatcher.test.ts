import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAuditLog } from "../../../src/audit/auditLog.js";
import type { GovernorTarget } from "../../../src/config/sources.js";
import { createDigestService } from "../../../src/digest/digestService.js";
import { createOfflineDigester } from "../../../src/digest/offline/offlineDigester.js";
import { loadOfflineLexicon } from "../../../src/digest/offline/offlineLexicon.js";
import { governorAbi } from "../../../src/sources/governor/governorAbi.js";
import { governorRawSchema } from "../../../src/sources/governor/governorProposal.js";
import { type Dao, deployDao, tokens } from "../../support/evm/governorDao.js";
import { auditOf } from "../snapshot/watcherHarness.js";
import {
  type ChainUnderTest,
  createGovernorHarness,
  type GovernorHarness,
  startChain,
  stopChain,
} from "./governorHarness.js";

let h: GovernorHarness;
let c: ChainUnderTest;
let dao: Dao;
let target: GovernorTarget;
const [deployer, alice, bob, recipient] = [0, 1, 2, 3];

beforeAll(async () => {
  h = await createGovernorHarness();
  c = await startChain(31_337);
  dao = await deployDao(c.chain, { votingDelay: 2, votingPeriod: 20 });
  const addr = (i: number) => c.chain.accounts[i]?.address as `0x${string}`;
  await dao.fund(addr(alice), tokens(600_000));
  await dao.fund(addr(bob), tokens(400_000));
  // The treasury: tokens held by the Governor itself, which executes passed proposals.
  await dao.mint(dao.governor, tokens(1_000_000));
  target = { chainId: 31_337, address: dao.governor.toLowerCase() as `0x${string}` };
  void deployer;
});

afterAll(async () => {
  await stopChain(c);
  await h.close();
});

const addr = (i: number) => c.chain.accounts[i]?.address as `0x${string}`;
const clients = () => new Map([[31_337, c.client()]]);

describe("the Governor watcher on a real chain", () => {
  it("stores a new proposal with its calls decoded and queues its digest", async () => {
    // The amount is only in the calldata: the digest must learn it from the decoded call.
    const description = "# Fund the audit\n\nPay the auditors from the treasury.";
    const id = await dao.propose([dao.transferCall(addr(recipient), tokens(50_000))], description, addr(alice));
    await c.chain.mine(2);
    const watcher = h.watcher([target], clients());
    const report = await watcher.pollOnce();
    expect(report.failures).toEqual([]);
    expect(report).toMatchObject({ created: 1, digestsQueued: 1 });

    const row = await h.t.db.prisma.proposal.findFirstOrThrow({
      where: { externalId: id.toString() },
      include: { space: true },
    });
    expect(row).toMatchObject({
      source: "governor",
      title: "Fund the audit",
      body: description,
      choices: ["Against", "For", "Abstain"],
      votingType: "basic",
      author: addr(alice).toLowerCase(),
      state: "pending",
    });
    expect(row.space).toMatchObject({
      kind: "governor",
      externalId: `31337:${dao.governor.toLowerCase()}`,
      name: "TRB Governor",
      chainId: 31_337,
      tokenAddress: dao.token.toLowerCase(),
    });
    const raw = governorRawSchema.parse(row.raw);
    expect(raw.calls[0]?.decoded).toEqual({
      function: "transfer",
      token: dao.token.toLowerCase(),
      to: addr(recipient).toLowerCase(),
      amount: tokens(50_000).toString(),
      symbol: "TRB",
      decimals: 18,
    });
    expect(raw.actions).toEqual([
      `On-chain action 1: transfer 50,000 TRB to ${addr(recipient).toLowerCase()} (token contract ${dao.token.toLowerCase()}).`,
    ]);
    expect(raw.clockMode).toBe("blocknumber");
    expect(raw.countingMode).toBe("support=bravo&quorum=for,abstain");
    expect(row.snapshotTimepoint).toBe(raw.status.snapshot);
    // Block-number timepoints still to come are projected from the head at the chain's recent pace.
    const head = await c.chain.client.getBlock();
    expect(row.endAt.getTime()).toBeGreaterThan(row.startAt.getTime());
    expect(row.endAt.getTime()).toBeGreaterThan(Number(head.timestamp) * 1000);
    expect(await h.digestJobs()).toBe(1);
    expect((await auditOf(h.t.db.prisma, "governor.proposal.ingested")).length).toBe(1);

    // Polling again changes nothing and queues nothing.
    const again = await watcher.pollOnce();
    expect(again).toMatchObject({ created: 0, edited: 0, digestsQueued: 0 });
    expect(await h.digestJobs()).toBe(1);
  });

  it("hands the decoded transfer to the digest as a fact: amount, token and recipient", async () => {
    const row = await h.t.db.prisma.proposal.findFirstOrThrow({
      where: { source: "governor", title: "Fund the audit" },
      include: { versions: true },
    });
    const service = createDigestService({
      prisma: h.t.db.prisma,
      audit: createAuditLog({ prisma: h.t.db.prisma }),
      digester: createOfflineDigester(await loadOfflineLexicon()),
      jobs: { enqueue: async () => null },
    });
    const result = await service.digestVersion({ proposalId: row.id, proposalVersionId: row.versions[0]?.id ?? "" });
    expect(result.status).toBe("stored");
    const digest = await h.t.db.prisma.digest.findFirstOrThrow({ where: { proposalId: row.id } });
    const money = (digest.content as { money: { amount: string; token: string | null; recipient: string | null }[] })
      .money;
    expect(money).toContainEqual(
      expect.objectContaining({ amount: "50,000", token: "TRB", recipient: addr(recipient).toLowerCase() }),
    );
  });

  it("follows state and tallies through the proposal's life", async () => {
    const description = "Raise the quorum\n\nA parameter change.";
    const id = await dao.propose([dao.transferCall(addr(recipient), 1n)], description);
    await c.chain.mine(2);
    const watcher = h.watcher([target], clients());
    await watcher.pollOnce();
    await c.chain.send(addr(alice), dao.governor, governorAbi, "castVoteWithReason", [id, 1, "yes"]);
    await c.chain.send(addr(bob), dao.governor, governorAbi, "castVoteWithReason", [id, 0, "no"]);
    await watcher.pollOnce();
    let row = await h.t.db.prisma.proposal.findFirstOrThrow({ where: { externalId: id.toString() } });
    expect(row.state).toBe("active");
    expect(governorRawSchema.parse(row.raw).status.votes).toEqual({
      against: tokens(400_000).toString(),
      for: tokens(600_000).toString(),
      abstain: "0",
    });
    // 4 % of the supply at the snapshot: 1,000,000 held + 1,000,000 in the treasury.
    expect(governorRawSchema.parse(row.raw).status.quorum).toBe(tokens(80_000).toString());
    await c.chain.mine(25);
    await watcher.pollOnce();
    row = await h.t.db.prisma.proposal.findFirstOrThrow({ where: { externalId: id.toString() } });
    expect(row.state).toBe("succeeded");
    const changes = (await auditOf(h.t.db.prisma, "governor.proposal.state_changed")).filter(
      (e) => e.proposalId === row.id,
    );
    expect(changes.map((e) => [e.data.from, e.data.to])).toEqual([
      ["pending", "active"],
      ["active", "succeeded"],
    ]);
    // A block-number window already passed is exact: the blocks' own timestamps.
    const raw = governorRawSchema.parse(row.raw);
    const end = await c.chain.client.getBlock({ blockNumber: BigInt(raw.status.deadline) });
    expect(row.endAt.getTime()).toBe(Number(end.timestamp) * 1000);
  });

  it("never keeps a proposal a reorg took away", async () => {
    // Within the confirmations: never read at all.
    const before = await c.chain.snapshot();
    const phantom = await dao.propose([dao.transferCall(addr(recipient), 2n)], "Phantom one");
    const watcher = h.watcher([target], clients(), { confirmations: 3 });
    await watcher.pollOnce();
    await c.chain.revert(before);
    await c.chain.mine(6);
    await watcher.pollOnce();
    expect(await h.t.db.prisma.proposal.count({ where: { externalId: phantom.toString() } })).toBe(0);

    // With no confirmations it is read, then found gone after the reorg, and marked deleted.
    const again = await c.chain.snapshot();
    const eager = h.watcher([target], clients(), { confirmations: 0 });
    const shallow = await dao.propose([dao.transferCall(addr(recipient), 3n)], "Phantom two");
    expect((await eager.pollOnce()).created).toBe(1);
    await c.chain.revert(again);
    await c.chain.mine(4);
    const report = await eager.pollOnce();
    expect(report.deleted).toBe(1);
    expect(report.reorgs).toBe(1);
    const row = await h.t.db.prisma.proposal.findFirstOrThrow({ where: { externalId: shallow.toString() } });
    expect(row.deletedAt).not.toBeNull();
    expect((await auditOf(h.t.db.prisma, "governor.proposal.deleted")).map((e) => e.proposalId)).toContain(row.id);
  });

  it("resumes from its cursor after a restart or a crash, without duplicates", async () => {
    const jobsBefore = await h.digestJobs();
    const id = await dao.propose([dao.transferCall(addr(recipient), 4n)], "After the crash");
    await c.chain.mine(2);
    const failingJobs = {
      enqueue: async () => {
        throw new Error("the queue is down");
      },
    };
    const crashing = h.watcher([target], clients(), { jobs: failingJobs });
    const cursorBefore = await h.t.db.prisma.sourceCursor.findFirstOrThrow({ where: { source: "governor" } });
    const crashed = await crashing.pollOnce();
    expect(crashed.failures).toHaveLength(1);
    // The row committed, its job did not: the cursor stayed, so the next watcher reads the range again.
    const cursorAfter = await h.t.db.prisma.sourceCursor.findFirstOrThrow({ where: { source: "governor" } });
    expect(cursorAfter.cursor).toEqual(cursorBefore.cursor);
    const restarted = h.watcher([target], clients());
    const report = await restarted.pollOnce();
    expect(report).toMatchObject({ created: 0, digestsQueued: 1 });
    expect(await h.t.db.prisma.proposal.count({ where: { externalId: id.toString() } })).toBe(1);
    expect(await h.digestJobs()).toBe(jobsBefore + 1);
    expect((await h.watcher([target], clients()).pollOnce()).digestsQueued).toBe(0);
  });
});
