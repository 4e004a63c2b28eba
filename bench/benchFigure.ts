// One figure a benchmark measured, for the table `npm run bench` prints at the end: what was measured, the goal the
// issue names (or "—" where none is named) and the measured value, each as the text to show.

/** One row of the benchmark table. */
export interface BenchFigure {
  /** What was measured, e.g. "Snapshot votes signed and submitted, per second". */
  figure: string;
  /** The goal as the issue states it, e.g. "≥ 200/s"; "—" when the issue names none. */
  goal: string;
  /** The measured value with its unit, e.g. "231/s". */
  measured: string;
  /** Whether the measured value meets the goal; null when there is no goal or it cannot be judged. */
  met: boolean | null;
}

/** What a benchmark's `run` returns: its figures for the table (it may also print details as it goes). */
export type BenchRun = () => Promise<BenchFigure[]>;
