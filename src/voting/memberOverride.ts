import { z } from "zod";
import { TribuneError } from "../errors/tribuneError.js";
import { abstainChoices, normalizeLabel } from "../values/choiceLabels.js";
import { isRankingType, isSplitType, type SnapshotChoice, type VotingType } from "../values/votingTypes.js";

// A member's own word on a proposal beats their agent's decision. It is one of: a choice of theirs (cast instead of the
// decision), abstain, a veto (nothing is cast for them), or "auto" (withdraw an earlier word: the agent decides again).
// This file is pure: what the member typed → the stored form, and the stored form → the ballot's wire format.

/** As stored in `Override.choice`; a veto is stored as SQL null (see the schema). */
export const storedOverrideSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("choice"), choice: z.number().int().min(1), label: z.string() }),
  z.object({ kind: z.literal("abstain") }),
  z.object({ kind: z.literal("auto") }),
]);
export type StoredOverride = z.infer<typeof storedOverrideSchema>;

/** What a member said, with the veto made explicit. */
export type MemberWord = StoredOverride | { kind: "veto" };

/** A stored override row's choice as the member's word: SQL null is a veto, "auto" withdraws (null: no word). */
export function wordOf(stored: unknown): MemberWord | null {
  if (stored === null) return { kind: "veto" };
  const parsed = storedOverrideSchema.parse(stored);
  return parsed.kind === "auto" ? null : parsed;
}

/** The member named something that is not on the ballot. */
export class OverrideError extends TribuneError {}

/**
 * Reads what a member typed: a choice's label or number, "abstain", "none" (veto: do not vote for me) or "auto".
 * Labels match case- and punctuation-insensitively; an ambiguous or unknown word lists the ballot's choices.
 */
export function parseMemberWord(raw: string, choices: readonly string[]): MemberWord {
  const text = normalizeLabel(raw);
  if (text === "none" || text === "veto") return { kind: "veto" };
  if (text === "auto") return { kind: "auto" };
  const byNumber = /^\d+$/.test(text) ? Number(text) : null;
  if (byNumber !== null && byNumber >= 1 && byNumber <= choices.length) {
    return { kind: "choice", choice: byNumber, label: choices[byNumber - 1] as string };
  }
  const exact = choices.flatMap((label, i) => (normalizeLabel(label) === text ? [i + 1] : []));
  const found =
    exact.length > 0
      ? exact
      : choices.flatMap((label, i) => (normalizeLabel(label).startsWith(text) && text ? [i + 1] : []));
  if (found.length === 1) {
    const choice = found[0] as number;
    const label = choices[choice - 1] as string;
    return abstainChoices(choices).includes(choice) ? { kind: "abstain" } : { kind: "choice", choice, label };
  }
  if (text === "abstain") return { kind: "abstain" };
  const listed = choices.map((label, i) => `${i + 1}. ${label}`).join("; ");
  throw new OverrideError(
    "override.unknown_choice",
    found.length > 1
      ? `"${raw.slice(0, 60)}" matches several choices`
      : `"${raw.slice(0, 60)}" is not a choice on this ballot`,
    `Choose one of: ${listed}; or "abstain", "none" (do not vote for me) or "auto" (let your agent decide)`,
  );
}

/**
 * The ballot a member's word becomes, in the voting type's Snapshot format; null when nothing is to be cast (an
 * abstain on a ballot without an abstain choice). A single named choice becomes: approval [c]; a ranking with c first
 * and the rest in ballot order; a weighted/quadratic split giving c everything.
 */
export function overrideBallot(
  word: StoredOverride,
  choices: readonly string[],
  type: VotingType,
): SnapshotChoice | null {
  if (word.kind === "auto") return null;
  let choice: number;
  if (word.kind === "abstain") {
    const abstain = abstainChoices(choices);
    if (abstain.length !== 1) return null;
    choice = abstain[0] as number;
  } else {
    choice = word.choice;
  }
  if (isSplitType(type)) return { [String(choice)]: 1 };
  if (type === "approval") return [choice];
  if (isRankingType(type)) return [choice, ...choices.map((_, i) => i + 1).filter((c) => c !== choice)];
  return choice;
}
