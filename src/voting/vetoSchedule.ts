// When an announced vote may be cast: after the space's veto window, and no later than the proposal's end minus a
// safety margin (a vote that reaches the sequencer or the chain after the end is lost). If the proposal ends sooner
// than the window, the window shrinks to what is left, and the announcement says so.

export interface VetoScheduleInput {
  announcedAt: Date;
  vetoWindowSeconds: number;
  endAt: Date;
  safetyMarginSeconds: number;
}

export interface VetoSchedule {
  /** The moment the vote becomes due. */
  castsAt: Date;
  /** The latest moment a cast may still be sent. */
  lastCastAt: Date;
  /** The full window did not fit before the end, so castsAt was brought forward. */
  shrunk: boolean;
  /** Not even a shrunk window fits: the proposal ends (minus the margin) before the announcement. */
  tooLate: boolean;
}

/** Computes the schedule; pure. */
export function vetoSchedule(input: VetoScheduleInput): VetoSchedule {
  const windowEnd = input.announcedAt.getTime() + input.vetoWindowSeconds * 1_000;
  const lastCastAt = input.endAt.getTime() - input.safetyMarginSeconds * 1_000;
  const shrunk = windowEnd > lastCastAt;
  return {
    castsAt: new Date(Math.min(windowEnd, lastCastAt)),
    lastCastAt: new Date(lastCastAt),
    shrunk,
    tooLate: lastCastAt <= input.announcedAt.getTime(),
  };
}
