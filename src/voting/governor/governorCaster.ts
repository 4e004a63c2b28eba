import {
  type Address,
  BaseError,
  ContractFunctionRevertedError,
  createWalletClient,
  encodePacked,
  type Hex,
  type LocalAccount,
  InsufficientFundsError as ViemInsufficientFundsError,
  WaitForTransactionReceiptTimeoutError,
} from "viem";
import type { GovernorFlavor } from "../../sources/governor/bravoGovernor.js";
import type { ChainClient } from "../../sources/governor/chainClient.js";
import { ChainCallRevertedError } from "../../sources/governor/chainErrors.js";
import { GOVERNOR_STATES, governorAbi, governorBravoAbi } from "../../sources/governor/governorAbi.js";
import {
  BRAVO_ALREADY_VOTED,
  BRAVO_CLOSED,
  bravoBySigArguments,
  bravoHasVoted,
  bravoWeight,
  readFlavor,
} from "./bravoBallot.js";
import {
  AlreadyVotedError,
  ExceedsRemainingWeightError,
  type GovernorCastError,
  InsufficientFundsError,
  NoVotingPowerError,
  PartialVoteMismatchError,
  ProposalNotActiveError,
  VoteNotConfirmedError,
  VoteRevertedError,
} from "./castErrors.js";

// Casting one Governor vote, once. Before anything is sent — and so before any retry — the chain is asked whether the
// vote is already counted (hasVoted, or usedVotes for a split), so a vote is never sent twice; a transaction an
// earlier attempt left pending is checked first and, if still pending, replaced at the same nonce, never doubled.
// The caster schedules nothing: the casting outbox calls it and records what it returns or throws.
// Compound GovernorBravo is voted on with its own variants (receipt, v/r/s signature); see bravoBallot.ts.
// @see https://docs.openzeppelin.com/contracts/5.x/api/governance#Governor-castVoteWithReason-uint256-uint8-string-

/** What to vote: one choice (support 0 Against, 1 For, 2 Abstain), or a split for GovernorCountingFractional. */
export type GovernorBallot =
  | { kind: "support"; support: 0 | 1 | 2 }
  | {
      kind: "fractional";
      against: bigint;
      for: bigint;
      abstain: bigint;
      /** The voter's usedVotes this part builds on: 0n for a first (or only) part, the earlier parts' sum after. */
      usedBefore: bigint;
    };

export interface GovernorCastRequest {
  chain: ChainClient;
  governor: Address;
  proposalId: bigint;
  /** The agent whose vote this is (for a viem account from the keyring: `privateKeyToAccount(signer(i).privateKey)`). */
  voter: LocalAccount;
  ballot: GovernorBallot;
  /** Goes on chain with the vote: the short explanation and the audit entry's hash. */
  reason: string;
  /** Pays the gas and submits the voter's EIP-712 signature (…BySig); without it the voter sends and pays itself. */
  relayer?: LocalAccount;
  /** A transaction an earlier attempt sent (VoteNotConfirmedError's hash): checked before anything else. */
  pendingTransaction?: Hex;
  /** How long to wait for the receipt (default 120 s). */
  receiptTimeoutMs?: number;
  /** The Governor's family when the caller knows it (the watcher's GovernorInfo.flavor); read from the chain if not. */
  flavor?: GovernorFlavor;
}

/** A vote that is on chain. */
export interface GovernorCastReceipt {
  transactionHash: Hex;
  blockNumber: bigint;
  gasUsed: bigint;
  /** The Governor function called. */
  method:
    | "castVoteWithReason"
    | "castVoteWithReasonAndParams"
    | "castVoteWithReasonAndParamsBySig"
    /** GovernorBravo's relayed vote (v, r, s; it carries no reason). */
    | "castVoteBySig";
  /** Who sent the transaction: the voter, or the relayer. */
  sender: Address;
  voter: Address;
  /** True when the receipt is that of an earlier attempt's transaction. */
  reconciled: boolean;
}

