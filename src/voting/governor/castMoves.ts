import type { Cast, CastState } from "../../generated/prisma/client.js";
import type { Logger } from "../../log/logger.js";
import type { CastChanges, CastFence, CastOutbox } from "../castOutbox.js";
import type { CastRunResult } from "../snapshotCastRunner.js";

// The moves one run makes on its claimed row, each fenced by what the run last wrote (a move refused means another
// worker reclaimed the row after this one's lease ran out: the run is over, "lost"). The run's view of the row
// follows every move, so a later move is fenced by the earlier one.

export interface CastMovesOptions {
  outbox: CastOutbox;
  clock: () => Date;
  /** Retry delay after the first failed attempt, doubled per attempt up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  onSettled?: (row: Cast) => Promise<void>;
  logger?: Logger;
}

/** The moves of one run on `claimed`. */
export function castMoves(claimed: Cast, options: CastMovesOptions) {
  const { outbox } = options;
  let row = claimed;
  let fence: CastFence = claimed;
  const lost = (): CastRunResult => ({ kind: "lost", castId: row.id });

  return {
    /** The row as this run last wrote it. */
    get row(): Cast {
      return row;
    },
    get fence(): CastFence {
      return fence;
    },
    lost,

    /** A move that the run goes on after (`submitted`); null when the lease was lost. */
    async advance(
      to: CastState,
      changes: CastChanges,
      event: { action?: string; data?: Record<string, unknown> },
    ): Promise<Cast | null> {
      const moved = await outbox.move(fence, to, changes, event);
      if (!moved) return null;
      row = moved.row;
      fence = moved.row;
      return row;
    },

    /** Ends the row: confirmed, failed or skipped, then reports it (the report's failure is logged only). */
    async settle(
      to: "confirmed" | "failed" | "skipped",
      changes: CastChanges,
      data: Record<string, unknown> = {},
    ): Promise<CastRunResult> {
      const moved = await outbox.move(fence, to, { nextAttemptAt: null, ...changes }, { data });
      if (!moved) return lost();
      row = moved.row;
      await options.onSettled?.(moved.row).catch((error: unknown) => {
        options.logger?.warn({ err: error, castId: row.id }, "could not report a settled cast");
      });
      return { kind: to, castId: row.id, reason: moved.row.failureReason };
    },

    /** Back to `due`, to be tried again after a backoff that doubles with each attempt. */
    async retry(code: string, detail: unknown): Promise<CastRunResult> {
      const delay = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.max(0, row.attempts - 1));
      const at = new Date(options.clock().getTime() + delay);
      const moved = await outbox.move(
        fence,
        "due",
        { nextAttemptAt: at, failureReason: code },
        { action: "cast.retry", data: { code, detail: String(detail).slice(0, 500), retryAt: at.toISOString() } },
      );
      return moved ? { kind: "retry", castId: row.id, code, at } : lost();
    },

    /** Gives the row back without casting: to `due` (paused) or `planned` (stale, to be announced again). */
    async release(
      to: "due" | "planned",
      why: string,
      changes: CastChanges,
      event: { action: string; data: Record<string, unknown> },
    ): Promise<CastRunResult> {
      const moved = await outbox.move(fence, to, changes, event);
      return moved ? { kind: "released", castId: row.id, why } : lost();
    },
  };
}
