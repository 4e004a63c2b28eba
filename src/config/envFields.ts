import { z } from "zod";
import { quoteUrl, quoteValue } from "./quoteValue.js";
import { Secret } from "./secret.js";

// Building blocks for the per-subsystem schemas. Each field reads one variable; a problem message continues the
// sentence that starts with the variable's name (the issue path), e.g. `must be an integer 0–65535, got "abc"`.

/** The environment as `process.env` has it. */
export type Env = Record<string, string | undefined>;

/** What a field parser returns: a value, or the reason the text is not one. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = (problem: string): Parsed<never> => ({ ok: false, problem });

/**
 * One variable: unset or blank gives `fallback` (a `.env` line `FOO=` means "not set"), otherwise the trimmed text
 * goes through `parse`.
 */
export function envField<T, F = T>(parse: (raw: string) => Parsed<T>, fallback: F) {
  return z
    .string()
    .optional()
    .transform((raw, ctx): T | F => {
      if (raw === undefined || raw.trim() === "") return fallback;
      const parsed = parse(raw.trim());
      if (parsed.ok) return parsed.value;
      ctx.addIssue({ code: "custom", message: parsed.problem });
      return z.NEVER;
    });
}

/** Free text. */
export function stringVar(fallback: string) {
  return envField((raw) => ok(raw), fallback);
}

/** An integer within bounds; rejects "3.5", "1e3", "0x10" and anything else that is not plain digits. */
export function intVar(options: { min: number; max?: number; fallback: number }) {
  const { min, max, fallback } = options;
  const range = max === undefined ? `≥ ${min}` : `${min}–${max}`;
  return envField((raw) => {
    const value = /^-?\d+$/.test(raw) ? Number(raw) : Number.NaN;
    const inRange = Number.isSafeInteger(value) && value >= min && (max === undefined || value <= max);
    return inRange ? ok(value) : fail(`must be an integer ${range}, got ${quoteValue(raw)}`);
  }, fallback);
}

const TRUE_WORDS = new Set(["true", "1", "yes"]);
const FALSE_WORDS = new Set(["false", "0", "no"]);

/** A boolean spelled true/false, 1/0 or yes/no; anything else is a problem rather than a silent `false`. */
export function boolVar(fallback: boolean) {
  return envField((raw) => {
    const word = raw.toLowerCase();
    if (TRUE_WORDS.has(word)) return ok(true);
    if (FALSE_WORDS.has(word)) return ok(false);
    return fail(`must be a boolean (true/false, 1/0, yes/no), got ${quoteValue(raw)}`);
  }, fallback);
}

/** One of a fixed set of words (case-insensitive). */
export function enumVar<const V extends string, F extends V | undefined>(values: readonly V[], fallback: F) {
  return envField((raw): Parsed<V> => {
    const word = raw.toLowerCase();
    const match = values.find((value) => value === word);
    return match === undefined ? fail(`must be one of ${values.join(", ")}, got ${quoteValue(raw)}`) : ok(match);
  }, fallback);
}

/** Parses a URL whose scheme is one of `protocols` (e.g. "https:"); the trailing slash is dropped for joining. */
export function parseUrl(raw: string, protocols: readonly string[], expected: string): Parsed<string> {
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  if (!url || !protocols.includes(url.protocol) || url.host === "") {
    return fail(`must be ${expected}, got ${quoteUrl(raw)}`);
  }
  return ok(raw.replace(/\/+$/, ""));
}

/** An http(s) URL. */
export function httpUrlVar<F extends string | undefined>(fallback: F) {
  return envField((raw) => parseUrl(raw, ["http:", "https:"], "an http(s) URL"), fallback);
}

/**
 * A comma-separated list; blank entries are skipped and duplicates dropped. Every bad entry is reported in one
 * problem, so a long list is fixed in one pass.
 */
export function listVar<T>(parseItem: (item: string) => Parsed<T>, fallback: readonly T[]) {
  return envField((raw): Parsed<T[]> => {
    const values: T[] = [];
    const problems: string[] = [];
    for (const item of raw.split(",").map((entry) => entry.trim())) {
      if (item === "") continue;
      const parsed = parseItem(item);
      if (parsed.ok) values.push(parsed.value);
      else problems.push(parsed.problem);
    }
    if (problems.length > 0) return fail(problems.join("; "));
    return ok(dedupe(values));
  }, fallback as T[]);
}

function dedupe<T>(values: T[]): T[] {
  const seen = new Set<string>();
  return values.filter((value) => {
    const key = JSON.stringify(value);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * A secret, wrapped so it cannot be printed. `check` may reject its shape, but its message must not quote the
 * value; `normalize` tidies it first (e.g. the spacing of a mnemonic).
 */
export function secretVar(
  options: { check?: (raw: string) => string | undefined; normalize?: (raw: string) => string } = {},
) {
  const { check = () => undefined, normalize = (raw: string) => raw } = options;
  return envField((raw): Parsed<Secret> => {
    const value = normalize(raw);
    const problem = check(value);
    return problem === undefined ? ok(new Secret(value)) : fail(problem);
  }, undefined);
}

/**
 * For `superRefine(…, { when })`: run a cross-field rule even when unrelated variables failed, as long as the ones
 * it reads parsed, so a single run reports every problem.
 */
export function whenParsed(...names: string[]) {
  return (payload: { issues: readonly { path?: readonly PropertyKey[] }[] }): boolean =>
    !payload.issues.some((issue) => names.includes(String(issue.path?.[0])));
}

export { fail, ok };
