import { type Address, type Hex, parseEther } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Secret } from "../../src/config/secret.js";
import { type ChainClient, createChainClient } from "../../src/sources/governor/chainClient.js";
import {
  AlreadyVotedError,
  ExceedsRemainingWeightError,
  InsufficientFundsError,
  NoVotingPowerError,
  ProposalNotActiveError,
  VoteRevertedError,
} from "../../src/voting/governor/castErrors.js";
import { createGovernorCaster, type GovernorCastRequest } from "../../src/voting/governor/governorCaster.js";
import { createKeyring } from "../../src/voting/keyring.js";
import { type Dao, deployDao, tokens } from "../support/evm/governorDao.js";
import { createTestChain, DEV_KEYS, type TestChain } from "../support/evm/testChain.js";

// The agents' keys come from the keyring, as in production; their voting power from development accounts that
// delegated to them, as members do.
const keyring = createKeyring(new Secret("test test test test test test test test test test test junk"));
const agent = (i: number) => privateKeyToAccount(keyring.signer(100 + i).privateKey as Hex);
const relayer = privateKeyToAccount(DEV_KEYS[4]);

let chain: TestChain;
let client: ChainClient;
let simple: Dao;
let fractional: Dao;
const cast = createGovernorCaster();

async function openProposal(dao: Dao, description: string): Promise<bigint> {
  const id = await dao.propose([dao.transferCall(chain.accounts[3]?.address as Address, 1n)], description);
  await chain.mine(3);
  return id;
}

async function sentBy(address: Address): Promise<number> {
  return chain.client.getTransactionCount({ address });
}

beforeAll(async () => {
  chain = await createTestChain({ chainId: 31_338 });
  client = createChainClient({
    chainId: 31_338,
    transport: (await import("viem")).custom(chain.provider, { retryCount: 0 }),
  });
  simple = await deployDao(chain, { votingDelay: 1, votingPeriod: 50 });
  fractional = await deployDao(chain, { counting: "fractional", votingDelay: 1, votingPeriod: 50, symbol: "FRC" });
  const holders = chain.accounts.slice(1, 4).map((a) => a.address);
  // Holder i delegates to agent i on both DAOs; agent 0 also gets ETH to send its own votes.
  for (const [i, holder] of holders.entries()) {
    await simple.fund(holder, tokens(100 * (i + 1)), agent(i).address);
    await fractional.fund(holder, tokens(100 * (i + 1)), agent(i).address);
  }
  await chain.client.sendTransaction({
    account: chain.deployer.address,
    chain: null,
    to: agent(0).address,
    value: parseEther("1"),
  });
  await chain.mine(1);
});

afterAll(async () => {
  await chain.close();
});

const request = (dao: Dao, proposalId: bigint, extra: Partial<GovernorCastRequest>): GovernorCastRequest => ({
  chain: client,
  governor: dao.governor,
  proposalId,
  voter: agent(0),
  ballot: { kind: "support", support: 1 },
  reason: "For: treasury prudence +2 (audit 5f2c…)",
  ...extra,
});

