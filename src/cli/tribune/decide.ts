// `tribune decide <proposal.json> <digest.json> <profile.json> [--taxonomy <file.json>]`: runs the decision engine on
// files and prints the decision as JSON. The engine is the one the workers run; nothing is stored.
import { readFile } from "node:fs/promises";
import { z } from "zod";
import { digestAssessmentSchema, digestSchema } from "../../digest/digestSchema.js";
import { TribuneError } from "../../errors/tribuneError.js";
import { decideVote } from "../../values/decideVote.js";
import { DEFAULT_TAXONOMY, taxonomySchema } from "../../values/taxonomy.js";
import { profileDocumentSchema } from "../../values/valueProfile.js";
import { votingTypeSchema } from "../../values/votingTypes.js";

export const summary = "decide a vote from files: decide <proposal.json> <digest.json> <profile.json>";

const USAGE = "Usage: npx tribune decide <proposal.json> <digest.json> <profile.json> [--taxonomy <taxonomy.json>]";

/** A proposal as the Snapshot hub returns it (bare, or inside the GraphQL answer `{data: {proposal}}`). */
const proposalFileSchema = z.preprocess(
  (raw) => (raw as { data?: { proposal?: unknown } })?.data?.proposal ?? raw,
  z.object({
    id: z.string().optional(),
    choices: z.array(z.string()).min(1),
    type: votingTypeSchema,
    author: z.string().nullish(),
  }),
);

/**
 * A digest: what `tribune digest` prints (`{digest, assessment, producer}`), `{content, flagged, unreliable,
 * confidence}` as stored, `{content, assessment}`, or the bare document.
 */
const digestFileSchema = z.union([
  z
    .object({
      digest: digestSchema,
      assessment: digestAssessmentSchema,
      producer: z.object({ taxonomyVersion: z.number().int().min(1) }),
    })
    .transform(({ digest, assessment, producer }) => ({
      content: digest,
      assessment,
      taxonomyVersion: producer.taxonomyVersion,
      id: undefined,
    })),
  z.object({
    content: digestSchema,
    assessment: digestAssessmentSchema,
    taxonomyVersion: z.number().int().min(1).optional(),
    id: z.string().optional(),
  }),
  z
    .object({
      content: digestSchema,
      confidence: z.number().min(0).max(1),
      flagged: z.boolean(),
      unreliable: z.boolean(),
      taxonomyVersion: z.number().int().min(1).optional(),
      id: z.string().optional(),
    })
    .transform(({ confidence, flagged, unreliable, ...rest }) => ({
      ...rest,
      assessment: { confidence, flagged, unreliable },
    })),
  digestSchema.transform((content) => ({ content, assessment: null, taxonomyVersion: undefined, id: undefined })),
]);

/** The profile document, bare or as `tribune profile compile` prints it (`{profile: …}`). */
const profileFileSchema = z.preprocess((raw) => (raw as { profile?: unknown })?.profile ?? raw, profileDocumentSchema);

export async function run(args: string[]): Promise<number> {
  const taxonomyAt = args.indexOf("--taxonomy");
  const files = args.filter((_, i) => taxonomyAt < 0 || (i !== taxonomyAt && i !== taxonomyAt + 1));
  if (files.length !== 3 || (taxonomyAt >= 0 && !args[taxonomyAt + 1])) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const [proposalFile, digestFile, profileFile] = files as [string, string, string];
  const proposal = await readJson(proposalFile, proposalFileSchema, "a proposal");
  const digest = await readJson(digestFile, digestFileSchema, "a digest");
  const profile = await readJson(profileFile, profileFileSchema, "a profile");
  const taxonomyFile = taxonomyAt >= 0 ? (args[taxonomyAt + 1] as string) : null;
  const taxonomy = taxonomyFile ? await readJson(taxonomyFile, taxonomySchema, "a taxonomy") : DEFAULT_TAXONOMY;

  let assessment = digest.assessment;
  if (!assessment) {
    // A bare digest document carries no verdict from the evidence check or the injection screen; say so loudly.
    process.stderr.write(
      "tribune decide: the digest file has no assessment (flagged, unreliable, confidence after checks); " +
        "deciding as if it passed them, with the digest's own confidence.\n",
    );
    assessment = { confidence: digest.content.confidence, flagged: false, unreliable: false };
  }
  const decision = decideVote(
    { id: proposal.id ?? null, choices: proposal.choices, votingType: proposal.type, author: proposal.author ?? null },
    { id: digest.id ?? null, content: digest.content, assessment, taxonomyVersion: digest.taxonomyVersion ?? 1 },
    profile,
    { taxonomy, taxonomyVersion: 1 },
  );
  process.stdout.write(`${JSON.stringify(decision, null, 2)}\n`);
  return 0;
}

async function readJson<T>(file: string, schema: z.ZodType<T>, what: string): Promise<T> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, "utf8"));
  } catch (error) {
    throw new TribuneError("cli.bad_file", `Cannot read ${file} as JSON: ${(error as Error).message}`, USAGE);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? ` at ${issue.path.join(".")}` : "";
    throw new TribuneError("cli.bad_input", `${file} is not ${what}${where}: ${issue?.message}`, USAGE);
  }
  return parsed.data;
}
