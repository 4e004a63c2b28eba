import { z } from "zod";
import type { VotingType as StoredVotingType } from "../generated/prisma/enums.js";

/**
 * Snapshot's voting types under their wire names, which is also how choices are encoded for casting.
 * @see https://docs.snapshot.box/user-guides/proposals/voting-types
 */
export const votingTypes = [
  "single-choice",
  "basic",
  "approval",
  "ranked-choice",
  "copeland",
  "weighted",
  "quadratic",
] as const;
export type VotingType = (typeof votingTypes)[number];
export const votingTypeSchema = z.enum(votingTypes);

/** A choice in the exact shape Snapshot's vote message takes for its type (1-based choice numbers). */
export type SnapshotChoice = number | number[] | Record<string, number>;

/** Types whose ballot is a split of weight across choices. */
export function isSplitType(type: VotingType): type is "weighted" | "quadratic" {
  return type === "weighted" || type === "quadratic";
}

/** Types whose ballot must rank every choice (Snapshot refuses a partial ranking). */
export function isRankingType(type: VotingType): type is "ranked-choice" | "copeland" {
  return type === "ranked-choice" || type === "copeland";
}

/** The database stores the same types with underscores (Prisma enum names); this turns them back into wire names. */
export function votingTypeFromStored(stored: StoredVotingType): VotingType {
  return votingTypeSchema.parse(stored.replace("_", "-"));
}

/** The shape (not yet the values) of a choice for each type, to validate choices read back from storage or files. */
export function choiceShapeSchema(type: VotingType): z.ZodType<SnapshotChoice> {
  if (type === "single-choice" || type === "basic") return z.number().int().min(1);
  if (isSplitType(type)) return z.record(z.string().regex(/^[1-9]\d*$/), z.number().int().nonnegative());
  return z.array(z.number().int().min(1));
}
