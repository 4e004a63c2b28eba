import type { DigestAssessment, DigestContent, Impact } from "../digest/digestSchema.js";
import { abstainChoices, findIntentChoice, normalizeLabel } from "./choiceLabels.js";
import type { RuleFacts } from "./hardRules.js";
import { capitalise, clip, lowerFirst } from "./plainText.js";
import type { Taxonomy } from "./taxonomy.js";
import { isRankingType, type VotingType } from "./votingTypes.js";

// Everything the engine needs from one proposal and its digest, computed once and shared by every member's decision:
// this is what makes 100,000 decisions cost about as much as 100,000 small dot products.

/** The proposal as the engine sees it. */
export interface EngineProposal {
  id?: string | null;
  choices: readonly string[];
  votingType: VotingType;
  author: string | null;
}

/** A stored digest: its document, what the evidence check and the injection screen said, and its taxonomy version. */
export interface EngineDigest {
  id?: string | null;
  content: DigestContent;
  assessment: DigestAssessment;
  taxonomyVersion: number;
}

/** The numbers that decide when the engine votes and when it asks; defaults in DEFAULT_THRESHOLDS. */
export interface Thresholds {
  /** Smallest lead (of normalised utility, −1…1) the best choice needs over the next; below it the engine is unsure. */
  minMargin: number;
  /** Digest confidence (after the evidence check) below which the engine is unsure. */
  minConfidence: number;
  /** How much an impact without an evidence quote counts, relative to one with a quote (0…1). */
  unevidencedFactor: number;
  /** Approval ballots approve the choices whose normalised utility is above this bar. */
  approvalBar: number;
  /** Units a weighted or quadratic ballot splits (Snapshot counts proportions, so any total works). */
  splitTotal: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = {
  minMargin: 0.1,
  minConfidence: 0.5,
  unevidencedFactor: 0.5,
  approvalBar: 0.1,
  splitTotal: 100,
};

export interface DecideOptions {
  /** The space's current taxonomy and its version: decisions record it. */
  taxonomy: Taxonomy;
  taxonomyVersion: number;
  thresholds?: Partial<Thresholds>;
}

/** The digest turned into dense matrices over (dimension, choice), plus the facts rules test. */
export interface PreparedProposal {
  proposal: EngineProposal;
  digest: EngineDigest;
  taxonomy: Taxonomy;
  taxonomyVersion: number;
  thresholds: Thresholds;
  /** impact[d][c]: the digest's impact of choice c+1 on dimension d (0 where it said nothing). */
  impact: number[][];
  /** factor[d][c]: 1 with evidence, `unevidencedFactor` without, 0 where the digest said nothing. */
  factor: number[][];
  /** The digest's entry behind each (d, c), for explanations; null where it said nothing. */
  source: (Impact | null)[][];
  /** 1-based choices that compete on utility (every choice but abstentions). */
  candidates: number[];
  /** 1-based choices that read as abstentions. */
  abstentions: number[];
  /** The choice an abstention is cast as, or null when the ballot cannot abstain (no such choice, or a ranking). */
  abstainChoice: number | null;
  facts: RuleFacts;
  /** Impacts the engine could not place (unknown dimension or choice, or a repeat of a pair already seen). */
  ignoredImpacts: number;
  /** Dimension names as they read mid-sentence, in taxonomy order (computed once, used by every explanation). */
  dimensionNames: string[];
  /** Each choice's label quoted and clipped for explanations: `"Fund the council"`. */
  quotedChoices: string[];
  /** The same names starting a sentence. */
  dimensionTitles: string[];
  /** evidenceNotes[d][c]: the sentence an explanation adds about the quote behind impact (d, c). */
  evidenceNotes: string[][];
  /** The explanation's closing words about the digest: its confidence and whether it is extractive. */
  digestNote: string;
  /** The choice a rule's "for" / "against" names on this ballot, found once rather than per member. */
  intentChoices: { for: ReturnType<typeof findIntentChoice>; against: ReturnType<typeof findIntentChoice> };
  /** Choices by normalised label, for rules that name a choice by its words. */
  choicesByLabel: Map<string, number[]>;
}

/** Prepares one proposal and digest for deciding any number of members. */
export function prepareProposal(
  proposal: EngineProposal,
  digest: EngineDigest,
  options: DecideOptions,
): PreparedProposal {
  const thresholds = { ...DEFAULT_THRESHOLDS, ...options.thresholds };
  const dims = options.taxonomy.map((d) => d.id);
  const n = proposal.choices.length;
  const impact = dims.map(() => new Array<number>(n).fill(0));
  const factor = dims.map(() => new Array<number>(n).fill(0));
  const source = dims.map(() => new Array<Impact | null>(n).fill(null));
  const dimIndex = new Map(dims.map((id, i) => [id, i]));
  let ignoredImpacts = 0;
  for (const entry of digest.content.impacts) {
    const d = dimIndex.get(entry.dimension);
    const c = entry.choice - 1;
    // The first entry for a pair wins: a digest that repeats a pair is not allowed to weigh it twice.
    if (d === undefined || c >= n || source[d]?.[c]) {
      ignoredImpacts += 1;
      continue;
    }
    (impact[d] as number[])[c] = entry.impact;
    (factor[d] as number[])[c] = entry.evidence ? 1 : thresholds.unevidencedFactor;
    (source[d] as (Impact | null)[])[c] = entry;
  }
  const abstentions = abstainChoices(proposal.choices);
  const all = proposal.choices.map((_, i) => i + 1);
  // A ballot made only of "abstain" choices has nothing else to compete: then they all compete.
  const candidates = abstentions.length === n ? all : all.filter((c) => !abstentions.includes(c));
  return {
    proposal,
    digest,
    taxonomy: options.taxonomy,
    taxonomyVersion: options.taxonomyVersion,
    thresholds,
    impact,
    factor,
    source,
    candidates,
    abstentions,
    // A ranking must order every choice, so putting "Abstain" first would still rank the others: no clean abstention.
    abstainChoice: isRankingType(proposal.votingType) ? null : (abstentions[0] ?? null),
    facts: {
      category: digest.content.category,
      money: digest.content.money,
      flagged: digest.assessment.flagged,
      unreliable: digest.assessment.unreliable,
      extractive: digest.content.extractive,
      votingType: proposal.votingType,
      author: proposal.author,
    },
    ignoredImpacts,
    dimensionNames: options.taxonomy.map((d) => lowerFirst(d.name)),
    quotedChoices: proposal.choices.map((label) => `"${clip(label, 40)}"`),
    dimensionTitles: options.taxonomy.map((d) => capitalise(lowerFirst(d.name))),
    evidenceNotes: source.map((row) =>
      row.map((entry) =>
        entry?.evidence ? ` Evidence: "${clip(entry.evidence.quote, 140)}".` : " No quote backs this impact.",
      ),
    ),
    intentChoices: {
      for: findIntentChoice(proposal.choices, "for"),
      against: findIntentChoice(proposal.choices, "against"),
    },
    choicesByLabel: groupByLabel(proposal.choices),
    digestNote:
      `Digest confidence ${digest.assessment.confidence.toFixed(2)}` +
      (digest.content.extractive ? "; the digest is an extractive summary, not a model's reading" : ""),
  };
}

function groupByLabel(choices: readonly string[]): Map<string, number[]> {
  const byLabel = new Map<string, number[]>();
  choices.forEach((label, i) => {
    const key = normalizeLabel(label);
    byLabel.set(key, [...(byLabel.get(key) ?? []), i + 1]);
  });
  return byLabel;
}
