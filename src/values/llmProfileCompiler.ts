import { z } from "zod";
import { screenText } from "../digest/injectionScreen.js";
import { normaliseForMatch } from "../digest/textNormalise.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { recordLlmCall } from "../llm/llmCallLog.js";
import { LlmError } from "../llm/llmError.js";
import { type LlmProvider, NO_USAGE, type NoAnswerReason, type StructuredOutcome } from "../llm/llmProvider.js";
import { fillTemplate, type PromptSet, template } from "../llm/promptFiles.js";
import { datamark, delimiterNonce } from "../llm/spotlight.js";
import { conditionSchema, ruleActionSchema, whenUnsureSchema } from "./hardRules.js";
import {
  type CompiledProfile,
  type CompileFailure,
  compiledProfileSchema,
  compileFailure,
  contradictionFailure,
  MAX_RULES,
  type ProfileCompiler,
  settleRules,
  unusableOutputFailure,
} from "./profileCompiler.js";
import type { Taxonomy } from "./taxonomy.js";

// The profile compiler over a language model. The model reads the member's statement as delimited, datamarked data
// and answers with typed values only (weights, rules in the hard-rule language, the member's words behind them); the
// answer is validated here against the space's taxonomy, and plain code settles the rules, checks every quoted word
// against the statement and turns each way of giving no answer into a failure the member can read.

export interface LlmProfileCompilerOptions {
  llm: LlmProvider;
  /** The profile prompt set (prompts/profile/<version>). */
  prompt: PromptSet;
  /** Where each call is accounted (an LlmCall row, purpose "profile"); null where there is no database (the CLI). */
  prisma: PrismaClient | null;
  /** A profile of 16 dimensions and 20 rules is well under 3,000 tokens; the cap bounds a runaway answer's cost. */
  maxOutputTokens?: number;
}

/**
 * What the model is asked for. Weights are an object with exactly the space's dimension ids (strict: an id the space
 * does not have is a schema miss, not silently dropped); rule ids are ours to give, so the model gives none.
 */
export function profileAnswerSchema(taxonomy: Taxonomy) {
  const ids = taxonomy.map((d) => d.id) as [string, ...string[]];
  const weight = z.number().int().min(0).max(5);
  return z.strictObject({
    weights: z.strictObject(Object.fromEntries(ids.map((id) => [id, weight]))),
    because: z.array(z.strictObject({ dimension: z.enum(ids), words: z.string().min(1).max(300) })).max(48),
    rules: z
      .array(
        z.strictObject({
          when: z.array(conditionSchema).max(5),
          action: ruleActionSchema,
          words: z.string().min(1).max(2_000),
        }),
      )
      .max(MAX_RULES),
    whenUnsure: whenUnsureSchema,
    contradictions: z.array(z.string().min(1).max(500)).max(20),
    notes: z.array(z.string().max(500)).max(30),
  });
}
type ProfileAnswer = z.infer<ReturnType<typeof profileAnswerSchema>>;

/** What the member reads when the model gave no answer it could stand behind; a malformed one is any compiler's. */
const NO_ANSWER: Partial<Record<NoAnswerReason, string>> = {
  refusal:
    "The language model declined to read this statement, so no profile was made. Rephrase what you care about and compile it again.",
  max_tokens:
    "The language model's answer was cut off before it was complete, so no profile was made. Try again, or shorten the statement.",
  context_window:
    "The statement left the language model no room to answer, so no profile was made. Shorten the statement and compile it again.",
};

/** "<name>/<version>" of a prompt set id "<name>.<version>@<hash>": the part of compiledBy a reader can look up. */
function promptName(id: string): string {
  const match = /^([^.@]+)\.([^@]+)@/.exec(id);
  return match ? `${match[1]}/${match[2]}` : id;
}

