import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GovernorTarget } from "../../../src/config/sources.js";
import { governorRawSchema } from "../../../src/sources/governor/governorProposal.js";
import { type BravoDao, bravoTestAbi, deployBravoDao } from "../../support/evm/bravoDao.js";
import { tokens } from "../../support/evm/governorDao.js";
import {
  type ChainUnderTest,
  createGovernorHarness,
  type GovernorHarness,
  startChain,
  stopChain,
} from "./governorHarness.js";

// The same watcher on a Compound-style GovernorBravo: no proposalSnapshot/proposalDeadline/proposalVotes, so the
// window and tallies come from proposals(id), the quorum from quorumVotes(), the token from comp().

let h: GovernorHarness;
let c: ChainUnderTest;
let dao: BravoDao;
let target: GovernorTarget;
const addr = (i: number) => c.chain.accounts[i]?.address as `0x${string}`;
const clients = () => new Map([[31_341, c.client()]]);

beforeAll(async () => {
  h = await createGovernorHarness();
  c = await startChain(31_341);
  dao = await deployBravoDao(c.chain, { votingDelay: 2, votingPeriod: 10, quorumVotes: tokens(100) });
  await dao.fund(addr(1), tokens(600));
  await dao.fund(addr(2), tokens(400));
  target = { chainId: 31_341, address: dao.governor.toLowerCase() as `0x${string}` };
});

afterAll(async () => {
  await stopChain(c);
  await h.close();
});

describe("the Governor watcher on a GovernorBravo", () => {
  it("stores proposals under Bravo's sequential ids with their calls, window and quorum", async () => {
    const first = await dao.propose([dao.transferCall(addr(3), tokens(25))], "# Grant one\n\nPay a grant.", addr(1));
    const second = await dao.propose([dao.transferCall(addr(3), 1n)], "Grant two");
    expect([first, second]).toEqual([1n, 2n]);
    await c.chain.mine(2);
    const report = await h.watcher([target], clients()).pollOnce();
    expect(report.failures).toEqual([]);
    expect(report).toMatchObject({ created: 2, digestsQueued: 2 });

    const rows = await h.t.db.prisma.proposal.findMany({
      where: { source: "governor" },
      orderBy: { externalId: "asc" },
      include: { space: true },
    });
    expect(rows.map((r) => [r.externalId, r.title])).toEqual([
      ["1", "Grant one"],
      ["2", "Grant two"],
    ]);
    const row = rows[0];
    expect(row?.space).toMatchObject({
      name: "BRV Governor Bravo",
      externalId: `31341:${dao.governor.toLowerCase()}`,
      tokenAddress: dao.token.toLowerCase(),
    });
    const raw = governorRawSchema.parse(row?.raw);
    expect(raw.countingMode).toBe("support=bravo&quorum=for");
    expect(raw.clockMode).toBe("blocknumber");
    expect(raw.status.quorum).toBe(tokens(100).toString());
    // Bravo's startBlock/endBlock are the window; the event's voteStart/voteEnd say the same.
    expect([raw.status.snapshot, raw.status.deadline]).toEqual([raw.voteStart, raw.voteEnd]);
    expect(raw.calls[0]?.decoded).toMatchObject({ function: "transfer", amount: tokens(25).toString(), symbol: "BRV" });
  });

  it("follows Bravo's state and tallies from proposals(id), and a cancel", async () => {
    const watcher = h.watcher([target], clients());
    await c.chain.mine(1);
    await c.chain.send(addr(1), dao.governor, bravoTestAbi, "castVoteWithReason", [1n, 1, "yes"]);
    await c.chain.send(addr(2), dao.governor, bravoTestAbi, "castVote", [1n, 0]);
    await dao.cancel(2n);
    await c.chain.mine(3);
    await watcher.pollOnce();
    const active = await h.t.db.prisma.proposal.findFirstOrThrow({ where: { externalId: "1" } });
    expect(active.state).toBe("active");
    expect(governorRawSchema.parse(active.raw).status.votes).toEqual({
      against: tokens(400).toString(),
      for: tokens(600).toString(),
      abstain: "0",
    });
    expect((await h.t.db.prisma.proposal.findFirstOrThrow({ where: { externalId: "2" } })).state).toBe("canceled");

    await c.chain.mine(12);
    await watcher.pollOnce();
    expect((await h.t.db.prisma.proposal.findFirstOrThrow({ where: { externalId: "1" } })).state).toBe("succeeded");
  });

  it("deletes a proposal whose block a reorg took away (Bravo refuses its id)", async () => {
    const snapshot = await c.chain.snapshot();
    const id = await dao.propose([dao.transferCall(addr(3), 2n)], "Ephemeral");
    await c.chain.mine(3);
    const watcher = h.watcher([target], clients());
    expect(await watcher.pollOnce()).toMatchObject({ created: 1 });
    await c.chain.revert(snapshot);
    await c.chain.mine(5);
    const report = await watcher.pollOnce();
    expect(report.failures).toEqual([]);
    expect(report.deleted).toBe(1);
    const row = await h.t.db.prisma.proposal.findFirstOrThrow({ where: { externalId: id.toString() } });
    expect(row.deletedAt).not.toBeNull();
  });
});
