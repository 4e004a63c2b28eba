import { z } from "zod";
import { profileRulesSchema } from "./hardRules.js";
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
    return failure("empty", "The statement is empty. Say in your own words what you care about in this DAO's votes.");
  }
  if (statement.length > STATEMENT_MAX_CHARS) {
    return failure(
      "too_long",
      `The statement has ${statement.length} characters; keep it to ${STATEMENT_MAX_CHARS} and say what matters most.`,
    );
  }
  const parsed = compilerOutputSchema.safeParse(await compiler.compile(statement, taxonomy, signal));
  if (!parsed.success) {
    return failure("invalid_output", "The profile compiler returned something Tribune cannot use; try again.", [
      parsed.error.message.slice(0, 500),
    ]);
  }
  if (!parsed.data.ok) return parsed.data;
  const profile = parsed.data.profile;
  const known = new Set(taxonomy.map((d) => d.id));
  const unknown = Object.keys(profile.weights).filter((id) => !known.has(id));
  if (unknown.length > 0) {
    return failure("invalid_output", "The profile compiler used values this space does not have.", unknown);
  }
  // Every dimension gets an explicit weight, so what is shown back is exactly what the engine will use.
  const weights = Object.fromEntries(taxonomy.map((d) => [d.id, profile.weights[d.id] ?? 0]));
  if (Object.values(weights).every((w) => w === 0) && profile.rules.rules.length === 0) {
    return failure(
      "no_values",
      "I found no values or rules in this statement. Name what you care about (for example security, " +
        'decentralization, careful spending) or a rule (for example "ask me about grants over $100k").',
      profile.notes,
    );
  }
  return { ok: true, profile: { ...profile, weights }, compiledBy: compiler.id };
}

function failure(problem: CompileProblem, message: string, details: string[] = []): CompileFailure {
  return { ok: false, problem, message, details };
}
