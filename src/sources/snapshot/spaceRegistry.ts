import type { PrismaClient } from "../../generated/prisma/client.js";
import { DEFAULT_TAXONOMY } from "../../values/taxonomy.js";
import type { SpaceIds } from "../proposalStore.js";

/**
 * Makes sure every watched space has its row (new ones start with the default taxonomy, in dry-run) and returns
 * their ids. Safe to run from several processes at once: rows are unique per (kind, externalId).
 */
export async function ensureSnapshotSpaces(prisma: PrismaClient, spaces: readonly string[]): Promise<SpaceIds> {
  const wanted = [...new Set(spaces)];
  const ids = new Map<string, string>();
  const read = async (externalIds: string[]) => {
    for (let i = 0; i < externalIds.length; i += 5_000) {
      const rows = await prisma.space.findMany({
        where: { kind: "snapshot", externalId: { in: externalIds.slice(i, i + 5_000) } },
        select: { id: true, externalId: true },
      });
      for (const row of rows) ids.set(row.externalId, row.id);
    }
  };
  await read(wanted);
  const missing = wanted.filter((space) => !ids.has(space));
  if (missing.length > 0) {
    await prisma.space.createMany({
      data: missing.map((externalId) => ({
        kind: "snapshot",
        externalId,
        name: externalId,
        taxonomy: DEFAULT_TAXONOMY,
      })),
      skipDuplicates: true,
    });
    await read(missing);
  }
  return ids;
}
