// How one member's choice divides their voting power among the proposal's choices, for the breakdown charts.
// The choice is stored in Snapshot's format for the voting type (see Decision.choice in the schema).

/** 1-based choice index → share of the member's power (the shares sum to 1, or the map is empty). */
export type ChoiceShares = Map<number, number>;

/**
 * Single choice and basic give everything to the one choice; approval splits evenly across the approved choices
 * (Snapshot counts each at full power, but a breakdown must add up to the power there is); ranked choice and copeland
 * count the first preference; weighted and quadratic split in proportion to the weights.
 */
export function choiceShares(choice: unknown, votingType: string): ChoiceShares {
  const shares: ChoiceShares = new Map();
  const valid = (n: unknown): n is number => typeof n === "number" && Number.isInteger(n) && n >= 1;
  if (valid(choice)) {
    shares.set(choice, 1);
    return shares;
  }
  if (Array.isArray(choice)) {
    const picks = choice.filter(valid);
    if (picks.length === 0) return shares;
    if (votingType === "ranked-choice" || votingType === "copeland") {
      shares.set(picks[0] as number, 1);
      return shares;
    }
    for (const pick of picks) shares.set(pick, (shares.get(pick) ?? 0) + 1 / picks.length);
    return shares;
  }
  if (typeof choice === "object" && choice !== null) {
    const weights = Object.entries(choice as Record<string, unknown>)
      .map(([key, weight]) => [Number(key), weight] as const)
      .filter(
        (pair): pair is readonly [number, number] => valid(pair[0]) && typeof pair[1] === "number" && pair[1] > 0,
      );
    const total = weights.reduce((sum, [, w]) => sum + w, 0);
    for (const [index, weight] of weights) shares.set(index, (shares.get(index) ?? 0) + weight / total);
  }
  return shares;
}

/** A choice as people read it: its label, or "choice 3" if the proposal has no such label. */
export function choiceLabel(choices: readonly string[], index: number): string {
  return choices[index - 1] ?? `choice ${index}`;
}

/** A stored choice in words: "For", "Yes, No", "A 75% · B 25%". */
export function describeChoice(choice: unknown, votingType: string, choices: readonly string[]): string {
  if (choice === null || choice === undefined) return "—";
  const shares = choiceShares(choice, votingType);
  if (shares.size === 0) return JSON.stringify(choice);
  if (Array.isArray(choice) && (votingType === "ranked-choice" || votingType === "copeland")) {
    return choice.map((c) => choiceLabel(choices, Number(c))).join(" > ");
  }
  if (shares.size === 1 || Array.isArray(choice)) {
    return [...shares.keys()].map((i) => choiceLabel(choices, i)).join(", ");
  }
  return [...shares].map(([i, share]) => `${choiceLabel(choices, i)} ${Math.round(share * 100)}%`).join(" · ");
}
