import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { TribuneError } from "../errors/tribuneError.js";

// Prompts are files under prompts/<name>/<version>/, never prose in code. A prompt set's id names its version and
// the hash of its files, so an edit made in place (against the rule: a changed prompt is a new version) still shows
// as a different id, and every output stored with the id can be traced to the exact words the model was given.

/** The repository's prompts folder. */
export const PROMPTS_DIR = resolve(import.meta.dirname, "../../prompts");

/** One version of a prompt: its templates by file name (without extension) and its id. */
export interface PromptSet {
  /** "<name>.<version>@<first 8 hex of sha256 over the files>", e.g. "digest.v1@3f2a9c1b". */
  id: string;
  templates: ReadonlyMap<string, string>;
}

/** A prompt file is missing or a template names a value nobody supplied. */
export class PromptError extends TribuneError {
  constructor(message: string) {
    super("prompt.invalid", message, "Check the files under prompts/ against the code that fills them");
  }
}

/** Reads every file of prompts/<name>/<version>/ (sorted, so the id does not depend on directory order). */
export async function loadPromptSet(name: string, version: string, root: string = PROMPTS_DIR): Promise<PromptSet> {
  const dir = join(root, name, version);
  let files: string[];
  try {
    files = (await readdir(dir)).filter((f) => !f.startsWith(".") && f !== "README.md").sort();
  } catch {
    throw new PromptError(`No prompt folder ${dir}`);
  }
  const hash = createHash("sha256");
  const templates = new Map<string, string>();
  for (const file of files) {
    const text = await readFile(join(dir, file), "utf8");
    hash.update(file).update("\u0000").update(text).update("\u0000");
    templates.set(file.replace(/\.[^.]+$/, ""), text);
  }
  return { id: `${name}.${version}@${hash.digest("hex").slice(0, 8)}`, templates };
}

/** The named template of a set; a missing one is a packaging error. */
export function template(set: PromptSet, name: string): string {
  const text = set.templates.get(name);
  if (text === undefined) throw new PromptError(`Prompt ${set.id} has no template "${name}"`);
  return text;
}

/**
 * Fills `{{name}}` placeholders in one pass: inserted values are never scanned again, so data that happens to contain
 * "{{…}}" stays data. Every placeholder must have a value.
 */
export function fillTemplate(text: string, values: Readonly<Record<string, string | number>>): string {
  return text.replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
    const value = values[key];
    if (value === undefined) throw new PromptError(`No value for {{${key}}}`);
    return String(value);
  });
}
