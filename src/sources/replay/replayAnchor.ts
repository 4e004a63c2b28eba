import { z } from "zod";
import type { PrismaClient } from "../../generated/prisma/client.js";

// The moment a replay started, stored once per space: every bundled proposal's window is measured from it. Storing
// it (rather than using the process's start) is what makes a second `npm start` find the same proposals unchanged.

const SOURCE = "replay";
const anchorSchema = z.object({ anchor: z.iso.datetime() });

/** The space's replay anchor; the first call stores `now` and every later call returns that same moment. */
export async function replayAnchor(prisma: PrismaClient, space: string, now: Date): Promise<Date> {
  // createMany + skipDuplicates: two processes starting at once agree on whichever anchor was written first.
  await prisma.sourceCursor.createMany({
    data: [{ source: SOURCE, key: space, cursor: { anchor: now.toISOString() } }],
    skipDuplicates: true,
  });
  const row = await prisma.sourceCursor.findUniqueOrThrow({ where: { source_key: { source: SOURCE, key: space } } });
  // A cursor that does not parse is a hand edit or a bug: stop rather than replay on a made-up clock.
  return new Date(anchorSchema.parse(row.cursor).anchor);
}
