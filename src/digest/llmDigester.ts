import { z } from "zod";
import type { LlmProvider } from "../llm/llmProvider.js";
import { fillTemplate, type PromptSet, template } from "../llm/promptFiles.js";
import { attributeValue, datamark, delimiterNonce } from "../llm/spotlight.js";
import type { Digester, DigestRequest } from "./digester.js";
import { type DigestInput, proposalMetadata } from "./digestInput.js";
import { type DigestContent, digestSchema, impactSchema } from "./digestSchema.js";

export interface LlmDigesterOptions {
  llm: LlmProvider;
  /** The digest prompt set (prompts/digest/<version>). */
  prompt: PromptSet;
  /** A full digest of a 3-choice proposal over 8 dimensions is ~3,000 tokens; the cap bounds a runaway answer's cost. */
  maxOutputTokens?: number;
  /** Bounds on what the model reads, so one very long proposal cannot cost more than a few ordinary ones. */
  maxBodyChars?: number;
  maxPosts?: number;
  maxPostChars?: number;
}

// Reading a truncated text, the model may miss what the rest says: its confidence is scaled down, and it is noted.
const TRUNCATED_CONFIDENCE = 0.8;

/** The digester over a language model (the Anthropic API or a local Anthropic-compatible server). */
export function createLlmDigester(options: LlmDigesterOptions): Digester {
  const { llm, prompt } = options;
  const maxBodyChars = options.maxBodyChars ?? 30_000;
  const maxPosts = options.maxPosts ?? 12;
  const maxPostChars = options.maxPostChars ?? 3_000;

  return {
    producer: { provider: llm.kind, model: llm.model, promptVersion: prompt.id },

    async digest({ input, signal }: DigestRequest) {
      const schema = answerSchema(input);
      const { user, notes } = userTurn(input, { maxBodyChars, maxPosts, maxPostChars });
      const formatNote = llm.needsSchemaInPrompt
        ? `\n\n${fillTemplate(template(prompt, "answer-format"), { schema: JSON.stringify(z.toJSONSchema(schema)) })}`
        : "";
      const outcome = await llm.structured({
        purpose: "digest",
        promptVersion: prompt.id,
        system: [
          { text: template(prompt, "system"), cache: true },
          { text: taxonomyBlock(input), cache: true },
        ],
        user: user + formatNote,
        schema,
        maxOutputTokens: options.maxOutputTokens ?? 6_000,
        ...(signal ? { signal } : {}),
      });
      const base = { usage: outcome.usage, costUsd: outcome.costUsd, notes };
      if (!outcome.ok) return { ...base, ok: false, reason: outcome.reason, detail: outcome.detail };
      // The document contract is validated once more as a whole; `extractive` is ours to say, never the model's.
      const content = digestSchema.safeParse({ ...outcome.value, extractive: false });
      if (!content.success)
        return { ...base, ok: false, reason: "schema_miss", detail: z.prettifyError(content.error) };
      const truncated = notes.length > 0;
      const document: DigestContent = truncated
        ? { ...content.data, confidence: content.data.confidence * TRUNCATED_CONFIDENCE }
        : content.data;
      return { ...base, ok: true, content: document };
    },
  };

  function taxonomyBlock(input: DigestInput): string {
    const dimension = template(prompt, "dimension").trimEnd();
    return fillTemplate(template(prompt, "taxonomy"), {
      taxonomyVersion: input.taxonomyVersion,
      dimensions: input.taxonomy.map((d) => fillTemplate(dimension, d)).join("\n"),
    });
  }

  function userTurn(
    input: DigestInput,
    limits: { maxBodyChars: number; maxPosts: number; maxPostChars: number },
  ): { user: string; notes: string[] } {
    const { proposal } = input;
    const notes: string[] = [];
    const body = proposal.body.slice(0, limits.maxBodyChars);
    if (body.length < proposal.body.length) {
      notes.push(`body_truncated: the model read ${body.length} of ${proposal.body.length} characters`);
    }
    const posts = input.forum.slice(0, limits.maxPosts);
    if (posts.length < input.forum.length)
      notes.push(`forum_truncated: ${posts.length} of ${input.forum.length} posts`);
    if (posts.some((p) => p.text.length > limits.maxPostChars)) {
      notes.push(`forum_truncated: posts cut to ${limits.maxPostChars} characters`);
    }
    const nonce = delimiterNonce(proposal.title, proposal.body, ...proposal.choices, ...posts.map((p) => p.text));
    const choice = template(prompt, "choice").trimEnd();
    const post = template(prompt, "post").trimEnd();
    const user = fillTemplate(template(prompt, "user"), {
      proposalId: attributeValue(proposal.id),
      space: attributeValue(proposal.space),
      votingType: attributeValue(proposal.votingType),
      window: proposalMetadata(proposal),
      choices: proposal.choices
        .map((label, i) => fillTemplate(choice, { index: i + 1, label: datamark(label) }))
        .join("\n"),
      nonce,
      title: datamark(proposal.title),
      body: datamark(body),
      postCount: posts.length,
      posts: posts
        .map((p) =>
          fillTemplate(post, {
            nonce,
            url: attributeValue(p.url),
            author: attributeValue(p.author ?? ""),
            text: datamark(p.text.slice(0, limits.maxPostChars)),
          }),
        )
        .join("\n"),
    });
    return { user, notes };
  }
}

/**
 * What the model is asked for: the digest contract without `extractive`, with dimension ids fixed to the space's
 * taxonomy (an enum the API enforces). Choice numbers are checked by the evidence check, which drops one bad impact
 * rather than losing the whole answer.
 */
export function answerSchema(input: DigestInput) {
  const ids = input.taxonomy.map((d) => d.id) as [string, ...string[]];
  return digestSchema.omit({ extractive: true }).extend({
    impacts: z.array(impactSchema.extend({ dimension: z.enum(ids) })).max(400),
  });
}
