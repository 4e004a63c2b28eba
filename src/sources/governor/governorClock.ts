import type { BlockInfo, ChainClient } from "./chainClient.js";

// A Governor counts time in its token's clock (EIP-6372): block numbers or unix seconds. Tribune keeps the raw
// timepoints and shows and schedules by wall-clock estimates: exact for a block already mined, projected from the
// chain's recent block time for one still to come.
// @see https://eips.ethereum.org/EIPS/eip-6372

export type ClockMode = "blocknumber" | "timestamp";

/** Reads CLOCK_MODE's answer ("mode=blocknumber&from=default", "mode=timestamp"); anything else is block numbers. */
export function parseClockMode(text: string | null): ClockMode {
  if (!text) return "blocknumber";
  const mode = new URLSearchParams(text).get("mode");
  return mode === "timestamp" ? "timestamp" : "blocknumber";
}

/** The chain's recent pace, measured once per poll. */
export interface ChainPace {
  head: BlockInfo;
  /** Average seconds per block over the recent window. */
  secondsPerBlock: number;
}

const PACE_WINDOW = 1_000n;
const DEFAULT_SECONDS_PER_BLOCK = 12;

/** Measures the average block time over the last 1,000 blocks (fewer on a young chain). */
export async function measurePace(client: ChainClient, head: BlockInfo, signal?: AbortSignal): Promise<ChainPace> {
  const span = head.number < PACE_WINDOW ? head.number : PACE_WINDOW;
  if (span === 0n) return { head, secondsPerBlock: DEFAULT_SECONDS_PER_BLOCK };
  const earlier = await client.block(head.number - span, signal);
  const seconds = Number(head.timestamp - earlier.timestamp) / Number(span);
  return { head, secondsPerBlock: seconds > 0 ? seconds : DEFAULT_SECONDS_PER_BLOCK };
}

/**
 * A timepoint's wall-clock time. Block numbers already mined use that block's own timestamp (`pastBlock`, cached by
 * the caller); later ones are projected from the head at the measured pace, rounded to the minute so an estimate
 * that wobbles by seconds does not rewrite the row on every poll.
 */
export async function timepointToDate(
  timepoint: bigint,
  mode: ClockMode,
  pace: ChainPace,
  pastBlock: (number: bigint) => Promise<BlockInfo>,
): Promise<Date> {
  if (mode === "timestamp") return new Date(Number(timepoint) * 1000);
  if (timepoint <= pace.head.number) return new Date(Number((await pastBlock(timepoint)).timestamp) * 1000);
  const seconds = Number(pace.head.timestamp) + Number(timepoint - pace.head.number) * pace.secondsPerBlock;
  return new Date(Math.round(seconds / 60) * 60_000);
}
