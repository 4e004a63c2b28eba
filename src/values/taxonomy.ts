import { z } from "zod";

/** One value dimension a space cares about; `id` is stable (weights and impacts refer to it), `name` may change. */
export const dimensionSchema = z.object({
  id: z.string().regex(/^[a-z][a-z0-9_]{1,39}$/, "a dimension id is lower_snake_case, 2–40 characters"),
  name: z.string().min(1).max(60),
  meaning: z.string().min(1).max(200),
});
export type Dimension = z.infer<typeof dimensionSchema>;

/** A space's value taxonomy, as stored in Space.taxonomy; Space.taxonomyVersion counts its edits. */
export const taxonomySchema = z
  .array(dimensionSchema)
  .min(1)
  .max(16)
  .refine((dims) => new Set(dims.map((d) => d.id)).size === dims.length, "dimension ids must be unique");
export type Taxonomy = z.infer<typeof taxonomySchema>;

/** The eight default dimensions every new space starts with (stewards may rename, add or remove). */
export const DEFAULT_TAXONOMY: Taxonomy = [
  {
    id: "decentralization",
    name: "Decentralization",
    meaning: "Power, control and infrastructure spread across many independent parties rather than a few.",
  },
  {
    id: "treasury_prudence",
    name: "Treasury prudence",
    meaning: "Spending the DAO's funds carefully, with clear budgets, accountability and value for money.",
  },
  {
    id: "growth_adoption",
    name: "Growth and adoption",
    meaning: "More users, integrations, liquidity and market share for the protocol.",
  },
  {
    id: "security_risk",
    name: "Security and risk",
    meaning: "Protecting users and funds: audits, conservative parameters, limiting what can go wrong.",
  },
  {
    id: "public_goods_community",
    name: "Public goods and community",
    meaning: "Funding shared infrastructure, research, education and the people who build the community.",
  },
  {
    id: "tokenholder_value",
    name: "Tokenholder value",
    meaning: "Revenue, fee capture and the long-term value of the governance token.",
  },
  {
    id: "transparency_accountability",
    name: "Transparency and accountability",
    meaning: "Open information, reporting, clear mandates and consequences for those entrusted with power.",
  },
  {
    id: "operational_pragmatism",
    name: "Operational pragmatism",
    meaning: "Getting things done: workable processes, speed of execution, avoiding needless overhead.",
  },
];

/** What a steward's edit changed, by dimension id: for the audit entry and for telling members. */
export interface TaxonomyChange {
  added: string[];
  removed: string[];
  /** Same id, new name or meaning. */
  renamed: { id: string; from: string; to: string }[];
  reworded: string[];
  /** The same dimensions in a different order (the order profiles are shown in). */
  reordered: boolean;
}

/** Compares two taxonomies by dimension id. */
export function diffTaxonomy(before: Taxonomy, after: Taxonomy): TaxonomyChange {
  const old = new Map(before.map((d) => [d.id, d]));
  const now = new Map(after.map((d) => [d.id, d]));
  const kept = after.filter((d) => old.has(d.id)).map((d) => d.id);
  return {
    added: after.filter((d) => !old.has(d.id)).map((d) => d.id),
    removed: before.filter((d) => !now.has(d.id)).map((d) => d.id),
    renamed: after.flatMap((d) => {
      const was = old.get(d.id);
      return was && was.name !== d.name ? [{ id: d.id, from: was.name, to: d.name }] : [];
    }),
    reworded: after.filter((d) => (old.get(d.id)?.meaning ?? d.meaning) !== d.meaning).map((d) => d.id),
    reordered:
      kept.join() !==
      before
        .filter((d) => now.has(d.id))
        .map((d) => d.id)
        .join(),
  };
}

/** True when the edit changes nothing at all. */
export function isNoChange(change: TaxonomyChange): boolean {
  return (
    change.added.length + change.removed.length + change.renamed.length + change.reworded.length === 0 &&
    !change.reordered
  );
}
