import { readdir, readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { z } from "zod";
import { TribuneError } from "../../errors/tribuneError.js";

// The replay source's client: it reads a folder of bundled proposals (demo/proposals/*.json) instead of a hub. Each
// file is checked like anything from outside, since a newcomer may well edit one to see what happens.

/** Where the bundled demo lives, from the repository's root. */
export const DEMO_BUNDLE_DIR = resolve(import.meta.dirname, "../../../demo/proposals");

const votingTypes = [
  "single-choice",
  "approval",
  "quadratic",
  "ranked-choice",
  "weighted",
  "basic",
  "copeland",
] as const;

/** One forum post of a bundled debate; its URL is the topic's URL and its post number. */
const bundledPostSchema = z.object({
  author: z.string().min(1).max(100),
  text: z.string().min(1).max(6_000),
  likes: z.number().int().nonnegative().default(0),
});

/** One bundled proposal: a hub proposal's content, when it runs relative to the replay's start, and its debate. */
export const bundledProposalSchema = z.object({
  id: z.string().regex(/^0x[0-9a-f]{64}$/, "must be 0x and 64 lower-case hex digits, like a Snapshot proposal id"),
  title: z.string().min(1).max(256),
  body: z.string().max(20_000),
  choices: z.array(z.string().min(1).max(256)).min(2).max(50),
  type: z.enum(votingTypes),
  author: z.string().regex(/^0x[0-9a-fA-F]{40}$/),
  /** Where the text comes from (a real proposal, or written for the demo): shown nowhere, kept for honesty. */
  origin: z.string().min(1),
  timing: z.object({
    /** Minutes after the replay's start that voting opens (negative: it was already open); it appears then. */
    startMinutes: z
      .number()
      .min(-7 * 24 * 60)
      .max(7 * 24 * 60),
    /** How long voting stays open. */
    durationHours: z
      .number()
      .positive()
      .max(60 * 24),
  }),
  forum: z.object({
    url: z.url({ protocol: /^https$/ }),
    posts: z.array(bundledPostSchema).min(1).max(50),
  }),
});
export type BundledProposal = z.infer<typeof bundledProposalSchema>;

/** The bundle as read: proposals in file-name order, each with the file it came from. */
export interface ReplayBundle {
  dir: string;
  proposals: (BundledProposal & { file: string })[];
}

/** A bundled file is missing, unreadable or not a proposal; the message names the file and the first problem. */
export class ReplayBundleError extends TribuneError {}

/** Reads and checks every `*.json` of the folder; ids must be unique, since they key the stored proposals. */
export async function readReplayBundle(dir: string = DEMO_BUNDLE_DIR): Promise<ReplayBundle> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => name.endsWith(".json")).sort();
  } catch (error) {
    throw new ReplayBundleError(
      "replay.bundle_missing",
      `The replay folder ${dir} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
      "Restore the demo/ folder from the repository (git checkout demo/) or set DEMO=false",
      { cause: error },
    );
  }
  const proposals: ReplayBundle["proposals"] = [];
  const seen = new Map<string, string>();
  for (const file of names) {
    const problem = (what: string) =>
      new ReplayBundleError(
        "replay.bundle_invalid",
        `The bundled proposal ${join(dir, file)} ${what}`,
        "Fix the file (demo/README.md describes the format) or restore it from the repository",
      );
    let json: unknown;
    try {
      json = JSON.parse(await readFile(join(dir, file), "utf8"));
    } catch (error) {
      throw problem(`is not JSON: ${(error as Error).message}`);
    }
    const parsed = bundledProposalSchema.safeParse(json);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      throw problem(`is not valid: ${first?.path.join(".") || "(file)"} ${first?.message ?? ""}`.trim());
    }
    const twin = seen.get(parsed.data.id);
    if (twin) throw problem(`has the same id as ${twin}`);
    seen.set(parsed.data.id, file);
    proposals.push({ ...parsed.data, file });
  }
  if (proposals.length === 0) {
    throw new ReplayBundleError(
      "replay.bundle_empty",
      `The replay folder ${dir} holds no proposals`,
      "Restore the demo/ folder from the repository or set DEMO=false",
    );
  }
  return { dir, proposals };
}
