import { z } from "zod";
import { type HubRequest, listQuery } from "../hubRequest.js";
import { FEED_TYPES } from "./proposalFeed.js";

/**
 * The newest proposal message's `mci`: where a watcher that has never run starts reading the log (what came before
 * is read by the backfill instead). 0 when the log has no such message.
 */
export function feedHeadRequest(): HubRequest<number> {
  return {
    operation: "feedHead",
    ...listQuery("feedHead", [
      {
        alias: "head",
        field: "messages",
        first: 1,
        where: { type_in: [...FEED_TYPES] },
        orderBy: "mci",
        orderDirection: "desc",
        selection: "mci",
      },
    ]),
    answer: z
      .object({ head: z.array(z.object({ mci: z.number().int() })).max(1) })
      .transform((d) => d.head[0]?.mci ?? 0),
  };
}
