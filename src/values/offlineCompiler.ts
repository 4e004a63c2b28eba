import { type CueMatch, findCues, normalizeStatement } from "./cueMatcher.js";
import type { WhenUnsure } from "./hardRules.js";
import {
  DEFAULT_LEVEL,
  DIMENSION_CUES,
  INDIFFERENCE_CUES,
  INTENSITY_CUES,
  LESS_THAN_CUES,
  LEXICON_VERSION,
  MORE_THAN_CUES,
  OPPOSE_CUES,
  WORRY_CUES,
} from "./offlineLexicon.js";
import { readRuleClause } from "./offlineRules.js";
import {
  type CompiledProfile,
  type CompileFailure,
  contradictionFailure,
  type ProfileCompiler,
  type ReadRule,
  settleRules,
} from "./profileCompiler.js";
import type { Taxonomy } from "./taxonomy.js";

// The offline profile compiler: deterministic, no network, driven only by the lexicon in offlineLexicon.ts. It reads
// a statement clause by clause; a clause is either a rule, a choice for when Tribune is unsure, or a statement of
// values whose dimensions get the clause's intensity (0–5). What it cannot read it says, rather than guessing.

export const OFFLINE_COMPILER_ID = `offline@${LEXICON_VERSION}`;

type DimTag = { dimension: string; kind: "value" | "concern" | "indifference" };
type ModTag =
  | { kind: "level"; level: number }
  | { kind: "indifferent" }
  | { kind: "oppose" }
  | { kind: "worry" }
  | { kind: "more" }
  | { kind: "less" };

interface Mention {
  level: number;
  /** raised: the clause says it cares; lowered: it says it does not; explicit: a number was given. */
  how: "raised" | "lowered" | "explicit";
  clause: string;
}

const MODIFIERS: { tag: ModTag; cue: string }[] = [
  ...INTENSITY_CUES.flatMap(({ level, cues }) => cues.map((cue) => ({ tag: { kind: "level", level } as ModTag, cue }))),
  ...INDIFFERENCE_CUES.map((cue) => ({ tag: { kind: "indifferent" } as ModTag, cue })),
  ...OPPOSE_CUES.map((cue) => ({ tag: { kind: "oppose" } as ModTag, cue })),
  ...WORRY_CUES.map((cue) => ({ tag: { kind: "worry" } as ModTag, cue })),
  ...MORE_THAN_CUES.map((cue) => ({ tag: { kind: "more" } as ModTag, cue })),
  ...LESS_THAN_CUES.map((cue) => ({ tag: { kind: "less" } as ModTag, cue })),
];

/** How far before a value word a modifier ("not", "against", "worried about") still applies to it. */
const LOOKBACK_CHARS = 40;

function dimensionCues(taxonomy: Taxonomy): { tag: DimTag; cue: string }[] {
  return taxonomy.flatMap((dim) => {
    // A steward's own dimension has no lexicon entry: its name and id are its cues.
    const cues = DIMENSION_CUES[dim.id] ?? { value: [dim.name.toLowerCase(), dim.id.replace(/_/g, " ")], concern: [] };
    return [
      ...cues.value.map((cue) => ({ tag: { dimension: dim.id, kind: "value" as const }, cue })),
      ...cues.concern.map((cue) => ({ tag: { dimension: dim.id, kind: "concern" as const }, cue })),
      ...(cues.indifference ?? []).map((cue) => ({ tag: { dimension: dim.id, kind: "indifference" as const }, cue })),
    ];
  });
}