/** support value of a fractional vote in GovernorCountingFractional. */
const VOTE_TYPE_FRACTIONAL = 255;
const GAS_HEADROOM_PERCENT = 120n;
const INSUFFICIENT_FUNDS = /insufficient funds|(doesn't|does not) have enough funds/i;

/** Builds the caster; sends from one account go one at a time, so their nonces never collide in this process. */
export function createGovernorCaster() {
  const locks = new Map<string, Promise<unknown>>();
  function serial<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = locks.get(key) ?? Promise.resolve();
    const run = previous.then(task, task);
    locks.set(
      key,
      run.catch(() => undefined),
    );
    return run;
  }

  const flavors = new Map<string, Promise<GovernorFlavor>>();
  function flavorOf(request: GovernorCastRequest): Promise<GovernorFlavor> {
    if (request.flavor) return Promise.resolve(request.flavor);
    const key = `${request.chain.chainId}:${request.governor.toLowerCase()}`;
    let found = flavors.get(key);
    if (!found) {
      found = readFlavor(request.chain, request.governor);
      // A failed read (endpoint down) is not remembered: the next attempt asks again.
      found.catch(() => flavors.delete(key));
      flavors.set(key, found);
    }
    return found;
  }

  /** Casts one vote; throws a GovernorCastError (or a ChainError for an endpoint failure) when it cannot. */
  return async function castGovernorVote(request: GovernorCastRequest): Promise<GovernorCastReceipt> {
    const sender = request.relayer ?? request.voter;
    const flavor = await flavorOf(request);
    return serial(`${request.chain.chainId}:${sender.address.toLowerCase()}`, () => cast(request, sender, flavor));
  };
}

/** The function the casting outbox calls. */
export type GovernorCaster = ReturnType<typeof createGovernorCaster>;

