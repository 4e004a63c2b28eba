import { z } from "zod";
import type { PrismaClient } from "../../generated/prisma/client.js";

/** Where a watcher stands: the last message of the hub's log it has fully written, and what it still waits for. */
export const feedCursorSchema = z.object({
  mci: z.number().int().nonnegative(),
  /** Unix seconds of that message: recent proposals are asked for from shortly before it. */
  timestamp: z.number().int().nonnegative(),
  /**
   * Messages seen whose proposal the hub did not return yet (its proposal table can lag its message log): asked for
   * again on later polls until found or `firstSeen` is older than the give-up age.
   */
  waiting: z
    .array(
      z.object({
        kind: z.enum(["proposal", "update-proposal"]),
        space: z.string(),
        /** The proposal id (a "proposal" message) or the edit's timestamp (an "update-proposal" message). */
        ref: z.union([z.string(), z.number().int()]),
        firstSeen: z.number().int(),
      }),
    )
    .default([]),
});
export type FeedCursor = z.infer<typeof feedCursorSchema>;

/** A space whose open proposals have been read once; from then on the log covers it. */
export const spaceMarkSchema = z.object({ backfilledAt: z.iso.datetime(), mci: z.number().int().nonnegative() });
export type SpaceMark = z.infer<typeof spaceMarkSchema>;

const SOURCE = "snapshot";
const FEED_KEY = "feed";
const SPACE_SOURCE = "snapshot.space";

/** SourceCursor rows of the Snapshot watcher, validated on the way in and out. */
export interface SnapshotCursors {
  readFeed(): Promise<FeedCursor | null>;
  /** Written only after every row the cursor covers is committed and its digest job is queued. */
  writeFeed(cursor: FeedCursor): Promise<void>;
  /** The watched spaces that have no mark yet. */
  unmarkedSpaces(spaces: readonly string[]): Promise<string[]>;
  markSpaces(spaces: readonly string[], mark: SpaceMark): Promise<void>;
}

export function createSnapshotCursors(prisma: PrismaClient): SnapshotCursors {
  return {
    async readFeed() {
      const row = await prisma.sourceCursor.findUnique({ where: { source_key: { source: SOURCE, key: FEED_KEY } } });
      if (!row) return null;
      // A cursor that no longer parses is a bug or a hand edit: stop rather than silently start over.
      return feedCursorSchema.parse(row.cursor);
    },
    async writeFeed(cursor) {
      const value = feedCursorSchema.parse(cursor);
      await prisma.sourceCursor.upsert({
        where: { source_key: { source: SOURCE, key: FEED_KEY } },
        create: { source: SOURCE, key: FEED_KEY, cursor: value },
        update: { cursor: value },
      });
    },
    async unmarkedSpaces(spaces) {
      const marked = new Set<string>();
      for (let i = 0; i < spaces.length; i += 5_000) {
        const rows = await prisma.sourceCursor.findMany({
          where: { source: SPACE_SOURCE, key: { in: spaces.slice(i, i + 5_000) } },
          select: { key: true },
        });
        for (const row of rows) marked.add(row.key);
      }
      return spaces.filter((space) => !marked.has(space));
    },
    async markSpaces(spaces, mark) {
      const value = spaceMarkSchema.parse(mark);
      await prisma.sourceCursor.createMany({
        data: spaces.map((key) => ({ source: SPACE_SOURCE, key, cursor: value })),
        skipDuplicates: true,
      });
    },
  };
}
