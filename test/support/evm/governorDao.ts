// A DAO on the test chain: an ERC20Votes token, a Governor over it holding a treasury, and holders who delegated.
import { type Address, encodeFunctionData, type Hex, keccak256, parseAbi, parseUnits, toHex } from "viem";
import { governorAbi } from "../../../src/sources/governor/governorAbi.js";
import type { TestChain } from "./testChain.js";

export interface DaoOptions {
  counting?: "simple" | "fractional";
  clock?: "blocknumber" | "timestamp";
  /** In the token's clock units (blocks or seconds). */
  votingDelay?: number;
  votingPeriod?: number;
  quorumPercent?: number;
  name?: string;
  symbol?: string;
}

const proposeAbi = parseAbi([
  "function propose(address[] targets, uint256[] values, bytes[] calldatas, string description) returns (uint256)",
  "function hashProposal(address[] targets, uint256[] values, bytes[] calldatas, bytes32 descriptionHash) pure returns (uint256)",
  "function cancel(address[] targets, uint256[] values, bytes[] calldatas, bytes32 descriptionHash) returns (uint256)",
]);

export const erc20Abi = parseAbi([
  "function transfer(address to, uint256 amount) returns (bool)",
  "function approve(address spender, uint256 amount) returns (bool)",
  "function mint(address to, uint256 amount)",
  "function delegate(address delegatee)",
]);

/** Whole tokens (18 decimals) in base units. */
export const tokens = (amount: number | string) => parseUnits(String(amount), 18);

/** Deploys token + Governor; the token's `name` doubles as the Governor's name prefix. */
export async function deployDao(chain: TestChain, options: DaoOptions = {}) {
  const clock = options.clock ?? "blocknumber";
  const symbol = options.symbol ?? "TRB";
  const token = await chain.deploy(clock === "timestamp" ? "TribuneTimeToken" : "TribuneToken", [
    `${symbol} Token`,
    symbol,
  ]);
  const governor = await chain.deploy(options.counting === "fractional" ? "FractionalGovernor" : "SimpleGovernor", [
    token,
    options.name ?? `${symbol} Governor`,
    options.votingDelay ?? 2,
    options.votingPeriod ?? 20,
    options.quorumPercent ?? 4,
  ]);
  const from = chain.deployer.address;

  const dao = {
    token,
    governor,
    /** Mints to a development account and has it delegate to `delegatee` (itself by default; null: not at all). */
    async fund(to: Address, amount: bigint, delegatee: Address | null = to) {
      await chain.send(from, token, erc20Abi, "mint", [to, amount]);
      if (delegatee !== null) await chain.send(to, token, erc20Abi, "delegate", [delegatee]);
    },
    async mint(to: Address, amount: bigint) {
      await chain.send(from, token, erc20Abi, "mint", [to, amount]);
    },
    async delegate(holder: Address, delegatee: Address) {
      await chain.send(holder, token, erc20Abi, "delegate", [delegatee]);
    },
    /** Proposes `calls` with `description` from `proposer`; returns the proposal id. */
    async propose(
      calls: readonly { target: Address; value?: bigint; data: Hex }[],
      description: string,
      proposer: Address = from,
    ): Promise<bigint> {
      const targets = calls.map((c) => c.target);
      const values = calls.map((c) => c.value ?? 0n);
      const calldatas = calls.map((c) => c.data);
      await chain.send(proposer, governor, proposeAbi, "propose", [targets, values, calldatas, description]);
      return chain.client.readContract({
        address: governor,
        abi: proposeAbi,
        functionName: "hashProposal",
        args: [targets, values, calldatas, keccak256(toHex(description))],
      });
    },
    /** A proposal paying `amount` of the DAO's token from the treasury to `recipient`. */
    transferCall(recipient: Address, amount: bigint) {
      return {
        target: token,
        data: encodeFunctionData({ abi: erc20Abi, functionName: "transfer", args: [recipient, amount] }),
      };
    },
    async cancel(calls: readonly { target: Address; value?: bigint; data: Hex }[], description: string) {
      await chain.send(from, governor, proposeAbi, "cancel", [
        calls.map((c) => c.target),
        calls.map((c) => c.value ?? 0n),
        calls.map((c) => c.data),
        keccak256(toHex(description)),
      ]);
    },
    async state(proposalId: bigint): Promise<number> {
      return chain.client.readContract({
        address: governor,
        abi: governorAbi,
        functionName: "state",
        args: [proposalId],
      });
    },
    async votes(proposalId: bigint) {
      const [against, forVotes, abstain] = await chain.client.readContract({
        address: governor,
        abi: governorAbi,
        functionName: "proposalVotes",
        args: [proposalId],
      });
      return { against, for: forVotes, abstain };
    },
  };
  return dao;
}

export type Dao = Awaited<ReturnType<typeof deployDao>>;