/** The profile compiler over a language model; its id is "<provider>:<model>@profile/<version>". */
export function createLlmProfileCompiler(options: LlmProfileCompilerOptions): ProfileCompiler {
  const { llm, prompt, prisma } = options;
  const maxOutputTokens = options.maxOutputTokens ?? 4_000;

  return {
    id: `${llm.kind}:${llm.model}@${promptName(prompt.id)}`,

    async compile(statement, taxonomy, signal) {
      const schema = profileAnswerSchema(taxonomy);
      const formatNote = llm.needsSchemaInPrompt
        ? `\n\n${fillTemplate(template(prompt, "answer-format"), { schema: JSON.stringify(z.toJSONSchema(schema)) })}`
        : "";
      const call = {
        purpose: "profile",
        provider: llm.kind,
        model: llm.model,
        promptVersion: prompt.id,
        // The compiler is not told whose profile it compiles; the call is accounted, not attributed to a space.
        spaceId: null,
        proposalId: null,
      };
      let outcome: StructuredOutcome<ProfileAnswer>;
      try {
        outcome = await llm.structured({
          purpose: "profile",
          promptVersion: prompt.id,
          system: [
            { text: template(prompt, "system"), cache: true },
            { text: taxonomyBlock(taxonomy), cache: true },
          ],
          user: userTurn(statement) + formatNote,
          schema,
          maxOutputTokens,
          ...(signal ? { signal } : {}),
        });
      } catch (error) {
        // A call that failed in transport was still made: it is accounted, and the caller sees the typed error.
        if (error instanceof LlmError && prisma) {
          await recordLlmCall(prisma, { ...call, usage: NO_USAGE, costUsd: 0, failure: error.kind });
        }
        throw error;
      }
      if (prisma) {
        await recordLlmCall(prisma, {
          ...call,
          usage: outcome.usage,
          costUsd: outcome.costUsd,
          failure: outcome.ok ? null : outcome.reason,
        });
      }
      if (!outcome.ok) {
        const message = NO_ANSWER[outcome.reason];
        const details = [outcome.detail.slice(0, 500)];
        return message ? compileFailure("invalid_output", message, details) : unusableOutputFailure(details);
      }
      return toProfile(outcome.value, statement);
    },
  };

  function taxonomyBlock(taxonomy: Taxonomy): string {
    const dimension = template(prompt, "dimension").trimEnd();
    return fillTemplate(template(prompt, "taxonomy"), {
      dimensions: taxonomy.map((d) => fillTemplate(dimension, d)).join("\n"),
    });
  }

  function userTurn(statement: string): string {
    return fillTemplate(template(prompt, "user"), {
      length: statement.length,
      nonce: delimiterNonce(statement),
      statement: datamark(statement),
    });
  }
}

/**
 * The model's answer as a compiled profile. The member is shown "because you wrote …": a passage the statement does
 * not contain is dropped rather than put in the member's mouth. Instruction-like text in the statement is found by
 * the injection screen, not by the model that read it, and the member is told before confirming.
 */
function toProfile(answer: ProfileAnswer, statement: string): { ok: true; profile: CompiledProfile } | CompileFailure {
  const settled = settleRules(answer.rules.map((r) => ({ rule: { when: r.when, action: r.action }, source: r.words })));
  const contradictions = [...answer.contradictions, ...settled.contradictions];
  if (contradictions.length > 0) return contradictionFailure(contradictions.slice(0, 20));

  const notes = [...screenNotes(statement), ...answer.notes, ...settled.notes];
  const wrote = inStatement(statement);
  const because: Record<string, string[]> = {};
  const invented: string[] = [];
  for (const { dimension, words } of answer.because) {
    if (!wrote(words)) invented.push(words);
    else if ((answer.weights[dimension] ?? 0) > 0) because[dimension] = [...(because[dimension] ?? []), words];
  }
  if (invented.length > 0) {
    notes.push(`Not in your statement, so not shown as your words: ${invented.map((w) => `"${w}"`).join(", ")}.`);
  }
  const ruleSources: Record<string, string> = {};
  for (const [id, words] of Object.entries(settled.ruleSources)) {
    if (wrote(words)) ruleSources[id] = words;
    else
      notes.push(
        `Rule ${id.slice(1)} was read from words that are not in your statement: check that it says what you mean.`,
      );
  }
  const profile = compiledProfileSchema.safeParse({
    weights: answer.weights,
    rules: { rules: settled.rules, whenUnsure: answer.whenUnsure },
    because: Object.fromEntries(Object.entries(because).map(([id, list]) => [id, list.slice(0, 8)])),
    notes: notes.map((n) => n.slice(0, 500)).slice(0, 30),
    ruleSources,
  });
  if (!profile.success) return unusableOutputFailure([z.prettifyError(profile.error).slice(0, 500)]);
  return { ok: true, profile: profile.data };
}

/** Whether a passage is the member's own words: found in the statement, case, spacing and quote marks aside. */
function inStatement(statement: string): (words: string) => boolean {
  const source = normaliseForMatch(statement).toLowerCase();
  return (words) => {
    const quote = normaliseForMatch(words)
      .replace(/^["']+|["'.]+$/g, "")
      .trim()
      .toLowerCase();
    return quote.length > 0 && source.includes(quote);
  };
}

function screenNotes(statement: string): string[] {
  // The screen names where it found something; here there is one place, so the label is only a formality.
  const findings = screenText({ source: { kind: "proposal", field: "body" }, text: statement });
  if (findings.length === 0) return [];
  const excerpts = findings.slice(0, 3).map((f) => `"${f.excerpt.slice(0, 120)}"`);
  return [
    `Part of your statement reads like instructions to an AI (${excerpts.join(", ")}). It was read as data and not ` +
      "followed; check that the weights and rules below are what you mean.",
  ];
}
