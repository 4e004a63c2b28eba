// A real EVM in this process: hardhat 3's EDR behind its EIP-1193 provider, driven with viem. Each call makes its own
// chain (own state, own chain id), so several chains can run side by side and test files never share one.
import { createHardhatRuntimeEnvironment } from "hardhat/hre";
import {
  type Abi,
  type Address,
  type ContractFunctionArgs,
  type ContractFunctionName,
  createTestClient,
  custom,
  type EIP1193Provider,
  type Hex,
  publicActions,
  walletActions,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { type Artifact, testArtifacts } from "./compileContracts.js";

/** Hardhat's well-known development accounts (mnemonic "test test … junk"): funded with 10,000 ETH on every chain. */
export const DEV_KEYS = [
  "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
  "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
  "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
  "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
  "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
] as const satisfies readonly Hex[];

export interface TestChainOptions {
  chainId?: number;
  /** Genesis time; defaults to now. */
  initialDate?: Date;
}

/** One in-process chain and a viem client on it that can read, send and steer (mine, warp, snapshot, revert). */
export async function createTestChain({ chainId = 31_337, initialDate }: TestChainOptions = {}) {
  const hre = await createHardhatRuntimeEnvironment({
    networks: {
      default: {
        type: "edr-simulated",
        chainId,
        ...(initialDate ? { initialDate } : {}),
        // Reverts come back as JSON-RPC errors, as a real node's would, instead of as thrown hardhat errors.
        throwOnCallFailures: true,
        throwOnTransactionFailures: true,
      },
    },
  });
  const connection = await hre.network.create();
  const provider = connection.provider as unknown as EIP1193Provider;
  // retryCount 0: an optional method the provider lacks (eth_fillTransaction) must fail at once, not after backoff.
  const client = createTestClient({ mode: "hardhat", transport: custom(provider, { retryCount: 0 }) })
    .extend(publicActions)
    .extend(walletActions);
  const accounts = DEV_KEYS.map((key) => privateKeyToAccount(key));
  const deployer = accounts[0] as (typeof accounts)[number];

  /** Sends a transaction from a development account and waits for its (automined) receipt; throws on a revert. */
  async function send<const abi extends Abi, name extends ContractFunctionName<abi, "nonpayable" | "payable">>(
    from: Address,
    address: Address,
    abi: abi,
    functionName: name,
    args: ContractFunctionArgs<abi, "nonpayable" | "payable", name>,
  ) {
    const hash = await client.writeContract({
      account: from,
      chain: null,
      address,
      abi: abi as Abi,
      functionName: functionName as string,
      args: args as readonly unknown[],
    });
    const receipt = await client.waitForTransactionReceipt({ hash, pollingInterval: 5 });
    if (receipt.status !== "success") throw new Error(`${String(functionName)} reverted in ${hash}`);
    return receipt;
  }

  return {
    chainId,
    provider,
    client,
    accounts,
    deployer,
    artifacts: testArtifacts(),
    send,

    /** Deploys a compiled test contract from the deployer; returns its address. */
    async deploy(name: string, args: readonly unknown[]): Promise<Address> {
      const artifact = testArtifacts()[name] as Artifact | undefined;
      if (!artifact) throw new Error(`No test contract named ${name}`);
      const hash = await client.deployContract({
        account: deployer.address,
        chain: null,
        abi: artifact.abi,
        bytecode: artifact.bytecode,
        args,
      });
      const receipt = await client.waitForTransactionReceipt({ hash, pollingInterval: 5 });
      if (!receipt.contractAddress) throw new Error(`Deploying ${name} made no contract`);
      return receipt.contractAddress;
    },

    async blockNumber(): Promise<bigint> {
      return client.getBlockNumber({ cacheTime: 0 });
    },

    /** Mines `blocks` empty blocks, each `secondsPerBlock` after the previous one. */
    async mine(blocks: number, secondsPerBlock = 12): Promise<void> {
      if (blocks <= 0) return;
      await client.mine({ blocks, interval: secondsPerBlock });
    },

    /** Moves the clock forward and mines one block at the new time. */
    async advanceTime(seconds: number): Promise<void> {
      await client.increaseTime({ seconds });
      await client.mine({ blocks: 1 });
    },

    /** evm_snapshot: a point `revert` can return to (each snapshot reverts once). */
    snapshot(): Promise<Hex> {
      return client.snapshot();
    },

    /** evm_revert: drops every block after the snapshot, as a reorg would. */
    async revert(id: Hex): Promise<void> {
      await client.revert({ id });
    },

    async close(): Promise<void> {
      await connection.close();
    },
  };
}

export type TestChain = Awaited<ReturnType<typeof createTestChain>>;