async function cast(
  request: GovernorCastRequest,
  sender: LocalAccount,
  flavor: GovernorFlavor,
): Promise<GovernorCastReceipt> {
  const { chain, governor, proposalId, voter, ballot } = request;
  const read = <T>(functionName: string, args: readonly unknown[]) =>
    chain.call(
      `${functionName}(${proposalId})`,
      (c) => c.readContract({ address: governor, abi: governorAbi, functionName, args } as never) as Promise<T>,
    );
  const bravo = flavor === "bravo";
  const method: GovernorCastReceipt["method"] = request.relayer
    ? bravo
      ? "castVoteBySig"
      : "castVoteWithReasonAndParamsBySig"
    : ballot.kind === "fractional"
      ? "castVoteWithReasonAndParams"
      : "castVoteWithReason";

  let replaceNonce: number | null = null;
  if (request.pendingTransaction) {
    const earlier = await checkPending(chain, request.pendingTransaction);
    if (earlier.kind === "mined") {
      return { ...earlier.receipt, method, sender: sender.address, voter: voter.address, reconciled: true };
    }
    if (earlier.kind === "pending") replaceNonce = earlier.nonce;
  }

  // Is the vote already counted? Asked before every send, so a retry after a crash never votes twice.
  const stateIndex = await read<number>("state", [proposalId]);
  const state = GOVERNOR_STATES[stateIndex] ?? `state ${stateIndex}`;
  if (ballot.kind === "support") {
    if (
      bravo
        ? await bravoHasVoted(chain, governor, proposalId, voter.address)
        : await read<boolean>("hasVoted", [proposalId, voter.address])
    ) {
      throw new AlreadyVotedError(voter.address, bravo ? "getReceipt().hasVoted is true" : "hasVoted is true");
    }
  } else if (bravo) {
    throw new VoteRevertedError("GovernorBravo does not count fractionally", null);
  } else {
    const part = ballot.against + ballot.for + ballot.abstain;
    const used = await read<bigint>("usedVotes", [proposalId, voter.address]).catch((error: unknown) => {
      // Only GovernorCountingFractional has usedVotes: a split cannot be cast on this Governor at all.
      if (error instanceof ChainCallRevertedError) {
        throw new VoteRevertedError("the Governor does not count fractionally (it has no usedVotes)", null, {
          cause: error,
        });
      }
      throw error;
    });
    if (used === ballot.usedBefore + part && part > 0n) {
      throw new AlreadyVotedError(voter.address, `usedVotes is ${used}: this part is counted`);
    }
    if (used !== ballot.usedBefore) throw new PartialVoteMismatchError(ballot.usedBefore, used);
  }
  if (state !== "active") throw new ProposalNotActiveError(state);
  const { snapshot, weight } = bravo
    ? await bravoWeight(chain, governor, proposalId, voter.address)
    : await read<bigint>("proposalSnapshot", [proposalId]).then(async (snapshot) => ({
        snapshot,
        weight: await read<bigint>("getVotes", [voter.address, snapshot]),
      }));
  if (weight === 0n) throw new NoVotingPowerError(voter.address, snapshot);
  if (ballot.kind === "fractional") {
    const part = ballot.against + ballot.for + ballot.abstain;
    if (part > weight - ballot.usedBefore) throw new ExceedsRemainingWeightError(weight - ballot.usedBefore, part);
  }

  const support = ballot.kind === "support" ? ballot.support : VOTE_TYPE_FRACTIONAL;
  const params: Hex =
    ballot.kind === "fractional"
      ? encodePacked(["uint128", "uint128", "uint128"], [ballot.against, ballot.for, ballot.abstain])
      : "0x";
  const args = await callArguments(request, method, support, params, read);

  // Simulated first: a refusal costs no gas and comes back with the contract's own reason.
  const wallet = createWalletClient({ account: sender, transport: chain.transport });
  const abi = bravo ? governorBravoAbi : governorAbi;
  const call = { address: governor, abi, functionName: method, args, account: sender } as const;
  let gas: bigint;
  try {
    await chain.viem.simulateContract(call as never);
    gas = await chain.viem.estimateContractGas(call as never);
  } catch (error) {
    throw castError(error, voter.address, sender.address, null);
  }
  const nonce =
    replaceNonce ??
    (await chain.call("eth_getTransactionCount", (c) =>
      c.getTransactionCount({ address: sender.address, blockTag: "pending" }),
    ));
  const fees = await chain.call("eth_feeHistory", (c) => c.estimateFeesPerGas());
  // A replacement must outbid the transaction it replaces (nodes ask for +10 %): +25 % on both fees.
  const bump = (fee: bigint) => (replaceNonce === null ? fee : (fee * 125n) / 100n);
  let hash: Hex;
  try {
    hash = await wallet.writeContract({
      ...(call as object),
      chain: null,
      nonce,
      gas: (gas * GAS_HEADROOM_PERCENT) / 100n,
      maxFeePerGas: bump(fees.maxFeePerGas),
      maxPriorityFeePerGas: bump(fees.maxPriorityFeePerGas),
    } as never);
  } catch (error) {
    throw castError(error, voter.address, sender.address, null);
  }
  let receipt: Awaited<ReturnType<typeof chain.viem.waitForTransactionReceipt>>;
  try {
    receipt = await chain.viem.waitForTransactionReceipt({
      hash,
      timeout: request.receiptTimeoutMs ?? 120_000,
      pollingInterval: 250,
    });
  } catch (error) {
    throw new VoteNotConfirmedError(hash, { cause: error });
  }
  if (receipt.status !== "success") throw new VoteRevertedError(null, hash);
  return {
    transactionHash: hash,
    blockNumber: receipt.blockNumber,
    gasUsed: receipt.gasUsed,
    method,
    sender: sender.address,
    voter: voter.address,
    reconciled: false,
  };
}