/** Splits a statement into clauses, each with the priority its numbered-list item gives it (1 = first), if any. */
export function splitClauses(statement: string): { text: string; rank: number | null }[] {
  const text = normalizeStatement(statement)
    // "I don't care about anything but security" is a statement of one strong value, not of indifference.
    .replace(
      /(?:(?:i )?(?:don'?t|do not) )?care about (?:nothing|anything) (?:but|except|other than)/g,
      "only care about",
    )
    .replace(/\bnothing (?:but|except) /g, "only ");
  const clauses: { text: string; rank: number | null }[] = [];
  for (const line of text.split(/\n+/)) {
    const item = /^\s*(?:#?(\d{1,2})\s*[.):]|[-*•])\s+/.exec(line);
    const rank = item?.[1] ? Number(item[1]) : null;
    const body = item ? line.slice(item[0].length) : line;
    for (const sentence of body.split(/[.!?;]+(?=\s|$)|[!?;]+/)) {
      // ", and" starts a new thought ("…, and treasury prudence matters a lot"): its intensity is its own.
      for (const clause of sentence.split(/\s*,?\s*\b(?:but|however|although|though|whereas|yet)\b\s*|\s*,\s*and\s+/)) {
        if (/[\p{L}\p{N}]/u.test(clause)) clauses.push({ text: clause.trim(), rank });
      }
    }
  }
  return clauses;
}

/** Compiles a statement with the lexicon. Empty and too-long statements are refused by compileStatement first. */
export function compileOffline(
  statement: string,
  taxonomy: Taxonomy,
): { ok: true; profile: CompiledProfile } | CompileFailure {
  const dimCues = dimensionCues(taxonomy);
  const mentions = new Map<string, Mention[]>();
  const rules: ReadRule[] = [];
  const unsure: { whenUnsure: WhenUnsure; source: string }[] = [];
  const notes: string[] = [];
  const mention = (dimension: string, m: Mention) => mentions.set(dimension, [...(mentions.get(dimension) ?? []), m]);

  for (const { text: clause, rank } of splitClauses(statement)) {
    const dims = findCues(clause, dimCues);
    const reading = readRuleClause(clause, dims.length > 0);
    if (reading.kind === "rule") {
      rules.push({ rule: reading.rule, source: clause });
      continue;
    }
    if (reading.kind === "when_unsure") {
      unsure.push({ whenUnsure: reading.whenUnsure, source: clause });
      continue;
    }
    if (reading.kind === "untestable") {
      // Its words were about an action, so reading them as values would misread them ("against grants" ≠ 0 for grants).
      notes.push(reading.note);
      continue;
    }
    if (dims.length === 0) {
      if (reading.kind === "none" && clause.split(/\s+/).length >= 3)
        notes.push(`Not understood, so not counted: "${clause}".`);
      continue;
    }
    for (const [dimension, m] of readValues(clause, rank, dims, notes)) mention(dimension, m);
  }

  const problems: string[] = [];
  const weights: Record<string, number> = {};
  const because: Record<string, string[]> = {};
  for (const dim of taxonomy) {
    const list = mentions.get(dim.id) ?? [];
    weights[dim.id] = 0;
    if (list.length === 0) continue;
    because[dim.id] = [...new Set(list.map((m) => m.clause))].slice(0, 8);
    const high = list.filter((m) => m.level >= 3);
    const low = list.filter((m) => m.how !== "raised" && m.level <= Math.max(...list.map((x) => x.level)) - 3);
    if (high.length > 0 && low.length > 0) {
      problems.push(`${dim.name}: "${high[0]?.clause}" but also "${low[0]?.clause}"`);
      continue;
    }
    const explicit = list.filter((m) => m.how === "explicit");
    weights[dim.id] =
      explicit.length > 0 ? Math.max(...explicit.map((m) => m.level)) : Math.max(...list.map((m) => m.level));
  }

  const settled = settleRules(rules);
  problems.push(...settled.contradictions);
  const unsureChoices = new Set(unsure.map((u) => u.whenUnsure));
  if (unsureChoices.size > 1) problems.push(unsure.map((u) => `"${u.source}"`).join(" but also "));
  if (problems.length > 0) return contradictionFailure(problems);
  notes.push(...settled.notes);

  const whenUnsure = unsure[0]?.whenUnsure ?? "ask";
  return {
    ok: true,
    profile: {
      weights,
      rules: { rules: settled.rules, whenUnsure },
      because,
      notes: notes.slice(0, 30),
      ruleSources: settled.ruleSources,
    },
  };
}

/** The weight each value named in a clause gets. */
function readValues(
  clause: string,
  rank: number | null,
  dims: CueMatch<DimTag>[],
  notes: string[],
): [string, Mention][] {
  const mods = findCues(clause, MODIFIERS, dims);
  const levels = mods.flatMap((m) => (m.tag.kind === "level" ? [m.tag.level] : []));
  // A numbered list ranks its items: the first gets 5, the second 4, and so on, down to 1.
  // A downtoner qualifies the whole clause ("matters somewhat" is 2, not 4); otherwise the strongest word counts.
  const downtoners = levels.filter((level) => level < DEFAULT_LEVEL);
  const stated = downtoners.length > 0 ? Math.min(...downtoners) : levels.length > 0 ? Math.max(...levels) : null;
  const base = stated ?? (rank !== null ? Math.max(1, 6 - rank) : DEFAULT_LEVEL);
  const indifferent = mods.some((m) => m.tag.kind === "indifferent");
  const pivot = mods.find(
    (m) => (m.tag.kind === "more" || m.tag.kind === "less") && !/^\s*(?:\$|\d)/.test(clause.slice(m.end)),
  );
  const out: [string, Mention][] = [];
  let previousEnd = 0;
  for (const dim of dims) {
    const window = Math.max(previousEnd, dim.start - LOOKBACK_CHARS);
    previousEnd = dim.end;
    const nearest = mods
      .filter((m) => m.end <= dim.start && m.start >= window && (m.tag.kind === "oppose" || m.tag.kind === "worry"))
      .at(-1);
    const explicit = /^\s*(?:[:=-]|is)?\s*([0-5])(?:\s*(?:\/|out of)\s*5)?(?![\d.])/.exec(clause.slice(dim.end));
    const add = (level: number, how: Mention["how"]) => out.push([dim.tag.dimension, { level, how, clause }]);
    if (dim.tag.kind === "indifference") add(0, "lowered");
    else if (explicit) add(Number(explicit[1]), "explicit");
    else if (indifferent) add(0, "lowered");
    else if (nearest?.tag.kind === "oppose" && dim.tag.kind === "value") {
      notes.push(`Weights cannot be negative: "${clause}" sets ${dim.text} to 0 rather than against it.`);
      add(0, "lowered");
    } else if (nearest) add(base, "raised");
    else if (pivot) {
      const first = dim.start < pivot.start === (pivot.tag.kind === "more");
      add(first ? Math.max(base, 4) : 2, "raised");
    } else add(base, "raised");
  }
  return out;
}

/** The offline compiler behind the common interface. */
export const offlineProfileCompiler: ProfileCompiler = {
  id: OFFLINE_COMPILER_ID,
  compile: async (statement, taxonomy) => compileOffline(statement, taxonomy),
};
