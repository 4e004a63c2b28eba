import type { AuditLog } from "../audit/auditLog.js";
import { TribuneError } from "../errors/tribuneError.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { diffTaxonomy, isNoChange, type Taxonomy, type TaxonomyChange, taxonomySchema } from "./taxonomy.js";

// A space's value taxonomy, versioned: every edit bumps Space.taxonomyVersion and is audited with what it changed.
// Decisions record the version they used; a change re-decides the space's open proposals (through `onChanged`).

export interface TaxonomyStoreOptions {
  prisma: PrismaClient;
  audit: AuditLog;
  /** Called after a change is committed: re-decide the space (see DecisionService.redecideSpace). */
  onChanged?: (spaceId: string) => Promise<void>;
}

export interface SpaceTaxonomy {
  taxonomy: Taxonomy;
  version: number;
}

export interface TaxonomyStore {
  /** The space's current taxonomy; a stored one that fails validation is an error, never a silent default. */
  get(spaceId: string): Promise<SpaceTaxonomy>;
  /** Replaces the taxonomy (a steward's edit). Returns the new version and the change; no change, no new version. */
  update(spaceId: string, taxonomy: Taxonomy, actor: string): Promise<SpaceTaxonomy & { change: TaxonomyChange }>;
}

/** Reads a stored taxonomy, failing with a typed error that names the space. */
export function parseStoredTaxonomy(spaceId: string, stored: unknown): Taxonomy {
  const parsed = taxonomySchema.safeParse(stored);
  if (!parsed.success) {
    throw new TribuneError(
      "values.taxonomy_invalid",
      `The value taxonomy stored for space ${spaceId} is not valid (${parsed.error.issues[0]?.message ?? "unknown"})`,
      "A steward should set the space's values again",
    );
  }
  return parsed.data;
}

export function createTaxonomyStore({ prisma, audit, onChanged }: TaxonomyStoreOptions): TaxonomyStore {
  async function get(spaceId: string): Promise<SpaceTaxonomy> {
    const space = await prisma.space.findUnique({
      where: { id: spaceId },
      select: { taxonomy: true, taxonomyVersion: true },
    });
    if (!space) throw new TribuneError("values.space_not_found", `No space ${spaceId}`, "Check the space id");
    return { taxonomy: parseStoredTaxonomy(spaceId, space.taxonomy), version: space.taxonomyVersion };
  }

  return {
    get,

    async update(spaceId, next, actor) {
      const parsed = taxonomySchema.safeParse(next);
      if (!parsed.success) {
        throw new TribuneError(
          "values.taxonomy_invalid",
          `That taxonomy is not valid: ${parsed.error.issues.map((i) => i.message).join("; ")}`,
          "Give each value a unique lower_snake_case id, a name and a one-line meaning (1 to 16 values)",
        );
      }
      const result = await prisma.$transaction(async (tx) => {
        // Row lock: two stewards editing at once get consecutive versions, not the same one twice.
        await tx.$queryRaw`SELECT id FROM "Space" WHERE id = ${spaceId} FOR UPDATE`;
        const space = await tx.space.findUnique({ where: { id: spaceId } });
        if (!space) throw new TribuneError("values.space_not_found", `No space ${spaceId}`, "Check the space id");
        const before = parseStoredTaxonomy(spaceId, space.taxonomy);
        const change = diffTaxonomy(before, parsed.data);
        if (isNoChange(change)) return { taxonomy: before, version: space.taxonomyVersion, change };
        const version = space.taxonomyVersion + 1;
        await tx.space.update({ where: { id: spaceId }, data: { taxonomy: parsed.data, taxonomyVersion: version } });
        await audit.append(
          { action: "taxonomy.changed", actor, spaceId, data: { fromVersion: space.taxonomyVersion, version, change } },
          tx,
        );
        return { taxonomy: parsed.data, version, change };
      });
      if (!isNoChange(result.change)) await onChanged?.(spaceId);
      return result;
    },
  };
}
