import { z } from "zod";
import type { PrismaClient } from "../../generated/prisma/client.js";
import { DEFAULT_TAXONOMY } from "../../values/taxonomy.js";
import type { SpaceIds } from "../proposalStore.js";
import { type GovernorInfo, governorSpaceId } from "./governorProposal.js";

/**
 * Where one Governor's (or one token's) log reading stands: the next block to read, and the last block read with
 * its hash, so a reorg deeper than the confirmations is noticed (the hash no longer matches) and read again.
 */
export const blockCursorSchema = z.object({
  next: z.string().regex(/^\d+$/),
  checkpoint: z.object({ number: z.string().regex(/^\d+$/), hash: z.string() }).nullable(),
});
export type BlockCursor = z.infer<typeof blockCursorSchema>;

/** SourceCursor rows of block readers, one per (source, key), validated on the way in and out. */
export interface BlockCursors {
  read(key: string): Promise<BlockCursor | null>;
  /** Written only after every row the blocks before `next` hold is committed and its jobs queued. */
  write(key: string, cursor: BlockCursor): Promise<void>;
}

/** Cursors under one `SourceCursor.source` ("governor" for proposals, "governor.delegations" for tokens). */
export function createBlockCursors(prisma: PrismaClient, source: string): BlockCursors {
  return {
    async read(key) {
      const row = await prisma.sourceCursor.findUnique({ where: { source_key: { source, key } } });
      // A cursor that no longer parses is a bug or a hand edit: stop rather than silently start over.
      return row ? blockCursorSchema.parse(row.cursor) : null;
    },
    async write(key, cursor) {
      const value = blockCursorSchema.parse(cursor);
      await prisma.sourceCursor.upsert({
        where: { source_key: { source, key } },
        create: { source, key, cursor: value },
        update: { cursor: value },
      });
    },
  };
}

/**
 * Makes sure every watched Governor has its Space row (kind governor, new ones in dry-run with the default taxonomy,
 * chain and token filled in) and returns their ids. Safe from several processes: rows are unique per (kind, externalId).
 */
export async function ensureGovernorSpaces(
  prisma: PrismaClient,
  governors: readonly GovernorInfo[],
): Promise<SpaceIds> {
  const ids = new Map<string, string>();
  for (const info of governors) {
    const externalId = governorSpaceId(info.chainId, info.address);
    const row = await prisma.space.upsert({
      where: { kind_externalId: { kind: "governor", externalId } },
      create: {
        kind: "governor",
        externalId,
        name: info.name,
        chainId: info.chainId,
        tokenAddress: info.token,
        taxonomy: DEFAULT_TAXONOMY,
      },
      // A steward may have renamed the space: only what the chain says is refreshed.
      update: { chainId: info.chainId, tokenAddress: info.token },
      select: { id: true },
    });
    ids.set(externalId, row.id);
  }
  return ids;
}
