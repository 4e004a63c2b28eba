import { z } from "zod";
import { type HardRule, profileRulesSchema } from "./hardRules.js";
import type { Taxonomy } from "./taxonomy.js";
import { weightsSchema } from "./valueProfile.js";

// Turning a member's statement into weights and rules. Any compiler — the offline lexicon, or an LLM behind the
// provider layer — is a function from (statement, taxonomy) to a compiled profile or a reasoned failure; whatever it
// returns is validated here with zod and checked against the taxonomy before a member ever sees it.

/** Longest statement a member may write. */
export const STATEMENT_MAX_CHARS = 2_000;

export const compiledProfileSchema = z.object({
  weights: weightsSchema,
  rules: profileRulesSchema,
  /** Per dimension id, the member's own words that set its weight (shown back: "because you wrote …"). */
  because: z.record(z.string(), z.array(z.string().max(300)).max(8)).default({}),
  /** Things the member should know: what was not understood, what was assumed. */
  notes: z.array(z.string().max(500)).max(30).default([]),
  /** For each rule id, the words it was read from. */
  ruleSources: z.record(z.string(), z.string().max(2_000)).default({}),
});
export type CompiledProfile = z.infer<typeof compiledProfileSchema>;

export const compileProblems = ["empty", "too_long", "no_values", "contradictory", "invalid_output"] as const;
export type CompileProblem = (typeof compileProblems)[number];

export const compileFailureSchema = z.object({
  ok: z.literal(false),
  problem: z.enum(compileProblems),
  /** One or two sentences for the member: what is wrong and what to write instead. */
  message: z.string().min(1).max(1_000),
  /** The specific phrases at fault, if any. */
  details: z.array(z.string().max(500)).max(20).default([]),
});
export type CompileFailure = z.infer<typeof compileFailureSchema>;

const compilerOutputSchema = z.discriminatedUnion("ok", [
  z.object({ ok: z.literal(true), profile: compiledProfileSchema }),
  compileFailureSchema,
]);

export type CompileResult = { ok: true; profile: CompiledProfile; compiledBy: string } | CompileFailure;

/** A compiler: its name as recorded in ValueProfile.compiledBy, and the function that does the work. */
export interface ProfileCompiler {
  /** "offline@lexicon-1", or "<provider>:<model>@<prompt version>". */
  id: string;
  /** Returns `{ok: true, profile}` or a failure; the result is treated as untrusted and validated by the caller. */
  compile(statement: string, taxonomy: Taxonomy, signal?: AbortSignal): Promise<unknown>;
}

/** Compiles a statement with `compiler`, validating whatever it returns. Never returns unchecked weights. */
export async function compileStatement(
  statement: string,
  taxonomy: Taxonomy,
  compiler: ProfileCompiler,
  signal?: AbortSignal,
): Promise<CompileResult> {
  if (statement.trim().length === 0) {
    return compileFailure(
      "empty",
      "The statement is empty. Say in your own words what you care about in this DAO's votes.",
    );
  }
  if (statement.length > STATEMENT_MAX_CHARS) {
    return compileFailure(
      "too_long",
      `The statement has ${statement.length} characters; keep it to ${STATEMENT_MAX_CHARS} and say what matters most.`,
    );
  }
  const parsed = compilerOutputSchema.safeParse(await compiler.compile(statement, taxonomy, signal));
  if (!parsed.success) {
    return unusableOutputFailure([parsed.error.message.slice(0, 500)]);
  }
  if (!parsed.data.ok) return parsed.data;
  const profile = parsed.data.profile;
  const known = new Set(taxonomy.map((d) => d.id));
  const unknown = Object.keys(profile.weights).filter((id) => !known.has(id));
  if (unknown.length > 0) {
    return compileFailure("invalid_output", "The profile compiler used values this space does not have.", unknown);
  }
  // Every dimension gets an explicit weight, so what is shown back is exactly what the engine will use.
  const weights = Object.fromEntries(taxonomy.map((d) => [d.id, profile.weights[d.id] ?? 0]));
  if (Object.values(weights).every((w) => w === 0) && profile.rules.rules.length === 0) {
    return compileFailure(
      "no_values",
      "I found no values or rules in this statement. Name what you care about (for example security, " +
        'decentralization, careful spending) or a rule (for example "ask me about grants over $100k").',
      profile.notes,
    );
  }
  return { ok: true, profile: { ...profile, weights }, compiledBy: compiler.id };
}

/** A failure for the member: what is wrong and what to write instead, with the phrases at fault. */
export function compileFailure(problem: CompileProblem, message: string, details: string[] = []): CompileFailure {
  return { ok: false, problem, message, details };
}

/** The answer for a compiler's output that did not pass validation: never a default profile in its place. */
export function unusableOutputFailure(details: string[]): CompileFailure {
  return compileFailure(
    "invalid_output",
    "The profile compiler returned something Tribune cannot use; try again.",
    details,
  );
}

/** The answer for parts of a statement that contradict each other, whichever compiler found them: both quoted. */
export function contradictionFailure(contradictions: string[]): CompileFailure {
  return compileFailure(
    "contradictory",
    "Parts of this statement contradict each other. Say which one you mean and compile it again.",
    contradictions,
  );
}

/** A rule as a compiler read it, before it is numbered, with the member's words it was read from. */
export interface ReadRule {
  rule: Omit<HardRule, "id">;
  source: string;
}

/** How many rules a profile keeps (profileRulesSchema's bound). */
export const MAX_RULES = 20;

/**
 * The rules a compiler read, settled the same way whoever read them: numbered r1, r2, … in the member's order; a
 * repeat (same conditions, same action) kept once; the same conditions with another action a contradiction, both
 * phrases quoted; a vote rule with no condition dropped, since it would vote one way on every proposal whatever it
 * said; at most MAX_RULES kept, the rest reported.
 */
export function settleRules(read: readonly ReadRule[]): {
  rules: HardRule[];
  ruleSources: Record<string, string>;
  contradictions: string[];
  notes: string[];
} {
  const byCondition = new Map<string, ReadRule>();
  const kept: ReadRule[] = [];
  const contradictions: string[] = [];
  const notes: string[] = [];
  for (const entry of read) {
    if (entry.rule.action.kind === "vote" && entry.rule.when.length === 0) {
      notes.push(`A vote on every proposal is not a rule, so it was left out: "${entry.source}".`);
      continue;
    }
    const key = JSON.stringify(entry.rule.when);
    const earlier = byCondition.get(key);
    if (!earlier) {
      byCondition.set(key, entry);
      kept.push(entry);
    } else if (JSON.stringify(earlier.rule.action) !== JSON.stringify(entry.rule.action)) {
      contradictions.push(`"${earlier.source}" but also "${entry.source}"`);
    }
  }
  const numbered = kept.slice(0, MAX_RULES);
  if (kept.length > MAX_RULES) {
    notes.push(`Only the first ${MAX_RULES} rules are kept; ${kept.length - MAX_RULES} more were dropped.`);
  }
  return {
    rules: numbered.map((entry, i) => ({ id: `r${i + 1}`, ...entry.rule })),
    ruleSources: Object.fromEntries(numbered.map((entry, i) => [`r${i + 1}`, entry.source])),
    contradictions,
    notes,
  };
}
