import { createHash } from "node:crypto";
import type { Address, Hex } from "viem";
import { z } from "zod";
import type { ProposalRecord } from "../proposalStore.js";
import { proposalContentHash } from "../snapshot/proposalRecord.js";
import { detectFlavor, type GovernorFlavor, isUnknownProposal, readBravoStatus } from "./bravoGovernor.js";
import type { BlockInfo, ChainClient } from "./chainClient.js";
import { ChainCallRevertedError } from "./chainErrors.js";
import {
  GOVERNOR_CHOICES,
  GOVERNOR_STATES,
  type GovernorState,
  governorAbi,
  governorBravoAbi,
  votesTokenAbi,
} from "./governorAbi.js";
import { type ChainPace, type ClockMode, parseClockMode, timepointToDate } from "./governorClock.js";
import {
  decodeErc20Call,
  describeCalls,
  fullCalldata,
  type ProposalCall,
  proposalCallSchema,
  safeSymbol,
  type TokenInfo,
} from "./proposalCalls.js";

/** What a Governor contract says about itself, read once per watcher. */
export interface GovernorInfo {
  chainId: number;
  address: Address;
  name: string;
  /** COUNTING_MODE, e.g. "support=bravo&quorum=for,abstain" or "…&params=fractional". */
  countingMode: string;
  fractional: boolean;
  clockMode: ClockMode;
  /** The votes token (GovernorVotes.token(), or Bravo's comp()), null when the contract has none. */
  token: Address | null;
  /** OpenZeppelin Governor or Compound GovernorBravo: which reads and votes the contract has. */
  flavor: GovernorFlavor;
}

/** `Space.externalId` of a Governor: "<chainId>:<address lower case>". */
export function governorSpaceId(chainId: number, address: string): string {
  return `${chainId}:${address.toLowerCase()}`;
}

/** Reads name, counting mode, clock mode and token; functions an older Governor lacks fall back to Bravo's defaults. */
export async function readGovernorInfo(client: ChainClient, address: Address, signal?: AbortSignal) {
  const read = <T>(functionName: "name" | "COUNTING_MODE" | "CLOCK_MODE" | "token") =>
    optional(
      client.call(
        `${functionName}()`,
        (c) => c.readContract({ address, abi: governorAbi, functionName }) as Promise<T>,
        signal,
      ),
    );
  const [name, countingMode, clockMode, token] = await Promise.all([
    read<string>("name"),
    read<string>("COUNTING_MODE"),
    read<string>("CLOCK_MODE"),
    read<Address>("token"),
  ]);
  const flavor = await detectFlavor(client, address, countingMode, signal);
  const votesToken =
    token ??
    (flavor === "bravo"
      ? await optional(
          client.call(
            "comp()",
            (c) => c.readContract({ address, abi: governorBravoAbi, functionName: "comp" }),
            signal,
          ),
        )
      : null);
  const counting =
    countingMode ?? (flavor === "bravo" ? "support=bravo&quorum=for" : "support=bravo&quorum=for,abstain");
  return {
    chainId: client.chainId,
    address: address.toLowerCase() as Address,
    name: name ?? governorSpaceId(client.chainId, address),
    countingMode: counting,
    fractional: new URLSearchParams(counting).get("params") === "fractional",
    clockMode: parseClockMode(clockMode),
    token: votesToken ? (votesToken.toLowerCase() as Address) : null,
    flavor,
  } satisfies GovernorInfo;
}

/** A proposal's live figures; votes and quorum in token base units. */
export interface ProposalStatus {
  state: GovernorState;
  snapshot: bigint;
  deadline: bigint;
  votes: { against: bigint; for: bigint; abstain: bigint };
  /** Null while the snapshot timepoint is still in the future (quorum cannot be read yet) or the contract has none. */
  quorum: bigint | null;
}

