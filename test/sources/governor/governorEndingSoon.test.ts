import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EndingSoon } from "../../../src/sources/endingSoon.js";
import { type Dao, deployDao, tokens } from "../../support/evm/governorDao.js";
import { auditOf } from "../snapshot/watcherHarness.js";
import {
  type ChainUnderTest,
  createGovernorHarness,
  type GovernorHarness,
  startChain,
  stopChain,
} from "./governorHarness.js";

// A Governor proposal is announced once when its (estimated) deadline comes within the window, like Snapshot's. The
// watcher's clock is set relative to the stored deadline estimate, which does not move while no block is mined.

let h: GovernorHarness;
let c: ChainUnderTest;
let dao: Dao;
const WINDOW_SECONDS = 600;
let clock = new Date();

beforeAll(async () => {
  h = await createGovernorHarness();
  c = await startChain(31_343);
  dao = await deployDao(c.chain, { votingDelay: 1, votingPeriod: 200 });
  await dao.fund(c.chain.accounts[1]?.address as `0x${string}`, tokens(100));
});

afterAll(async () => {
  await stopChain(c);
  await h.close();
});

describe("Governor proposals ending soon", () => {
  it("announces an active proposal once, inside the window, through onEndingSoon and the audit log", async () => {
    const announced: EndingSoon[][] = [];
    let refuse = false;
    const watcher = h.watcher([{ chainId: 31_343, address: dao.governor }], new Map([[31_343, c.client()]]), {
      now: () => clock,
      endingSoonWindowSeconds: WINDOW_SECONDS,
      onEndingSoon: async (events) => {
        if (refuse) throw new Error("the job queue is down");
        announced.push([...events]);
      },
    });
    const id = await dao.propose([dao.transferCall(dao.governor, 1n)], "Ending soon");
    await c.chain.mine(4);
    expect((await watcher.pollOnce()).failures).toEqual([]);
    const row = await h.t.db.prisma.proposal.findFirstOrThrow({ where: { externalId: id.toString() } });
    expect(row.state).toBe("active");
    const end = row.endAt.getTime();

    clock = new Date(end - (WINDOW_SECONDS + 60) * 1000);
    expect((await watcher.pollOnce()).endingSoon).toBe(0);

    clock = new Date(end - (WINDOW_SECONDS - 60) * 1000);
    // A failing receiver records nothing: the next poll offers the proposal again.
    refuse = true;
    expect((await watcher.pollOnce()).endingSoon).toBe(0);
    expect(await auditOf(h.t.db.prisma, "governor.proposal.ending_soon")).toHaveLength(0);
    refuse = false;
    const report = await watcher.pollOnce();
    expect(report.endingSoon).toBe(1);
    expect(announced).toHaveLength(1);
    expect(announced[0]?.[0]).toMatchObject({
      proposalId: row.id,
      externalId: id.toString(),
      source: "governor",
      title: "Ending soon",
      secondsLeft: WINDOW_SECONDS - 60,
    });
    expect(await auditOf(h.t.db.prisma, "governor.proposal.ending_soon")).toHaveLength(1);

    // Once only.
    expect((await watcher.pollOnce()).endingSoon).toBe(0);
    expect(announced).toHaveLength(1);
  });
});
