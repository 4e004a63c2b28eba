import { type InjectionFamily, LEXICAL_FAMILIES } from "./injectionPatterns.js";

// The injection screen: independent of the model it protects. It reads the raw proposal and forum text (before any
// model sees it) and reports instruction-like text aimed at a machine reader, hidden text, and encoded payloads, each
// with the offending span so stewards can see exactly what was found. Any finding flags the digest, and a flagged
// digest yields no automatic vote: the screen errs towards asking members.

/** Where a finding was made. */
export type ScreenSource = { kind: "proposal"; field: "title" | "body" | "choices" } | { kind: "forum"; url: string };

export interface ScreenTarget {
  source: ScreenSource;
  text: string;
}

export interface ScreenFinding {
  family: InjectionFamily;
  source: ScreenSource;
  /** UTF-16 offsets of the offending span in the raw text of `source`. */
  start: number;
  end: number;
  /** The span as a steward should see it: invisible characters spelled out, at most 240 characters. */
  excerpt: string;
  /** What an encoded or invisible span decodes to, when it does. */
  decoded?: string;
}

export interface ScreenResult {
  flagged: boolean;
  findings: ScreenFinding[];
}

const INVISIBLE = /[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u180e\u00ad]|[\u{e0000}-\u{e007f}]/u;
const TAG_CHARS = /[\u{e0000}-\u{e007f}]+/gu;
const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069]/g;
// Zero-width characters that have no business between Latin letters, counted outside legitimate emoji and script use.
const ZERO_WIDTH = /[\u200b-\u200d\u2060-\u2064\ufeff\u180e]/g;
const PICTOGRAPH = /\p{Extended_Pictographic}|\p{M}|[\u0600-\u06ff\u0900-\u0dff]/u;
const HTML_COMMENT = /<!--([\s\S]*?)(?:-->|$)/g;
const MARKDOWN_COMMENT = /^\s*\[[^\]\n]*\]:\s*(?:#|<>)\s*[("]([^\n]*)[)"]\s*$/gm;
const HIDDEN_STYLE =
  /<[a-z][^>]*\b(?:style\s*=\s*["'][^"']*(?:display\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*0(?![.\d]*[1-9])|opacity\s*:\s*0(?:\.0+)?(?![.\d])|color\s*:\s*(?:#f{3}(?:f{3})?\b|white\b|rgba?\(\s*255\s*,\s*255\s*,\s*255))|hidden\b|aria-hidden\s*=\s*["']true)[^>]*>/gi;
const BASE64 = /(?<![A-Za-z0-9+/=_-])[A-Za-z0-9+/_-]{24,}={0,2}(?![A-Za-z0-9+/=_-])/g;
const HEX_BLOB = /\b(?:0x)?([0-9a-fA-F]{32,})\b/g;
const MIN_ZERO_WIDTH = 3;

/** Screens every target; the result is flagged when anything was found. */
export function screenForInjection(targets: readonly ScreenTarget[]): ScreenResult {
  const findings = targets.flatMap((target) => screenText(target));
  return { flagged: findings.length > 0, findings };
}

/** Screens one text. */
export function screenText({ source, text }: ScreenTarget): ScreenFinding[] {
  const findings: ScreenFinding[] = [];
  const add = (family: InjectionFamily, start: number, end: number, decoded?: string) => {
    if (findings.some((f) => f.family === family && f.start <= start && f.end >= end)) return;
    findings.push({
      family,
      source,
      start,
      end,
      excerpt: excerpt(text.slice(start, end)),
      ...(decoded ? { decoded } : {}),
    });
  };

  const clean = deobfuscate(text);
  for (const { family, span } of lexicalMatches(clean.text)) {
    add(family, clean.rawStart(span[0]), clean.rawEnd(span[1]));
  }
  for (const m of text.matchAll(HTML_COMMENT)) {
    if (wordCount(m[1] ?? "") >= 3) add("hidden_html", m.index, m.index + m[0].length);
  }
  for (const m of text.matchAll(MARKDOWN_COMMENT)) {
    if (wordCount(m[1] ?? "") >= 3) add("hidden_html", m.index, m.index + m[0].length);
  }
  for (const m of text.matchAll(HIDDEN_STYLE)) add("hidden_style", m.index, m.index + m[0].length);
  invisibleFindings(text, add);
  encodedFindings(text, add);
  return findings.sort((a, b) => a.start - b.start || a.family.localeCompare(b.family));
}

/** Does this text read like an instruction to a machine? (Used to refuse such text as evidence.) */
export function isInstructionLike(text: string): boolean {
  return lexicalMatches(deobfuscate(text).text).length > 0;
}

/** The sentence (or line) around each finding, for telling whether a quote comes from flagged text. */
export function flaggedPassages(targets: readonly ScreenTarget[], findings: readonly ScreenFinding[]): string[] {
  return findings.flatMap((finding) => {
    const target = targets.find((t) => sameSource(t.source, finding.source));
    if (!target) return [];
    const { text } = target;
    const before = text.slice(0, finding.start);
    const start = Math.max(before.lastIndexOf("\n"), before.search(/[.!?。][^.!?。]*$/)) + 1;
    const after = text.slice(finding.end).search(/[.!?。\n]/);
    const end = after < 0 ? text.length : finding.end + after + 1;
    return [text.slice(start, end).trim(), ...(finding.decoded ? [finding.decoded] : [])];
  });
}

export function sameSource(a: ScreenSource, b: ScreenSource): boolean {
  return a.kind === "proposal" ? b.kind === "proposal" && a.field === b.field : b.kind === "forum" && a.url === b.url;
}

const GLOBAL_FAMILIES = LEXICAL_FAMILIES.map(({ family, patterns }) => ({
  family,
  patterns: patterns.map((p) => new RegExp(p.source, p.flags.includes("g") ? p.flags : `${p.flags}g`)),
}));

function lexicalMatches(text: string): { family: InjectionFamily; span: [number, number] }[] {
  const matches: { family: InjectionFamily; span: [number, number] }[] = [];
  for (const { family, patterns } of GLOBAL_FAMILIES) {
    for (const pattern of patterns) {
      for (const m of text.matchAll(pattern)) matches.push({ family, span: [m.index, m.index + m[0].length] });
    }
  }
  return matches;
}

/**
 * The text a model effectively reads: NFKC (full-width and styled letters become plain ones) with invisible
 * characters removed, plus a map back to raw offsets so findings point at the raw text.
 */
function deobfuscate(raw: string): { text: string; rawStart(i: number): number; rawEnd(i: number): number } {
  let text = "";
  const origin: number[] = [];
  const originEnd: number[] = [];
  let offset = 0;
  for (const char of raw) {
    const next = offset + char.length;
    if (!INVISIBLE.test(char)) {
      const normal = char.normalize("NFKC");
      for (let k = 0; k < normal.length; k++) {
        origin.push(offset);
        originEnd.push(next);
      }
      text += normal;
    }
    offset = next;
  }
  return {
    text,
    rawStart: (i) => origin[i] ?? raw.length,
    rawEnd: (i) => originEnd[i - 1] ?? raw.length,
  };
}

type Add = (family: InjectionFamily, start: number, end: number, decoded?: string) => void;

function invisibleFindings(text: string, add: Add): void {
  for (const m of text.matchAll(TAG_CHARS)) {
    // Unicode tag characters mirror ASCII (U+E0041 is an invisible "A"): text smuggled past every human reader.
    const decoded = [...m[0]].map((c) => String.fromCharCode((c.codePointAt(0) ?? 0) - 0xe0000)).join("");
    add("invisible_characters", m.index, m.index + m[0].length, decoded.replace(/[^\x20-\x7e]/g, ""));
  }
  const bidi = [...text.matchAll(BIDI_CONTROLS)];
  const first = bidi[0];
  const last = bidi.at(-1);
  if (first && last) add("invisible_characters", first.index, last.index + 1);
  const zeroWidth = [...text.matchAll(ZERO_WIDTH)].filter((m) => !legitimateJoiner(text, m.index));
  const z0 = zeroWidth[0];
  const zn = zeroWidth.at(-1);
  if (zeroWidth.length >= MIN_ZERO_WIDTH && z0 && zn) add("invisible_characters", z0.index, zn.index + 1);
}

// ZWJ builds emoji sequences and ZWNJ/ZWJ shape Arabic and Indic scripts; a BOM may open a pasted text.
function legitimateJoiner(text: string, at: number): boolean {
  if (at === 0 && text[at] === "\ufeff") return true;
  const char = text[at];
  if (char !== "\u200d" && char !== "\u200c") return false;
  const around = `${text.slice(Math.max(0, at - 2), at)}${text.slice(at + 1, at + 3)}`;
  return PICTOGRAPH.test(around);
}

function encodedFindings(text: string, add: Add): void {
  for (const m of text.matchAll(BASE64)) {
    if (!/[A-Za-z]/.test(m[0]) || !/[0-9+/=_-]|[a-z][A-Z]/.test(m[0])) continue;
    const decoded = printableText(Buffer.from(m[0].replace(/-/g, "+").replace(/_/g, "/"), "base64"));
    if (decoded) add("encoded_blob", m.index, m.index + m[0].length, decoded);
  }
  for (const m of text.matchAll(HEX_BLOB)) {
    const hex = m[1] ?? "";
    const decoded = printableText(Buffer.from(hex.length % 2 === 0 ? hex : hex.slice(0, -1), "hex"));
    if (decoded) add("encoded_blob", m.index, m.index + m[0].length, decoded);
  }
}

// Random bytes (hashes, addresses, CIDs read as base64) are not text; an encoded sentence is.
function printableText(bytes: Buffer): string | null {
  if (bytes.length < 16) return null;
  const text = bytes.toString("utf8");
  const printable = [...text].filter((c) => /[\p{L}\p{N}\p{P}\p{Zs}\n\t]/u.test(c)).length;
  if (printable / [...text].length < 0.9 || !/\s/.test(text) || wordCount(text) < 3) return null;
  return text.slice(0, 240);
}

function wordCount(text: string): number {
  return (text.match(/\p{L}{2,}/gu) ?? []).length;
}

function excerpt(span: string): string {
  const visible = [...span]
    .map((c) => (INVISIBLE.test(c) ? `⟨U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}⟩` : c))
    .join("");
  return visible.length > 240 ? `${visible.slice(0, 239)}…` : visible;
}