/** Reads state, snapshot, deadline, votes and quorum; null when the Governor does not know the proposal (a reorg). */
export async function readProposalStatus(
  client: ChainClient,
  governor: Address,
  proposalId: bigint,
  signal?: AbortSignal,
  flavor: GovernorFlavor = "oz",
): Promise<ProposalStatus | null> {
  if (flavor === "bravo") return readBravoStatus(client, governor, proposalId, signal);
  const read = <T>(functionName: "state" | "proposalSnapshot" | "proposalDeadline" | "proposalVotes") =>
    client.call(
      `${functionName}(${proposalId})`,
      (c) => c.readContract({ address: governor, abi: governorAbi, functionName, args: [proposalId] }) as Promise<T>,
      signal,
    );
  let figures: [number, bigint, bigint, readonly [bigint, bigint, bigint]];
  try {
    figures = await Promise.all([
      read<number>("state"),
      read<bigint>("proposalSnapshot"),
      read<bigint>("proposalDeadline"),
      read<readonly [bigint, bigint, bigint]>("proposalVotes"),
    ]);
  } catch (error) {
    if (isUnknownProposal(error)) return null;
    throw error;
  }
  const [stateIndex, snapshot, deadline, [against, forVotes, abstain]] = figures;
  const state = GOVERNOR_STATES[stateIndex];
  if (!state) throw new ChainCallRevertedError(client.chainId, `state(${proposalId})`, `unknown state ${stateIndex}`);
  // A snapshot still in the future has no quorum yet: the token refuses to look up the future (ERC5805FutureLookup).
  const quorum =
    state === "pending"
      ? null
      : await optional(
          client.call(
            `quorum(${snapshot})`,
            (c) => c.readContract({ address: governor, abi: governorAbi, functionName: "quorum", args: [snapshot] }),
            signal,
          ),
        );
  return { state, snapshot, deadline, votes: { against, for: forVotes, abstain }, quorum };
}

/** Reads an ERC-20's symbol and decimals for display; a token that does not answer is shown in base units. */
export async function readTokenInfo(client: ChainClient, token: Address, signal?: AbortSignal): Promise<TokenInfo> {
  const [symbol, decimals] = await Promise.all([
    optional(
      client.call(
        "symbol()",
        (c) => c.readContract({ address: token, abi: votesTokenAbi, functionName: "symbol" }),
        signal,
      ),
    ),
    optional(
      client.call(
        "decimals()",
        (c) => c.readContract({ address: token, abi: votesTokenAbi, functionName: "decimals" }),
        signal,
      ),
    ),
  ]);
  return { symbol: symbol === null ? null : safeSymbol(symbol), decimals: decimals === null ? null : Number(decimals) };
}

/** The ProposalCreated event as read from a log. */
export const proposalCreatedSchema = z.object({
  proposalId: z.bigint(),
  proposer: z.string(),
  targets: z.array(z.string()),
  values: z.array(z.bigint()),
  signatures: z.array(z.string()),
  calldatas: z.array(z.string()),
  voteStart: z.bigint(),
  voteEnd: z.bigint(),
  description: z.string(),
});
export type ProposalCreated = z.infer<typeof proposalCreatedSchema>;

/** Where the proposal was created: kept to trace it, and to tell a reorged copy from the real one. */
export const createdInSchema = z.object({
  blockNumber: z.string(),
  blockHash: z.string(),
  transactionHash: z.string(),
  logIndex: z.number().int(),
});

/** `Proposal.raw` of a Governor proposal: the event, the decoded calls and the live figures, all JSON-safe. */
export const governorRawSchema = z.object({
  kind: z.literal("governor"),
  chainId: z.number().int(),
  governor: z.string(),
  proposalId: z.string(),
  proposer: z.string(),
  createdIn: createdInSchema,
  clockMode: z.enum(["blocknumber", "timestamp"]),
  /** Raw timepoints in the Governor's clock as the event gave them (decimal strings); `status` has the current ones. */
  voteStart: z.string(),
  voteEnd: z.string(),
  countingMode: z.string(),
  fractional: z.boolean(),
  calls: z.array(proposalCallSchema),
  /** One sentence per call; the digest reads these as facts of the proposal. */
  actions: z.array(z.string()),
  status: z.object({
    state: z.enum(GOVERNOR_STATES),
    /** proposalSnapshot and proposalDeadline now (an extension may have moved the deadline since the event). */
    snapshot: z.string(),
    deadline: z.string(),
    votes: z.object({ against: z.string(), for: z.string(), abstain: z.string() }),
    quorum: z.string().nullable(),
  }),
});
export type GovernorRaw = z.infer<typeof governorRawSchema>;

/** A Governor proposal ready for the store; its state is the chain's. */
export interface GovernorProposalRecord extends ProposalRecord {
  state: GovernorState;
  raw: GovernorRaw;
}

/** Decodes the event's calls, reading token metadata for the ERC-20 calls among them (once per token). */
export async function decodeCalls(
  client: ChainClient,
  event: Pick<ProposalCreated, "targets" | "values" | "signatures" | "calldatas">,
  tokens: Map<string, Promise<TokenInfo>>,
  signal?: AbortSignal,
): Promise<ProposalCall[]> {
  return Promise.all(
    event.targets.map(async (target, i) => {
      const signature = event.signatures[i] ?? "";
      const calldata = (event.calldatas[i] ?? "0x") as Hex;
      let decoded = decodeErc20Call(target as Address, fullCalldata(signature, calldata), null);
      if (decoded) {
        const key = target.toLowerCase();
        let info = tokens.get(key);
        if (!info) {
          info = readTokenInfo(client, target as Address, signal);
          tokens.set(key, info);
        }
        decoded = { ...decoded, ...(await info) };
      }
      return {
        target: target.toLowerCase(),
        value: String(event.values[i] ?? 0n),
        signature,
        calldata,
        decoded,
      };
    }),
  );
}

