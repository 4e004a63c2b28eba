import { describeRule } from "./describeRules.js";
import { type ProfileRules, RULE_ORDER } from "./hardRules.js";
import type { Taxonomy } from "./taxonomy.js";
import { type Privacy, unknownWeightIds, type Weights } from "./valueProfile.js";

// A profile shown back in plain words, for the member to confirm or edit before it takes effect. It says exactly
// what the engine will use: every weight (including the zeros), every rule in order, the conflict order, what
// happens when Tribune is unsure, and who can read the explanations.

const LEVEL_WORDS = ["not counted", "a little", "somewhat", "important", "very important", "above all"] as const;

export interface DescribedProfile {
  weights: Weights;
  rules: ProfileRules;
  privacy: Privacy;
  /** Per dimension id, the member's words behind its weight (from the compiler), if known. */
  because?: Record<string, string[]>;
  /** What the compiler wants the member to know. */
  notes?: string[];
}

/** The profile as text, one line per item. */
export function describeProfile(profile: DescribedProfile, taxonomy: Taxonomy): string {
  const lines: string[] = ["What you care about, most first (0–5):"];
  const ranked = taxonomy
    .map((dim, i) => ({ dim, i, weight: profile.weights[dim.id] ?? 0 }))
    .sort((a, b) => b.weight - a.weight || a.i - b.i);
  for (const { dim, weight } of ranked.filter((r) => r.weight > 0)) {
    const words = profile.because?.[dim.id]?.[0];
    lines.push(`  ${dim.name}: ${weight} (${LEVEL_WORDS[weight]})${words ? ` — you wrote "${words}"` : ""}`);
  }
  const zero = ranked.filter((r) => r.weight === 0).map((r) => r.dim.name);
  if (ranked.every((r) => r.weight === 0)) lines.push("  (no value has any weight: only your rules will act)");
  if (zero.length > 0) lines.push(`Not counted (0): ${zero.join(", ")}.`);
  const unknown = unknownWeightIds(profile.weights, taxonomy);
  if (unknown.length > 0) lines.push(`Ignored, no longer in this space's values: ${unknown.join(", ")}.`);

  if (profile.rules.rules.length === 0) lines.push("Your rules: none.");
  else {
    lines.push(
      `Your rules (they beat the weights; if several apply, the order is ${RULE_ORDER.join(" > ")}, then your order):`,
    );
    profile.rules.rules.forEach((rule, i) => {
      lines.push(`  ${i + 1}. ${describeRule(rule)}`);
    });
  }
  lines.push(
    profile.rules.whenUnsure === "abstain"
      ? "When Tribune cannot tell how you would vote: it abstains where the ballot offers Abstain, and asks you otherwise."
      : "When Tribune cannot tell how you would vote: it asks you.",
  );
  lines.push("A proposal whose digest is flagged or unreliable never gets an automatic vote: you are asked.");
  lines.push(
    profile.privacy === "public"
      ? "Your explanations are public in the proposal threads."
      : "Your explanations are shown to you only; the thread and the vote's reason do not reveal your values.",
  );
  for (const note of profile.notes ?? []) lines.push(`Note: ${note}`);
  return lines.join("\n");
}
