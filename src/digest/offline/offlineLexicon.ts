import { z } from "zod";
import { loadPromptSet, PromptError, type PromptSet, template } from "../../llm/promptFiles.js";
import { digestCategories } from "../digestSchema.js";

// The offline summariser's cues and phrases live in prompts/digest-offline/<version>/ (documented in its README), so a
// change to them is a new version with its own id, like a prompt.

const cues = z.array(z.string().min(1)).min(1);

const lexiconSchema = z.object({
  confidence: z.number().min(0).max(1),
  choices: z.object({ approve: cues, reject: cues, abstain: cues }),
  categories: z.partialRecord(z.enum(digestCategories), cues),
  stance: z.object({ for: cues, against: cues }),
  risk: cues,
  change: cues,
  outflow: cues,
  inflow: cues,
  dimensions: z.record(z.string(), z.object({ positive: cues, negative: cues })),
});

const phrasesSchema = z.object({
  tldrPrefix: z.string().min(1),
  impactReasonApprove: z.string().min(1),
  impactReasonReject: z.string().min(1),
  forArgument: z.string().min(1),
  againstArgument: z.string().min(1),
  anonymous: z.string().min(1),
  favouring: z.string().min(1),
  opposing: z.string().min(1),
  whatWouldChange: z.string().max(400),
});

export type OfflineLexiconData = z.infer<typeof lexiconSchema>;
export type OfflinePhrases = z.infer<typeof phrasesSchema>;

/** One version of the offline summariser's cues and phrases, with its id. */
export interface OfflineLexicon {
  id: string;
  lexicon: OfflineLexiconData;
  phrases: OfflinePhrases;
}

export const OFFLINE_LEXICON_VERSION = "v1";

/** Reads and validates prompts/digest-offline/<version>/. */
export async function loadOfflineLexicon(
  version: string = OFFLINE_LEXICON_VERSION,
  root?: string,
): Promise<OfflineLexicon> {
  const set = await loadPromptSet("digest-offline", version, root);
  return parseOfflineLexicon(set);
}

/** Validates a loaded set; a malformed file is a packaging error, reported with its path. */
export function parseOfflineLexicon(set: PromptSet): OfflineLexicon {
  const parse = <T>(name: string, schema: z.ZodType<T>): T => {
    const result = schema.safeParse(JSON.parse(template(set, name)));
    if (!result.success) throw new PromptError(`${set.id} ${name}.json: ${z.prettifyError(result.error)}`);
    return result.data;
  };
  return { id: set.id, lexicon: parse("lexicon", lexiconSchema), phrases: parse("phrases", phrasesSchema) };
}

/** A cue matcher: case-insensitive, at a word start; `whole` also requires a word end. */
export function cueMatcher(list: readonly string[], whole = false): (text: string) => string[] {
  const patterns = list.map((cue) => ({
    cue,
    pattern: new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(cue)}${whole ? "(?![\\p{L}\\p{N}])" : ""}`, "iu"),
  }));
  return (text) => patterns.filter(({ pattern }) => pattern.test(text)).map(({ cue }) => cue);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