/** Assembles the stored record: title from the description's first line, the window from the timepoints. */
export async function toGovernorRecord(input: {
  info: GovernorInfo;
  event: ProposalCreated;
  createdIn: z.infer<typeof createdInSchema>;
  calls: ProposalCall[];
  status: ProposalStatus;
  pace: ChainPace;
  pastBlock: (number: bigint) => Promise<BlockInfo>;
}): Promise<GovernorProposalRecord> {
  const { info, event, status } = input;
  // The contract's own snapshot and deadline win over the event's: an extension (late quorum) may move the deadline.
  const [startAt, endAt] = await Promise.all([
    timepointToDate(status.snapshot, info.clockMode, input.pace, input.pastBlock),
    timepointToDate(status.deadline, info.clockMode, input.pace, input.pastBlock),
  ]);
  const choices = [...GOVERNOR_CHOICES];
  const title = proposalTitle(event.description, event.proposalId);
  const actions = describeCalls(input.calls);
  return {
    externalId: event.proposalId.toString(),
    space: governorSpaceId(info.chainId, info.address),
    title,
    body: event.description,
    choices,
    votingType: "basic",
    author: event.proposer.toLowerCase(),
    startAt,
    endAt,
    snapshotTimepoint: status.snapshot.toString(),
    discussionUrl: firstDiscussionUrl(event.description),
    privacy: null,
    // Timepoints, not their wall-clock estimates: an estimate that moves is not an edit.
    contentHash: proposalContentHash({
      title,
      body: `${event.description}\n${callsDigest(input.calls)}`,
      choices,
      type: "basic",
      start: Number(event.voteStart),
      end: Number(event.voteEnd),
    }),
    state: status.state,
    raw: {
      kind: "governor",
      chainId: info.chainId,
      governor: info.address,
      proposalId: event.proposalId.toString(),
      proposer: event.proposer.toLowerCase(),
      createdIn: input.createdIn,
      clockMode: info.clockMode,
      voteStart: event.voteStart.toString(),
      voteEnd: event.voteEnd.toString(),
      countingMode: info.countingMode,
      fractional: info.fractional,
      calls: input.calls,
      actions,
      status: {
        state: status.state,
        snapshot: status.snapshot.toString(),
        deadline: status.deadline.toString(),
        votes: {
          against: status.votes.against.toString(),
          for: status.votes.for.toString(),
          abstain: status.votes.abstain.toString(),
        },
        quorum: status.quorum === null ? null : status.quorum.toString(),
      },
    },
  };
}

/**
 * The title by convention: the description's first non-empty line, without a markdown heading's "#"s.
 * @see https://docs.tally.xyz/user-guides/tally-contract-compatibility/openzeppelin-governor (description format)
 */
export function proposalTitle(description: string, proposalId: bigint): string {
  const line = description
    .split("\n")
    .map((l) => l.replace(/^\s*#+\s*/, "").trim())
    .find((l) => l.length > 0);
  return (line ?? `Proposal ${proposalId}`).slice(0, 300);
}

/** The event as stored in a record's raw and body, to rebuild the record with fresh figures. */
export function storedEvent(raw: GovernorRaw, body: string): ProposalCreated {
  return {
    proposalId: BigInt(raw.proposalId),
    proposer: raw.proposer,
    targets: raw.calls.map((c) => c.target),
    values: raw.calls.map((c) => BigInt(c.value)),
    signatures: raw.calls.map((c) => c.signature),
    calldatas: raw.calls.map((c) => c.calldata),
    voteStart: BigInt(raw.voteStart),
    voteEnd: BigInt(raw.voteEnd),
    description: body,
  };
}

function firstDiscussionUrl(description: string): string | null {
  return /https?:\/\/[^\s)>\]]+/.exec(description)?.[0] ?? null;
}

function callsDigest(calls: readonly ProposalCall[]): string {
  return createHash("sha256")
    .update(calls.map((c) => `${c.target}|${c.value}|${c.signature}|${c.calldata}`).join("\n"))
    .digest("hex");
}

async function optional<T>(promise: Promise<T>): Promise<T | null> {
  try {
    return await promise;
  } catch (error) {
    if (error instanceof ChainCallRevertedError) return null;
    throw error;
  }
}
