import { DATAMARK } from "../llm/spotlight.js";

// One normal form for comparing what a digest quotes with what a source says. Quotes must be verbatim, but not to the
// byte: a model may write straight quotes for curly ones, collapse line breaks, or drop the markdown around a phrase.
// Everything here only removes differences a reader cannot see; words, digits and their order must still match.
// Quotes may also carry the datamark back from the text the model read (see spotlight.ts): it stands for a space.

/**
 * Characters that render as nothing (or reorder text) but that a model still reads: zero-width spaces and joiners,
 * word joiner, BOM, soft hyphen, Mongolian vowel separator, bidi controls, and Unicode tag characters.
 */
export const INVISIBLE_CHARS =
  /[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]|[\u{e0000}-\u{e007f}]/gu;

const SINGLE_QUOTES = /[\u2018\u2019\u201a\u201b\u2032\u0060\u00b4]/g;
const DOUBLE_QUOTES = /[\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb]/g;
const DASHES = /[\u2010-\u2015\u2212]/g;
const MARKDOWN_EMPHASIS = /[*`]+/g;

/** Normal form for matching: NFKC, invisibles and markdown emphasis removed, quotes and dashes unified, one space. */
export function normaliseForMatch(text: string): string {
  return text
    .normalize("NFKC")
    .replace(INVISIBLE_CHARS, "")
    .replaceAll(DATAMARK, " ")
    .replace(SINGLE_QUOTES, "'")
    .replace(DOUBLE_QUOTES, '"')
    .replace(DASHES, "-")
    .replace(MARKDOWN_EMPHASIS, "")
    .replace(/\s+/g, " ")
    .trim();
}

/** Quotes shorter than this (after normalisation) prove nothing: "the" is in every source. */
export const MIN_QUOTE_CHARS = 12;

export type QuoteVerdict = "found" | "not_found" | "too_short";

/**
 * Is `quote` in `source`, verbatim after normalisation? An elision ("…" or "...") splits the quote into fragments
 * that must all be found, in order. Surrounding quotation marks and a trailing full stop are not part of the quote.
 */
export function findQuote(quote: string, source: string): QuoteVerdict {
  const normalQuote = normaliseForMatch(quote)
    .replace(/^["']+|["']+$/g, "")
    .trim();
  const fragments = normalQuote
    .split(/\s*\.\.\.\s*/)
    .map((f) => f.replace(/[.,;:]+$/, "").trim())
    .filter((f) => f.length > 0);
  if (fragments.join(" ").length < MIN_QUOTE_CHARS) return "too_short";
  const normalSource = normaliseForMatch(source);
  let from = 0;
  for (const fragment of fragments) {
    const at = normalSource.indexOf(fragment, from);
    if (at < 0) return "not_found";
    from = at + fragment.length;
  }
  return "found";
}

/** Length of the longest substring two texts share: used to tell whether a quote overlaps a flagged passage. */
export function longestCommonSubstring(a: string, b: string): number {
  if (a.length === 0 || b.length === 0) return 0;
  let previous = new Uint32Array(b.length + 1);
  let current = new Uint32Array(b.length + 1);
  let best = 0;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const value = a[i - 1] === b[j - 1] ? (previous[j - 1] ?? 0) + 1 : 0;
      current[j] = value;
      if (value > best) best = value;
    }
    [previous, current] = [current, previous];
    current.fill(0);
  }
  return best;
}
