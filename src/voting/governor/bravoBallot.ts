import { type Address, type Hex, type LocalAccount, parseSignature } from "viem";
import { detectFlavor, type GovernorFlavor } from "../../sources/governor/bravoGovernor.js";
import type { ChainClient } from "../../sources/governor/chainClient.js";
import { ChainCallRevertedError } from "../../sources/governor/chainErrors.js";
import { governorAbi, governorBravoAbi, votesTokenAbi } from "../../sources/governor/governorAbi.js";

// What voting on a Compound GovernorBravo asks for that OpenZeppelin's Governor does not: the receipt instead of
// hasVoted, the weight from the token at the proposal's startBlock, and a signed Ballot without nonce or version whose
// signature goes in as v, r, s. Bravo has no nonce: a replayed signature is refused by the receipt, which is why the
// receipt is read before every send.
// @see https://github.com/compound-finance/compound-protocol/blob/master/contracts/Governance/GovernorBravoDelegate.sol

/** Reads the family of a Governor once; COUNTING_MODE is OpenZeppelin's (EIP-6372 era) marker. */
export async function readFlavor(chain: ChainClient, governor: Address): Promise<GovernorFlavor> {
  const countingMode = await chain
    .call("COUNTING_MODE()", (c) =>
      c.readContract({ address: governor, abi: governorAbi, functionName: "COUNTING_MODE" }),
    )
    .catch((error: unknown) => {
      if (error instanceof ChainCallRevertedError) return null;
      throw error;
    });
  return detectFlavor(chain, governor, countingMode);
}

/** Whether Bravo's receipt for the voter says it has voted. */
export async function bravoHasVoted(
  chain: ChainClient,
  governor: Address,
  proposalId: bigint,
  voter: Address,
): Promise<boolean> {
  const receipt = await chain.call(`getReceipt(${proposalId})`, (c) =>
    c.readContract({ address: governor, abi: governorBravoAbi, functionName: "getReceipt", args: [proposalId, voter] }),
  );
  return receipt.hasVoted;
}

/**
 * The voter's weight as Bravo counts it: the token's votes at the proposal's startBlock. Compound's COMP answers
 * getPriorVotes; an EIP-5805 token answers getPastVotes; whichever the token has is asked.
 */
export async function bravoWeight(chain: ChainClient, governor: Address, proposalId: bigint, voter: Address) {
  const [proposal, token] = await Promise.all([
    chain.call(`proposals(${proposalId})`, (c) =>
      c.readContract({ address: governor, abi: governorBravoAbi, functionName: "proposals", args: [proposalId] }),
    ),
    chain.call("comp()", (c) => c.readContract({ address: governor, abi: governorBravoAbi, functionName: "comp" })),
  ]);
  const snapshot = proposal[3];
  const weight = await chain
    .call(`getPastVotes(${snapshot})`, (c) =>
      c.readContract({ address: token, abi: votesTokenAbi, functionName: "getPastVotes", args: [voter, snapshot] }),
    )
    .catch(async (error: unknown) => {
      if (!(error instanceof ChainCallRevertedError)) throw error;
      return BigInt(
        await chain.call(`getPriorVotes(${snapshot})`, (c) =>
          c.readContract({
            address: token,
            abi: votesTokenAbi,
            functionName: "getPriorVotes",
            args: [voter, snapshot],
          }),
        ),
      );
    });
  return { snapshot, weight };
}

/**
 * The voter signs `Ballot(uint256 proposalId,uint8 support)` under `EIP712Domain(string name,uint256 chainId,address
 * verifyingContract)`; the relayer submits (id, support, v, r, s). Bravo's castVoteBySig takes no reason.
 */
export async function bravoBySigArguments(
  chain: ChainClient,
  governor: Address,
  proposalId: bigint,
  support: number,
  voter: LocalAccount,
): Promise<readonly [bigint, number, number, Hex, Hex]> {
  const name = await chain.call("name()", (c) =>
    c.readContract({ address: governor, abi: governorAbi, functionName: "name" }),
  );
  const signature = await voter.signTypedData({
    // No version field: viem derives EIP712Domain from the fields present, which is exactly Bravo's domain type.
    domain: { name, chainId: chain.chainId, verifyingContract: governor },
    types: {
      Ballot: [
        { name: "proposalId", type: "uint256" },
        { name: "support", type: "uint8" },
      ],
    },
    primaryType: "Ballot",
    message: { proposalId, support },
  });
  const { r, s, v, yParity } = parseSignature(signature);
  return [proposalId, support, Number(v ?? BigInt(yParity + 27)), r, s];
}

// Bravo refuses with revert strings, not custom errors.
export const BRAVO_ALREADY_VOTED = /voter already voted/i;
export const BRAVO_CLOSED = /voting is closed/i;