describe("the Governor caster on a real chain", () => {
  it("casts castVoteWithReason, then refuses a second attempt without a transaction", async () => {
    const id = await openProposal(simple, "Simple vote");
    const receipt = await cast(request(simple, id, {}));
    expect(receipt).toMatchObject({ method: "castVoteWithReason", sender: agent(0).address, reconciled: false });
    expect(await simple.votes(id)).toEqual({ against: 0n, for: tokens(100), abstain: 0n });

    // A retry after a "crash" (the outbox never recorded the receipt): the chain says it is done; nothing is sent.
    const nonce = await sentBy(agent(0).address);
    await expect(cast(request(simple, id, {}))).rejects.toBeInstanceOf(AlreadyVotedError);
    expect(await sentBy(agent(0).address)).toBe(nonce);
    // Handed the transaction it sent, the caster reconciles to that receipt instead.
    const again = await cast(request(simple, id, { pendingTransaction: receipt.transactionHash }));
    expect(again).toMatchObject({ transactionHash: receipt.transactionHash, reconciled: true });
    expect(await sentBy(agent(0).address)).toBe(nonce);
  });

  it("splits a fractional vote in two parts and completes it, never counting a part twice", async () => {
    const id = await openProposal(fractional, "Fractional vote");
    const voter = agent(2); // 300 tokens delegated, no ETH: the relayer pays
    const first = { kind: "fractional", against: tokens(30), for: tokens(90), abstain: 0n, usedBefore: 0n } as const;
    await cast(request(fractional, id, { voter, relayer, ballot: first }));
    expect(await fractional.votes(id)).toEqual({ against: tokens(30), for: tokens(90), abstain: 0n });

    const rest = {
      kind: "fractional",
      against: 0n,
      for: tokens(150),
      abstain: tokens(30),
      usedBefore: tokens(120),
    } as const;
    const relayed = await sentBy(relayer.address);
    await expect(cast(request(fractional, id, { voter, relayer, ballot: first }))).rejects.toBeInstanceOf(
      AlreadyVotedError,
    );
    await expect(
      cast(request(fractional, id, { voter, relayer, ballot: { ...rest, for: tokens(151) } })),
    ).rejects.toBeInstanceOf(ExceedsRemainingWeightError);
    expect(await sentBy(relayer.address)).toBe(relayed);

    const done = await cast(request(fractional, id, { voter, relayer, ballot: rest }));
    expect(done.method).toBe("castVoteWithReasonAndParamsBySig");
    expect(await fractional.votes(id)).toEqual({ against: tokens(30), for: tokens(240), abstain: tokens(30) });
    await expect(cast(request(fractional, id, { voter, relayer, ballot: rest }))).rejects.toBeInstanceOf(
      AlreadyVotedError,
    );
    expect(await sentBy(voter.address)).toBe(0);
  });

  it("lets one relayer pay for many agents' signed votes", async () => {
    const id = await openProposal(simple, "Relayed votes");
    const before = await chain.client.getBalance({ address: relayer.address });
    const receipts = await Promise.all([
      cast(request(simple, id, { voter: agent(1), relayer, ballot: { kind: "support", support: 0 } })),
      cast(request(simple, id, { voter: agent(2), relayer, ballot: { kind: "support", support: 2 } })),
    ]);
    expect(receipts.map((r) => r.sender)).toEqual([relayer.address, relayer.address]);
    expect(await simple.votes(id)).toEqual({ against: tokens(200), for: 0n, abstain: tokens(300) });
    expect(await chain.client.getBalance({ address: relayer.address })).toBeLessThan(before);
    expect(await sentBy(agent(1).address)).toBe(0);
  });

  it("names each refusal with its own error", async () => {
    const pending = await simple.propose([simple.transferCall(relayer.address, 5n)], "Not open yet");
    await expect(cast(request(simple, pending, {}))).rejects.toBeInstanceOf(ProposalNotActiveError);

    const id = await openProposal(simple, "Errors");
    // Agent 1 has power but no ETH, and sends itself.
    await expect(cast(request(simple, id, { voter: agent(1) }))).rejects.toBeInstanceOf(InsufficientFundsError);
    // Agent 7 has ETH via the relayer but nobody delegated to it.
    await expect(cast(request(simple, id, { voter: agent(7), relayer }))).rejects.toBeInstanceOf(NoVotingPowerError);
    // A support value the Governor does not know: the contract's own reason comes back, from simulation.
    const odd = { kind: "support", support: 3 as 0 } as const;
    const refused = await cast(request(simple, id, { voter: agent(1), relayer, ballot: odd })).catch((e) => e);
    expect(refused).toBeInstanceOf(VoteRevertedError);
    expect((refused as VoteRevertedError).reason).toBe("GovernorInvalidVoteType");
    expect((refused as VoteRevertedError).transactionHash).toBeNull();
    // A split on a Governor that counts simply is refused before anything is signed.
    const split = { kind: "fractional", against: 1n, for: 1n, abstain: 0n, usedBefore: 0n } as const;
    const notFractional = await cast(request(simple, id, { voter: agent(1), relayer, ballot: split })).catch((e) => e);
    expect(notFractional).toBeInstanceOf(VoteRevertedError);
    expect((notFractional as VoteRevertedError).reason).toMatch(/fractional/);
  });
});
