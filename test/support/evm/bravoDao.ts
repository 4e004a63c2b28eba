// A Compound-style DAO on the test chain: an ERC20Votes token and the minimal GovernorBravo over it
// (test/fixtures/contracts/BravoGovernor.sol), with sequential proposal ids.
import { type Address, encodeFunctionData, type Hex, parseAbi } from "viem";
import { governorBravoAbi } from "../../../src/sources/governor/governorAbi.js";
import { erc20Abi } from "./governorDao.js";
import type { TestChain } from "./testChain.js";

export const bravoTestAbi = parseAbi([
  "function propose(address[] targets, uint256[] values, string[] signatures, bytes[] calldatas, string description) returns (uint256)",
  "function cancel(uint256 proposalId)",
  "function castVote(uint256 proposalId, uint8 support)",
  "function castVoteWithReason(uint256 proposalId, uint8 support, string reason)",
]);

export interface BravoDaoOptions {
  votingDelay?: number;
  votingPeriod?: number;
  /** quorumVotes, in base units. */
  quorumVotes?: bigint;
  symbol?: string;
}

/** Deploys token + BravoGovernor; `fund`, `propose` and `votes` mirror governorDao's. */
export async function deployBravoDao(chain: TestChain, options: BravoDaoOptions = {}) {
  const symbol = options.symbol ?? "BRV";
  const token = await chain.deploy("TribuneToken", [`${symbol} Token`, symbol]);
  const governor = await chain.deploy("BravoGovernor", [
    token,
    `${symbol} Governor Bravo`,
    options.votingDelay ?? 2,
    options.votingPeriod ?? 20,
    options.quorumVotes ?? 1n,
  ]);
  const from = chain.deployer.address;
  return {
    token,
    governor,
    async fund(to: Address, amount: bigint, delegatee: Address = to) {
      await chain.send(from, token, erc20Abi, "mint", [to, amount]);
      await chain.send(to, token, erc20Abi, "delegate", [delegatee]);
    },
    /** Proposes with Bravo's five arrays; returns the sequential id the contract assigned. */
    async propose(
      calls: readonly { target: Address; value?: bigint; data: Hex }[],
      description: string,
      proposer: Address = from,
    ): Promise<bigint> {
      await chain.send(proposer, governor, bravoTestAbi, "propose", [
        calls.map((c) => c.target),
        calls.map((c) => c.value ?? 0n),
        calls.map(() => ""),
        calls.map((c) => c.data),
        description,
      ]);
      return chain.client.readContract({ address: governor, abi: governorBravoAbi, functionName: "proposalCount" });
    },
    transferCall(recipient: Address, amount: bigint) {
      return {
        target: token,
        data: encodeFunctionData({ abi: erc20Abi, functionName: "transfer", args: [recipient, amount] }),
      };
    },
    async cancel(proposalId: bigint, proposer: Address = from) {
      await chain.send(proposer, governor, bravoTestAbi, "cancel", [proposalId]);
    },
    async votes(proposalId: bigint) {
      const p = await chain.client.readContract({
        address: governor,
        abi: governorBravoAbi,
        functionName: "proposals",
        args: [proposalId],
      });
      return { against: p[6], for: p[5], abstain: p[7] };
    },
  };
}

export type BravoDao = Awaited<ReturnType<typeof deployBravoDao>>;
