import { z } from "zod";
import { type ProfileRules, profileRulesSchema } from "./hardRules.js";
import type { Taxonomy } from "./taxonomy.js";

/** How much a member cares about each dimension: 0 (not at all, ignored) … 5 (above all). Keys are dimension ids. */
export const weightsSchema = z.record(z.string().regex(/^[a-z][a-z0-9_]{1,39}$/), z.number().int().min(0).max(5));
export type Weights = z.infer<typeof weightsSchema>;

/** Who may read a member's explanations: everyone in the proposal's thread, or the member alone. */
export const privacySchema = z.enum(["public", "private"]);
export type Privacy = z.infer<typeof privacySchema>;

/** A profile as the engine uses it: one version of a member's weights and rules. */
export interface EngineProfile {
  id?: string | null;
  version: number;
  weights: Weights;
  rules: ProfileRules;
  privacy: Privacy;
  /** The taxonomy version the weights were written against. */
  taxonomyVersion: number;
}

/** A profile document as `tribune profile compile` prints it and `tribune decide` reads it. */
export const profileDocumentSchema = z.object({
  version: z.number().int().min(1).default(1),
  weights: weightsSchema,
  rules: profileRulesSchema,
  privacy: privacySchema.default("private"),
  taxonomyVersion: z.number().int().min(1).default(1),
});

/** Weight keys the taxonomy does not know: the engine ignores them, and whoever shows the profile should say so. */
export function unknownWeightIds(weights: Weights, taxonomy: Taxonomy): string[] {
  const known = new Set(taxonomy.map((d) => d.id));
  return Object.keys(weights)
    .filter((id) => !known.has(id))
    .sort();
}
