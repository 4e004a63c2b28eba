import type { Cast, Prisma, PrismaClient } from "../../generated/prisma/client.js";

// What a claimed row is cast in: its proposal and space, its member, the decision it follows. A worker reads these
// for a whole claimed batch in one query (`prepare`) rather than per row: on the path of every vote, a query saved
// per row is a query saved per vote. A row's share is taken once, by the claim it was read for (same attempt), while
// it is young; anything else reads its own. Nothing here decides whether to sign: the runner's last look, read right
// before signing, has the final word on the pause switch, the space's mode, the member's word and the decision.

const INCLUDE = { proposal: { include: { space: true } }, member: true, decision: true } as const;

/** A claimed row with its proposal (and space), member and decision. */
export type RowContext = Prisma.CastGetPayload<{ include: typeof INCLUDE }>;

export interface RowContexts {
  /** Reads the contexts of a claimed batch in one query. Never throws: a row without a share reads its own. */
  prepare(batch: readonly Cast[]): Promise<void>;
  /** The row's context: its share of the batch read if fresh (taken once), otherwise read now. */
  of(row: Cast): Promise<RowContext>;
}

/** Builds a worker's store of batch reads; `maxAgeMs` (30 s by default) is how long a read stays usable. */
export function createRowContexts(options: {
  prisma: PrismaClient;
  clock: () => Date;
  maxAgeMs?: number;
  onPrepareError?: (error: unknown) => void;
}): RowContexts {
  const { prisma, clock } = options;
  const maxAgeMs = options.maxAgeMs ?? 30_000;
  const shares = new Map<string, { attempts: number; readAt: number; context: RowContext }>();

  return {
    async prepare(batch) {
      const now = clock().getTime();
      for (const [id, share] of shares) if (now - share.readAt > maxAgeMs) shares.delete(id);
      if (batch.length === 0) return;
      try {
        const found = await prisma.cast.findMany({
          where: { id: { in: batch.map((row) => row.id) } },
          include: INCLUDE,
        });
        const attempts = new Map(batch.map((row) => [row.id, row.attempts]));
        for (const context of found) {
          shares.set(context.id, { attempts: attempts.get(context.id) ?? -1, readAt: now, context });
        }
      } catch (error) {
        options.onPrepareError?.(error);
      }
    },

    async of(row) {
      const share = shares.get(row.id);
      if (share) {
        shares.delete(row.id);
        if (share.attempts === row.attempts && clock().getTime() - share.readAt <= maxAgeMs) return share.context;
      }
      return prisma.cast.findUniqueOrThrow({ where: { id: row.id }, include: INCLUDE });
    },
  };
}
