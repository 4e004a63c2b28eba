// `tribune profile compile "<statement>" [--taxonomy <file.json>]`: compiles a value statement with the configured
// compiler (the model when one is configured, the offline lexicon otherwise) and prints the profile as JSON (the same
// document `tribune decide` reads), with the plain-words summary. No database: nothing is stored, no call is logged.
import { readFile } from "node:fs/promises";
import { loadEnvFile } from "../../config/loadEnvFile.js";
import { loadLlmConfig } from "../../config/loadLlmConfig.js";
import { TribuneError } from "../../errors/tribuneError.js";
import { createProfileCompiler } from "../../values/createProfileCompiler.js";
import { describeProfile } from "../../values/describeProfile.js";
import { compileStatement } from "../../values/profileCompiler.js";
import { DEFAULT_TAXONOMY, type Taxonomy, taxonomySchema } from "../../values/taxonomy.js";

export const summary = 'compile a value statement into weights and rules: profile compile "<statement>"';

const USAGE = 'Usage: npx tribune profile compile "<statement>" [--taxonomy <taxonomy.json>]';

export async function run(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  const taxonomyAt = rest.indexOf("--taxonomy");
  const taxonomyFile = taxonomyAt >= 0 ? rest[taxonomyAt + 1] : undefined;
  const positional = rest.filter((_, i) => taxonomyAt < 0 || (i !== taxonomyAt && i !== taxonomyAt + 1));
  if (sub !== "compile" || positional.length !== 1 || (taxonomyAt >= 0 && !taxonomyFile)) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const taxonomy = taxonomyFile ? await readTaxonomy(taxonomyFile) : DEFAULT_TAXONOMY;
  loadEnvFile();
  const compiler = await createProfileCompiler(loadLlmConfig(), { prisma: null });
  const result = await compileStatement(positional[0] as string, taxonomy, compiler);
  if (!result.ok) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    process.stderr.write(`tribune profile: ${result.message}\n`);
    return 1;
  }
  const profile = { version: 1, weights: result.profile.weights, rules: result.profile.rules, privacy: "private" };
  const shownBack = describeProfile({ ...result.profile, privacy: "private" }, taxonomy);
  const out = {
    ok: true,
    compiledBy: result.compiledBy,
    profile,
    because: result.profile.because,
    ruleSources: result.profile.ruleSources,
    notes: result.profile.notes,
    shownBack,
  };
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  return 0;
}

async function readTaxonomy(file: string): Promise<Taxonomy> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, "utf8"));
  } catch (error) {
    throw new TribuneError("cli.bad_file", `Cannot read ${file} as JSON: ${(error as Error).message}`, USAGE);
  }
  const parsed = taxonomySchema.safeParse(raw);
  if (!parsed.success) {
    throw new TribuneError("cli.bad_taxonomy", `${file} is not a taxonomy: ${parsed.error.issues[0]?.message}`, USAGE);
  }
  return parsed.data;
}