/** The arguments of the chosen method; for …BySig, the voter signs the ExtendedBallot first. */
async function callArguments(
  request: GovernorCastRequest,
  method: GovernorCastReceipt["method"],
  support: number,
  params: Hex,
  read: <T>(functionName: string, args: readonly unknown[]) => Promise<T>,
): Promise<readonly unknown[]> {
  const { proposalId, voter, reason } = request;
  if (method === "castVoteWithReason") return [proposalId, support, reason];
  if (method === "castVoteWithReasonAndParams") return [proposalId, support, reason, params];
  if (method === "castVoteBySig") {
    return bravoBySigArguments(request.chain, request.governor, proposalId, support, voter);
  }
  // @see https://docs.openzeppelin.com/contracts/5.x/api/governance#Governor-castVoteWithReasonAndParamsBySig
  const [name, version, nonce] = await Promise.all([
    read<string>("name", []),
    read<string>("version", []),
    read<bigint>("nonces", [voter.address]),
  ]);
  const signature = await voter.signTypedData({
    domain: { name, version, chainId: request.chain.chainId, verifyingContract: request.governor },
    types: {
      ExtendedBallot: [
        { name: "proposalId", type: "uint256" },
        { name: "support", type: "uint8" },
        { name: "voter", type: "address" },
        { name: "nonce", type: "uint256" },
        { name: "reason", type: "string" },
        { name: "params", type: "bytes" },
      ],
    },
    primaryType: "ExtendedBallot",
    message: { proposalId, support, voter: voter.address, nonce, reason, params },
  });
  return [proposalId, support, voter.address, reason, params, signature];
}

type Pending =
  | { kind: "mined"; receipt: { transactionHash: Hex; blockNumber: bigint; gasUsed: bigint } }
  | {
      kind: "pending";
      nonce: number;
    }
  | { kind: "dropped" };

/** What became of an earlier attempt's transaction: mined (successfully), still pending, or gone (or reverted). */
async function checkPending(chain: ChainClient, hash: Hex): Promise<Pending> {
  const receipt = await chain
    .call("eth_getTransactionReceipt", (c) => c.getTransactionReceipt({ hash }))
    .catch(() => null);
  if (receipt) {
    return receipt.status === "success"
      ? {
          kind: "mined",
          receipt: { transactionHash: hash, blockNumber: receipt.blockNumber, gasUsed: receipt.gasUsed },
        }
      : { kind: "dropped" };
  }
  const transaction = await chain.call("eth_getTransactionByHash", (c) => c.getTransaction({ hash })).catch(() => null);
  return transaction ? { kind: "pending", nonce: transaction.nonce } : { kind: "dropped" };
}

/** Maps a simulation or send failure to its typed error. */
function castError(error: unknown, voter: Address, sender: Address, hash: Hex | null): GovernorCastError | unknown {
  if (!(error instanceof BaseError)) return error;
  // geth: "insufficient funds for gas * price + value"; hardhat/EDR: "Sender doesn't have enough funds".
  if (error.walk((e) => e instanceof ViemInsufficientFundsError) || INSUFFICIENT_FUNDS.test(error.message)) {
    return new InsufficientFundsError(sender, { cause: error });
  }
  const reverted = error.walk((e) => e instanceof ContractFunctionRevertedError);
  if (reverted instanceof ContractFunctionRevertedError) {
    const name = reverted.data?.errorName;
    const args = reverted.data?.args ?? [];
    if (name === "GovernorAlreadyCastVote") return new AlreadyVotedError(voter, "the Governor says so");
    if (name === "GovernorUnexpectedProposalState") {
      return new ProposalNotActiveError(GOVERNOR_STATES[Number(args[1])] ?? "not active");
    }
    if (name === "GovernorExceedRemainingWeight") {
      return new ExceedsRemainingWeightError(BigInt(args[2] as bigint), 0n);
    }
    // GovernorBravo says the same with revert strings.
    if (BRAVO_ALREADY_VOTED.test(reverted.reason ?? "")) return new AlreadyVotedError(voter, "the Governor says so");
    if (BRAVO_CLOSED.test(reverted.reason ?? "")) return new ProposalNotActiveError("not active");
    // require(…, "message") reverts as Error(string): its message is the reason, not the name "Error".
    const reason = (name === "Error" ? reverted.reason : null) ?? name ?? reverted.reason ?? null;
    return new VoteRevertedError(reason, hash, { cause: error });
  }
  if (error instanceof WaitForTransactionReceiptTimeoutError && hash) return new VoteNotConfirmedError(hash);
  return error;
}
