// Finding the lexicon's cues in a statement. A cue is lower-case text where "*" at the end means "any word starting
// so", "*" elsewhere stands for up to five words, an apostrophe is optional ("dont" = "don't") and spaces match any
// run of spaces. Cues match on word boundaries only, so "risk" does not match "brisk".

/** Lower case, compatibility-normalised, curly quotes straightened, whitespace collapsed. */
export function normalizeStatement(text: string): string {
  return text
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[\u2018\u2019\u02bc]/g, "'")
    .replace(/[\u201c\u201d]/g, '"')
    .replace(/[\u2013\u2014]/g, " - ")
    .replace(/[ \t]+/g, " ");
}

const cache = new Map<string, RegExp>();

function escapeRegExp(text: string): string {
  // Only syntax characters may be escaped in a Unicode-mode expression.
  return text.replace(/[.+?^${}()|[\]\\/]/g, (c) => `\\${c}`);
}

/** The regular expression for one cue (global, Unicode). */
export function cueRegExp(cue: string): RegExp {
  const cached = cache.get(cue);
  if (cached) return new RegExp(cached.source, cached.flags);
  const prefix = cue.endsWith("*");
  const body = prefix ? cue.slice(0, -1) : cue;
  const source = body
    .split("*")
    .map((part) =>
      part
        .trim()
        .split(/\s+/)
        .map((word) => escapeRegExp(word).replace(/'/g, "'?"))
        .join("\\s+"),
    )
    .join("\\s+(?:\\S+\\s+){0,5}?");
  // Boundaries by lookaround, since a cue may begin or end with a sign ("#1", ">") that \b would not bound.
  const start = /^[\p{L}\p{N}]/u.test(body) ? "(?<![\\p{L}\\p{N}'])" : "";
  const end = prefix ? "[\\p{L}\\p{N}'-]*" : /[\p{L}\p{N}]$/u.test(body) ? "(?![\\p{L}\\p{N}])" : "";
  const regExp = new RegExp(`${start}${source}${end}`, "gu");
  cache.set(cue, regExp);
  return new RegExp(regExp.source, regExp.flags);
}

/** Where a cue matched: [start, end) in the normalised text. */
export interface CueMatch<Tag> {
  tag: Tag;
  cue: string;
  start: number;
  end: number;
  text: string;
}

/**
 * Every match of the tagged cues in `text`, longest first when two overlap (so "audit trail" wins over "audit*"),
 * then returned in text order. Spans in `taken` are already claimed and are skipped.
 */
export function findCues<Tag>(
  text: string,
  cues: readonly { tag: Tag; cue: string }[],
  taken: readonly { start: number; end: number }[] = [],
): CueMatch<Tag>[] {
  const found: CueMatch<Tag>[] = [];
  for (const { tag, cue } of cues) {
    for (const m of text.matchAll(cueRegExp(cue))) {
      found.push({ tag, cue, start: m.index, end: m.index + m[0].length, text: m[0] });
    }
  }
  found.sort((a, b) => b.end - b.start - (a.end - a.start) || a.start - b.start);
  const kept: CueMatch<Tag>[] = [];
  const overlaps = (a: { start: number; end: number }, b: { start: number; end: number }) =>
    a.start < b.end && b.start < a.end;
  for (const match of found) {
    if (taken.some((span) => overlaps(span, match)) || kept.some((k) => overlaps(k, match))) continue;
    kept.push(match);
  }
  return kept.sort((a, b) => a.start - b.start);
}

/** True when any of the cues occurs in the text. */
export function hasCue(text: string, cues: readonly string[]): boolean {
  return cues.some((cue) => cueRegExp(cue).test(text));
}
