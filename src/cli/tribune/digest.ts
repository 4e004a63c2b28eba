// `tribune digest <proposal.json> [--forum <posts.json>]`: digests one proposal file with the configured provider
// (offline by default) and prints the digest as JSON on stdout. No database: nothing is stored or voted.
import { readFile } from "node:fs/promises";
import { z } from "zod";
import { loadEnvFile } from "../../config/loadEnvFile.js";
import { loadLlmConfig } from "../../config/loadLlmConfig.js";
import { createDigester } from "../../digest/createDigester.js";
import { type DigestInput, forumPostSchema } from "../../digest/digestInput.js";
import { produceDigest } from "../../digest/produceDigest.js";
import { proposalFileSchema, snapshotLink } from "../../digest/proposalFile.js";
import { TribuneError } from "../../errors/tribuneError.js";
import { DEFAULT_TAXONOMY } from "../../values/taxonomy.js";

export const summary = "digest a proposal file (Snapshot hub JSON) and print the digest as JSON";

const USAGE = "Usage: npx tribune digest <proposal.json> [--forum <posts.json>]";
/** Exit code when the producer gave no digest (refusal, truncated or malformed answer): the JSON says why. */
export const NO_DIGEST_EXIT = 3;

export async function run(args: string[]): Promise<number> {
  const parsed = parseArgs(args);
  if ("error" in parsed) {
    process.stderr.write(`tribune digest: ${parsed.error}\n${USAGE}\n`);
    return 2;
  }
  loadEnvFile();
  const digester = await createDigester(loadLlmConfig());
  const input: DigestInput = {
    proposal: await readJson(parsed.proposal, proposalFileSchema, "proposal"),
    forum: parsed.forum ? await readJson(parsed.forum, z.array(forumPostSchema), "forum posts") : [],
    taxonomy: DEFAULT_TAXONOMY,
    taxonomyVersion: 1,
  };
  const outcome = await produceDigest(digester, input);
  const { proposal } = input;
  const output = {
    proposal: {
      id: proposal.id,
      space: proposal.space,
      title: proposal.title,
      choices: proposal.choices,
      votingType: proposal.votingType,
      start: proposal.startAt.toISOString(),
      end: proposal.endAt.toISOString(),
      link: snapshotLink(proposal),
      discussion: proposal.discussionUrl,
    },
    producer: { ...outcome.producer, taxonomyVersion: input.taxonomyVersion },
    digest: outcome.ok ? outcome.content : null,
    assessment: outcome.ok ? outcome.assessment : null,
    noDigest: outcome.ok ? null : { reason: outcome.reason, detail: outcome.detail },
    findings: outcome.findings,
    usage: { ...outcome.usage, costUsd: outcome.costUsd },
  };
  process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
  return outcome.ok ? 0 : NO_DIGEST_EXIT;
}

function parseArgs(args: string[]): { proposal: string; forum: string | null } | { error: string } {
  let proposal: string | null = null;
  let forum: string | null = null;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? "";
    if (arg === "--forum") {
      forum = args[++i] ?? null;
      if (!forum) return { error: "--forum needs a file" };
    } else if (arg.startsWith("--")) {
      return { error: `unknown option ${arg}` };
    } else if (proposal) {
      return { error: `one proposal file at a time (got ${proposal} and ${arg})` };
    } else {
      proposal = arg;
    }
  }
  return proposal ? { proposal, forum } : { error: "no proposal file given" };
}

async function readJson<T>(path: string, schema: z.ZodType<T>, what: string): Promise<T> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new TribuneError("digest.file_unreadable", `Cannot read the ${what} file ${path}`, "Check the path", {
      cause: error,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new TribuneError("digest.file_invalid", `The ${what} file ${path} is not JSON`, "Give a JSON file", {
      cause: error,
    });
  }
  const result = schema.safeParse(json);
  if (!result.success) {
    throw new TribuneError(
      "digest.file_invalid",
      `The ${what} file ${path} does not have the expected shape: ${z.prettifyError(result.error).replace(/\n/g, "; ")}`,
      "See `npx tribune digest --help` and the README's digest section",
    );
  }
  return result.data;
}
