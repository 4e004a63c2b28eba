import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { z } from "zod";
import { type DigestInput, type ForumPost, forumPostSchema } from "../../../src/digest/digestInput.js";
import { proposalFileSchema } from "../../../src/digest/proposalFile.js";
import { DEFAULT_TAXONOMY } from "../../../src/values/taxonomy.js";

const FIXTURES = resolve(import.meta.dirname, "../../fixtures/digest");

/** The proposals of test/fixtures/digest, by file name without extension. */
export const FIXTURE_PROPOSALS = [
  "snapshotjs-yip-63",
  "harbor-hip-42",
  "lumen-lip-17",
  "meridian-council-2",
  "atlas-aip-9",
  "meridian-base-incentives",
] as const;
export type FixtureName = (typeof FIXTURE_PROPOSALS)[number];

export function fixturePath(kind: "proposals" | "forum" | "recorded", name: string): string {
  return resolve(FIXTURES, kind, `${name}.json`);
}

/** A fixture proposal with its forum debate (if any), over the default taxonomy. */
export function fixtureInput(name: FixtureName): DigestInput {
  const proposal = proposalFileSchema.parse(JSON.parse(readFileSync(fixturePath("proposals", name), "utf8")));
  let forum: ForumPost[] = [];
  try {
    forum = z.array(forumPostSchema).parse(JSON.parse(readFileSync(fixturePath("forum", name), "utf8")));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  return { proposal, forum, taxonomy: DEFAULT_TAXONOMY, taxonomyVersion: 1 };
}
