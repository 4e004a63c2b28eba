import { z } from "zod";
import type { HubClient } from "./hubClient.js";
import { HubLimitExceededError } from "./hubErrors.js";
import { chunk, hubLimits } from "./hubLimits.js";
import { type ListRoot, listQuery } from "./hubRequest.js";

/** A list to read to its end, ordered by `created` (the hub breaks ties by id). */
export interface PagedList<Row extends { id: string; created: number }> {
  root: (alias: string, where: Record<string, unknown>, first: number, skip: number) => ListRoot;
  where: Record<string, unknown>;
  row: z.ZodType<Row>;
}

interface PagerState {
  createdGte: number;
  /** Ids already read whose `created` equals `createdGte` (the next page starts at that second again). */
  seen: Set<string>;
  skip: number;
  done: boolean;
}

export interface ReadPagesOptions<Row> {
  operation: string;
  fragments?: readonly string[];
  pageSize?: number;
  signal?: AbortSignal;
  /** Receives each page's new rows, in order, before the next page is asked for; a throw stops the read. */
  onPage: (listIndex: number, rows: Row[]) => Promise<void>;
}

/**
 * Reads lists past the hub's `skip` cap with a cursor on `created`: each page asks `created_gte` the last second seen
 * and drops the ids already read at that second, so ties at a page boundary are neither lost nor doubled. Pages of
 * several lists share requests, up to the hub's five root fields each.
 */
export async function readCreatedPages<Row extends { id: string; created: number }>(
  hub: HubClient,
  lists: readonly PagedList<Row>[],
  { operation, fragments = [], pageSize = hubLimits.first, signal, onPage }: ReadPagesOptions<Row>,
): Promise<void> {
  const states: PagerState[] = lists.map(() => ({ createdGte: 0, seen: new Set(), skip: 0, done: false }));
  for (;;) {
    const open = states.flatMap((state, index) => (state.done ? [] : [index]));
    if (open.length === 0) return;
    for (const group of chunk(open, hubLimits.rootFields)) {
      const roots = group.map((index, i) => {
        const state = states[index] as PagerState;
        const list = lists[index] as PagedList<Row>;
        // created_gte 0 would be ignored by the hub anyway (it skips falsy filters); leaving it out says so.
        const where = state.createdGte > 0 ? { ...list.where, created_gte: state.createdGte } : list.where;
        return list.root(`l${i}`, where, pageSize, state.skip);
      });
      const shape = Object.fromEntries(
        group.map((index, i) => [`l${i}`, z.array((lists[index] as PagedList<Row>).row)]),
      );
      const answer = await hub.send(
        {
          operation,
          ...listQuery(operation, roots, fragments),
          answer: z.object(shape) as z.ZodType<Record<string, Row[]>>,
        },
        signal,
      );
      for (const [i, index] of group.entries()) {
        const rows = answer[`l${i}`] ?? [];
        const state = states[index] as PagerState;
        const fresh = advance(operation, state, rows, pageSize);
        await onPage(index, fresh);
      }
    }
  }
}

/** Moves one list's cursor past `rows` and returns the rows not read before. */
function advance<Row extends { id: string; created: number }>(
  operation: string,
  state: PagerState,
  rows: readonly Row[],
  pageSize: number,
): Row[] {
  const fresh = rows.filter((row) => !(row.created === state.createdGte && state.seen.has(row.id)));
  if (rows.length < pageSize) {
    state.done = true;
    return fresh;
  }
  const last = rows[rows.length - 1] as Row;
  if (last.created === state.createdGte) {
    // A whole page within one second: only `skip` moves past it. Rare (a thousand rows in one second), and capped.
    state.skip += rows.length;
    if (state.skip > hubLimits.skip) {
      throw new HubLimitExceededError(operation, [`more than ${hubLimits.skip} rows share created = ${last.created}`]);
    }
  } else {
    state.createdGte = last.created;
    state.seen = new Set();
    state.skip = 0;
  }
  for (const row of rows) if (row.created === state.createdGte) state.seen.add(row.id);
  return fresh;
}
