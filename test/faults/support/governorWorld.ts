import { type Address, createWalletClient, custom, parseAbiItem, parseEther } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import type { PrismaClient } from "../../../src/generated/prisma/client.js";
import { governorAbi } from "../../../src/sources/governor/governorAbi.js";
import { governorSpaceId } from "../../../src/sources/governor/governorProposal.js";
import { DEFAULT_TAXONOMY } from "../../../src/values/taxonomy.js";
import { FakeJsonRpcServer } from "../../fakes/jsonRpcServer.js";
import { type Dao, deployDao, erc20Abi, tokens } from "../../support/evm/governorDao.js";
import { createTestChain, type TestChain } from "../../support/evm/testChain.js";

// The fault world's Governor DAO: a real OpenZeppelin Governor on an in-process EVM, served over HTTP by the fake
// JSON-RPC endpoint the suite injects chain faults into. Each member's wallet holds the DAO's token and delegated it
// to the member's personal agent, so the agents vote with delegated power; a relayer of its own pays the gas of every
// vote (signed by the agent, sent by the relayer), as a deployment with RELAYER_PRIVATE_KEY does. The test process
// mines a block every second, so the voting delay passes and the watcher's head moves, as on a live chain.

const CHAIN_ID = 31_337;
const MINE_EVERY_MS = 1_000;

const voteCast = parseAbiItem(
  "event VoteCast(address indexed voter, uint256 proposalId, uint8 support, uint256 weight, string reason)",
);
const voteCastWithParams = parseAbiItem(
  "event VoteCastWithParams(address indexed voter, uint256 proposalId, uint8 support, uint256 weight, string reason, bytes params)",
);

export interface GovernorWorld {
  chain: TestChain;
  dao: Dao;
  rpc: FakeJsonRpcServer;
  spaceId: string;
  /** The variables a Tribune process needs to watch this Governor and cast on it. */
  env: Record<string, string>;
  /** Proposes `description` on chain (a token transfer from the treasury); returns the proposal id as stored. */
  propose(description: string): Promise<string>;
  /** What the chain holds of the votes on a proposal: `hasVoted` per agent, and every VoteCast event for it. */
  votes(proposalId: string, agents: readonly string[]): Promise<{ hasVoted: Map<string, boolean>; events: number }>;
  close(): Promise<void>;
}

/**
 * Deploys the DAO, funds the members' wallets and their delegations to `agents`, and stores the Governor's space as
 * `/space add` leaves it once a steward made it live and gave it a channel.
 */
export async function startGovernorWorld(input: {
  prisma: PrismaClient;
  agents: readonly Address[];
  discord: { guildId: string; channelId: string };
}): Promise<GovernorWorld> {
  const chain = await createTestChain({ chainId: CHAIN_ID });
  // A voting period of many blocks: at a block a second the proposal stays open well past the run.
  const dao = await deployDao(chain, { votingDelay: 2, votingPeriod: 100_000, symbol: "FLT", name: "Faults Governor" });
  const deployer = chain.deployer.address;
  const fund = (to: Address, eth: string) =>
    chain.client
      .sendTransaction({ account: deployer, chain: null, to, value: parseEther(eth) })
      .then((hash) => chain.client.waitForTransactionReceipt({ hash, pollingInterval: 5 }));
  for (const [i, agent] of input.agents.entries()) {
    const wallet = privateKeyToAccount(generatePrivateKey());
    await fund(wallet.address, "1");
    await dao.mint(wallet.address, tokens(100 + 10 * i));
    const client = createWalletClient({ account: wallet, transport: custom(chain.provider, { retryCount: 0 }) });
    const hash = await client.writeContract({
      chain: null,
      address: dao.token,
      abi: erc20Abi,
      functionName: "delegate",
      args: [agent],
    });
    await chain.client.waitForTransactionReceipt({ hash, pollingInterval: 5 });
  }
  const relayerKey = generatePrivateKey();
  await fund(privateKeyToAccount(relayerKey).address, "100");

  const rpc = new FakeJsonRpcServer(chain.provider);
  const url = await rpc.listen();
  const space = await input.prisma.space.create({
    data: {
      kind: "governor",
      externalId: governorSpaceId(CHAIN_ID, dao.governor),
      name: "Faults Governor",
      chainId: CHAIN_ID,
      tokenAddress: dao.token.toLowerCase(),
      taxonomy: DEFAULT_TAXONOMY,
      mode: "live",
      votingMode: "personal",
      vetoWindowSeconds: 30,
      discordGuildId: input.discord.guildId,
      discordChannelId: input.discord.channelId,
    },
  });
  // Straight to the node, never through the endpoint under fault: the chain moves on whatever Tribune meets.
  const miner = setInterval(() => {
    chain.provider.request({ method: "evm_mine", params: [] } as never).catch(() => undefined);
  }, MINE_EVERY_MS);

  return {
    chain,
    dao,
    rpc,
    spaceId: space.id,
    env: {
      GOVERNORS: `${CHAIN_ID}:${dao.governor}`,
      [`RPC_URL_${CHAIN_ID}`]: url,
      GOVERNOR_CONFIRMATIONS: "0",
      GOVERNOR_POLL_SECONDS: "2",
      GOVERNOR_RPC_TIMEOUT_MS: "3000",
      RELAYER_PRIVATE_KEY: relayerKey,
    },
    async propose(description) {
      const id = await dao.propose([dao.transferCall(chain.accounts[3]?.address as Address, 1n)], description);
      return id.toString();
    },
    async votes(proposalId, agents) {
      const id = BigInt(proposalId);
      const hasVoted = new Map<string, boolean>();
      for (const agent of agents) {
        const voted = await chain.client.readContract({
          address: dao.governor,
          abi: governorAbi,
          functionName: "hasVoted",
          args: [id, agent as Address],
        });
        hasVoted.set(agent.toLowerCase(), voted);
      }
      const logs = await Promise.all(
        [voteCast, voteCastWithParams].map((event) =>
          chain.client.getLogs({ address: dao.governor, event, fromBlock: 0n, toBlock: "latest" }),
        ),
      );
      const events = logs.flat().filter((log) => log.args.proposalId === id).length;
      return { hasVoted, events };
    },
    async close() {
      clearInterval(miner);
      await rpc.close();
      await chain.close();
    },
  };
}
