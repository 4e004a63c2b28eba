import { type Address, custom, type Hex, parseEther } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Secret } from "../../src/config/secret.js";
import { type ChainClient, createChainClient } from "../../src/sources/governor/chainClient.js";
import { governorBravoAbi } from "../../src/sources/governor/governorAbi.js";
import {
  AlreadyVotedError,
  NoVotingPowerError,
  ProposalNotActiveError,
  VoteRevertedError,
} from "../../src/voting/governor/castErrors.js";
import { createGovernorCaster, type GovernorCastRequest } from "../../src/voting/governor/governorCaster.js";
import { createKeyring } from "../../src/voting/keyring.js";
import { type BravoDao, deployBravoDao } from "../support/evm/bravoDao.js";
import { tokens } from "../support/evm/governorDao.js";
import { createTestChain, DEV_KEYS, type TestChain } from "../support/evm/testChain.js";

// The caster's GovernorBravo variants on the minimal Bravo contract: castVoteWithReason sent by the agent,
// castVoteBySig (v, r, s over Ballot(proposalId,support), domain without version) sent by a relayer, and the receipt
// (getReceipt().hasVoted) asked before every send.

const keyring = createKeyring(new Secret("test test test test test test test test test test test junk"));
const agent = (i: number) => privateKeyToAccount(keyring.signer(200 + i).privateKey as Hex);
const relayer = privateKeyToAccount(DEV_KEYS[4]);

let chain: TestChain;
let client: ChainClient;
let dao: BravoDao;
const cast = createGovernorCaster();

const sentBy = (address: Address) => chain.client.getTransactionCount({ address });

async function openProposal(description: string): Promise<bigint> {
  const id = await dao.propose([dao.transferCall(relayer.address, 1n)], description);
  await chain.mine(2);
  return id;
}

const request = (proposalId: bigint, extra: Partial<GovernorCastRequest>): GovernorCastRequest => ({
  chain: client,
  governor: dao.governor,
  proposalId,
  voter: agent(0),
  ballot: { kind: "support", support: 1 },
  reason: "For: treasury prudence +2 (audit 5f2c…)",
  ...extra,
});

async function receipt(proposalId: bigint, voter: Address) {
  return chain.client.readContract({
    address: dao.governor,
    abi: governorBravoAbi,
    functionName: "getReceipt",
    args: [proposalId, voter],
  });
}

beforeAll(async () => {
  chain = await createTestChain({ chainId: 31_342 });
  client = createChainClient({ chainId: 31_342, transport: custom(chain.provider, { retryCount: 0 }) });
  dao = await deployBravoDao(chain, { votingDelay: 1, votingPeriod: 50 });
  for (const [i, holder] of chain.accounts.slice(1, 4).entries()) {
    await dao.fund(holder.address, tokens(100 * (i + 1)), agent(i).address);
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

describe("the Governor caster on a GovernorBravo", () => {
  it("casts castVoteWithReason and refuses a second attempt from the receipt, without a transaction", async () => {
    const id = await openProposal("Bravo direct");
    const done = await cast(request(id, {}));
    expect(done).toMatchObject({ method: "castVoteWithReason", sender: agent(0).address, reconciled: false });
    expect(await dao.votes(id)).toEqual({ against: 0n, for: tokens(100), abstain: 0n });
    expect(await receipt(id, agent(0).address)).toMatchObject({ hasVoted: true, support: 1, votes: tokens(100) });

    const nonce = await sentBy(agent(0).address);
    const again = await cast(request(id, {})).catch((e) => e);
    expect(again).toBeInstanceOf(AlreadyVotedError);
    expect((again as AlreadyVotedError).message).toMatch(/getReceipt/);
    expect(await sentBy(agent(0).address)).toBe(nonce);
  });

  it("relays castVoteBySig with v, r, s for several agents; the agents send nothing", async () => {
    const id = await openProposal("Bravo relayed");
    const receipts = await Promise.all([
      cast(request(id, { voter: agent(1), relayer, ballot: { kind: "support", support: 0 } })),
      cast(request(id, { voter: agent(2), relayer, ballot: { kind: "support", support: 2 } })),
    ]);
    expect(receipts.map((r) => [r.method, r.sender, r.voter])).toEqual([
      ["castVoteBySig", relayer.address, agent(1).address],
      ["castVoteBySig", relayer.address, agent(2).address],
    ]);
    expect(await dao.votes(id)).toEqual({ against: tokens(200), for: 0n, abstain: tokens(300) });
    expect(await sentBy(agent(1).address)).toBe(0);

    // Bravo's Ballot has no nonce: a replayed signature would be refused on chain; the receipt refuses it first.
    const relayed = await sentBy(relayer.address);
    await expect(
      cast(request(id, { voter: agent(1), relayer, ballot: { kind: "support", support: 0 } })),
    ).rejects.toBeInstanceOf(AlreadyVotedError);
    expect(await sentBy(relayer.address)).toBe(relayed);
  });

  it("names Bravo's refusals with the same typed errors as OpenZeppelin's", async () => {
    const pending = await dao.propose([dao.transferCall(relayer.address, 3n)], "Bravo not open yet");
    await expect(cast(request(pending, { relayer }))).rejects.toBeInstanceOf(ProposalNotActiveError);

    const id = await openProposal("Bravo errors");
    await expect(cast(request(id, { voter: agent(7), relayer }))).rejects.toBeInstanceOf(NoVotingPowerError);
    const split = { kind: "fractional", against: 1n, for: 1n, abstain: 0n, usedBefore: 0n } as const;
    const refused = await cast(request(id, { voter: agent(1), relayer, ballot: split })).catch((e) => e);
    expect(refused).toBeInstanceOf(VoteRevertedError);
    expect((refused as VoteRevertedError).reason).toMatch(/fractional/);
    // Bravo's own revert string, from simulation: nothing is sent.
    const odd = await cast(
      request(id, { voter: agent(1), relayer, ballot: { kind: "support", support: 3 as 0 } }),
    ).catch((e) => e);
    expect(odd).toBeInstanceOf(VoteRevertedError);
    expect((odd as VoteRevertedError).reason).toMatch(/invalid vote type/);
    expect((odd as VoteRevertedError).transactionHash).toBeNull();
  });
});
