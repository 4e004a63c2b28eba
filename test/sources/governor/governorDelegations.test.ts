import type { Address, Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Secret } from "../../../src/config/secret.js";
import { currentDelegate, votingPowerAt } from "../../../src/sources/governor/delegations.js";
import { createKeyring } from "../../../src/voting/keyring.js";
import { type Dao, deployDao, tokens } from "../../support/evm/governorDao.js";
import { auditOf } from "../snapshot/watcherHarness.js";
import {
  type ChainUnderTest,
  createGovernorHarness,
  type GovernorHarness,
  startChain,
  stopChain,
} from "./governorHarness.js";

const keyring = createKeyring(new Secret("test test test test test test test test test test test junk"));
const agent = (i: number) => privateKeyToAccount(keyring.signer(200 + i).privateKey as Hex).address;

let h: GovernorHarness;
let c: ChainUnderTest;
let dao: Dao;
const holder = (i: number) => c.chain.accounts[i]?.address as Address;

beforeAll(async () => {
  h = await createGovernorHarness();
  c = await startChain(31_339);
  dao = await deployDao(c.chain, { votingDelay: 1, votingPeriod: 20 });
  await h.t.db.prisma.member.createMany({
    data: [0, 1].map((i) => ({ discordUserId: `user-${i}`, agentIndex: 200 + i, agentAddress: agent(i) })),
  });
});

afterAll(async () => {
  await stopChain(c);
  await h.close();
});

describe("delegations to Tribune's agents", () => {
  it("finds delegations to agents, their revocation, and an agent's power at a proposal's snapshot", async () => {
    const target = { chainId: 31_339, address: dao.governor.toLowerCase() as Address };
    const watcher = h.watcher([target], new Map([[31_339, c.client()]]), { confirmations: 0 });
    await watcher.pollOnce(); // creates the space; nothing delegated yet
    await dao.fund(holder(1), tokens(70), agent(0));
    await dao.fund(holder(2), tokens(30), agent(0));
    await dao.fund(holder(3), tokens(50), holder(3)); // to itself: not Tribune's business
    const first = await watcher.pollOnce();
    expect(first.failures).toEqual([]);
    expect(first.delegationsFound).toBe(2);
    const members = await h.t.db.prisma.member.findMany({ orderBy: { agentIndex: "asc" } });
    const rows = await h.t.db.prisma.delegation.findMany({ orderBy: { delegatorAddress: "asc" } });
    expect(rows.map((r) => [r.delegatorAddress, r.delegateAddress, r.memberId, r.votingPower, r.revokedAt])).toEqual(
      [
        [holder(1).toLowerCase(), agent(0).toLowerCase(), members[0]?.id, tokens(70).toString(), null],
        [holder(2).toLowerCase(), agent(0).toLowerCase(), members[0]?.id, tokens(30).toString(), null],
      ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    );
    expect(await currentDelegate(c.client(), dao.token, holder(1))).toBe(agent(0));

    // A proposal's snapshot fixes the agent's power; a redelegation after it does not change that.
    const id = await dao.propose([dao.transferCall(holder(4), 1n)], "Power at the snapshot");
    await c.chain.mine(2);
    await dao.delegate(holder(2), agent(1));
    const second = await watcher.pollOnce();
    expect(second).toMatchObject({ delegationsFound: 1 });
    const moved = await h.t.db.prisma.delegation.findFirstOrThrow({
      where: { delegatorAddress: holder(2).toLowerCase() },
    });
    expect(moved).toMatchObject({ delegateAddress: agent(1).toLowerCase(), memberId: members[1]?.id, revokedAt: null });
    const snapshot = BigInt(
      (await h.t.db.prisma.proposal.findFirstOrThrow({ where: { externalId: id.toString() } })).snapshotTimepoint ??
        "0",
    );
    expect(await votingPowerAt(c.client(), dao.token, agent(0), snapshot)).toBe(tokens(100));
    expect(await votingPowerAt(c.client(), dao.token, agent(1), snapshot)).toBe(0n);

    // Delegating away from every agent revokes (the row stays, marked).
    await dao.delegate(holder(1), holder(1));
    const third = await watcher.pollOnce();
    expect(third.delegationsRevoked).toBe(1);
    const gone = await h.t.db.prisma.delegation.findFirstOrThrow({
      where: { delegatorAddress: holder(1).toLowerCase() },
    });
    expect(gone.revokedAt).not.toBeNull();
    expect((await auditOf(h.t.db.prisma, "governor.delegation.revoked")).length).toBe(1);
    // Reading again finds nothing new.
    expect(await watcher.pollOnce()).toMatchObject({ delegationsFound: 0, delegationsRevoked: 0 });
  });
});
