// How Tribune reads the words of a proposal's choices: which one means "abstain", and which one a rule's "for" or
// "against" names. Choice labels are free text written by proposal authors ("Yes, fund it", "Nay", "Abstain 🤷"), so
// the matching is by the label's first word(s) against short, documented word lists (see README.md in this folder).

/** First words that make a choice an abstention. */
export const ABSTAIN_WORDS = ["abstain", "abstention", "no opinion", "no preference", "neutral"] as const;
/** First words that make a choice a "for" (support) choice. */
export const FOR_WORDS = [
  "for",
  "yes",
  "yea",
  "yay",
  "yae",
  "aye",
  "approve",
  "accept",
  "support",
  "in favor",
  "in favour",
] as const;
/** First words that make a choice an "against" choice. */
export const AGAINST_WORDS = ["against", "no", "nay", "reject", "deny", "oppose", "decline"] as const;

export type ChoiceIntent = "for" | "against";

/** Lower case, accents folded, anything but letters, digits and spaces turned into spaces, spaces collapsed. */
export function normalizeLabel(label: string): string {
  return label
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

function startsWithWord(normalized: string, words: readonly string[]): boolean {
  return words.some((word) => normalized === word || normalized.startsWith(`${word} `));
}

/** True when the label reads as an abstention ("Abstain", "Abstain / no opinion"). */
export function isAbstainLabel(label: string): boolean {
  return startsWithWord(normalizeLabel(label), ABSTAIN_WORDS);
}

/** 1-based numbers of the choices that read as abstentions. */
export function abstainChoices(choices: readonly string[]): number[] {
  const found: number[] = [];
  choices.forEach((label, i) => {
    if (isAbstainLabel(label)) found.push(i + 1);
  });
  return found;
}

/**
 * The one choice a rule's intent names, or why there is none. "No" starts both "no" (against) and "no opinion"
 * (abstain), so abstain labels are excluded before the intent words are tried.
 */
export function findIntentChoice(
  choices: readonly string[],
  intent: ChoiceIntent,
): { ok: true; choice: number } | { ok: false; why: "none" | "several" } {
  const words = intent === "for" ? FOR_WORDS : AGAINST_WORDS;
  const matches: number[] = [];
  choices.forEach((label, i) => {
    const normalized = normalizeLabel(label);
    if (!isAbstainLabel(label) && startsWithWord(normalized, words)) matches.push(i + 1);
  });
  if (matches.length === 1) return { ok: true, choice: matches[0] as number };
  return { ok: false, why: matches.length === 0 ? "none" : "several" };
}
