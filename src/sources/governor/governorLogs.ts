import { type Address, getAbiItem } from "viem";
import { z } from "zod";
import type { ChainClient } from "./chainClient.js";
import { ChainInvalidAnswerError, ChainRangeTooLargeError } from "./chainErrors.js";
import { governorAbi } from "./governorAbi.js";
import { createdInSchema, type ProposalCreated, proposalCreatedSchema } from "./governorProposal.js";

const proposalCreatedEvent = getAbiItem({ abi: governorAbi, name: "ProposalCreated" });

/** One ProposalCreated log, checked. */
export interface ProposalCreatedLog {
  event: ProposalCreated;
  createdIn: z.infer<typeof createdInSchema>;
}

/**
 * Reads ProposalCreated logs of one Governor in [from, to]. A range the endpoint refuses as too large is halved and
 * read in parts, down to single blocks; `largestRange` says what size worked, so later ranges start there.
 */
export async function readProposalCreated(
  client: ChainClient,
  governor: Address,
  from: bigint,
  to: bigint,
  signal?: AbortSignal,
): Promise<{ logs: ProposalCreatedLog[]; largestRange: bigint }> {
  let largestRange = to - from + 1n;
  const read = async (a: bigint, b: bigint): Promise<ProposalCreatedLog[]> => {
    try {
      const logs = await client.call(
        `eth_getLogs(ProposalCreated, ${a}..${b})`,
        (c) => c.getLogs({ address: governor, event: proposalCreatedEvent, fromBlock: a, toBlock: b, strict: true }),
        signal,
      );
      return logs.filter((log) => !log.removed).map((log) => checkLog(client.chainId, log));
    } catch (error) {
      if (!(error instanceof ChainRangeTooLargeError) || a === b) throw error;
      const middle = a + (b - a) / 2n;
      largestRange = middle - a + 1n < largestRange ? middle - a + 1n : largestRange;
      return [...(await read(a, middle)), ...(await read(middle + 1n, b))];
    }
  };
  const logs = await read(from, to);
  return { logs, largestRange };
}

function checkLog(
  chainId: number,
  log: {
    args: unknown;
    blockNumber: bigint | null;
    blockHash: string | null;
    transactionHash: string | null;
    logIndex: number | null;
  },
): ProposalCreatedLog {
  const event = proposalCreatedSchema.safeParse(log.args);
  const createdIn = createdInSchema.safeParse({
    blockNumber: log.blockNumber === null ? null : String(log.blockNumber),
    blockHash: log.blockHash,
    transactionHash: log.transactionHash,
    logIndex: log.logIndex,
  });
  if (!event.success) {
    throw new ChainInvalidAnswerError(chainId, "eth_getLogs(ProposalCreated)", z.prettifyError(event.error));
  }
  if (!createdIn.success) {
    throw new ChainInvalidAnswerError(chainId, "eth_getLogs(ProposalCreated)", z.prettifyError(createdIn.error));
  }
  const { targets, values, signatures, calldatas } = event.data;
  if (values.length !== targets.length || signatures.length !== targets.length || calldatas.length !== targets.length) {
    throw new ChainInvalidAnswerError(chainId, "eth_getLogs(ProposalCreated)", "the call arrays differ in length");
  }
  return { event: event.data, createdIn: createdIn.data };
}
