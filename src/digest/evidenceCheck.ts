import { type EvidenceSources, normaliseUrl } from "./digestInput.js";
import type { Argument, DigestContent, Evidence, Impact, MoneyFlow } from "./digestSchema.js";
import { isInstructionLike } from "./injectionScreen.js";
import { extractFacts, type Fact, numberKey, numberOf, SourceFacts } from "./sourceFacts.js";
import { findQuote, longestCommonSubstring, normaliseForMatch } from "./textNormalise.js";

// The evidence check: pure code that holds a digest to its sources. Every quote must be in the source it names;
// every number, amount, date and address the digest states in its own words must be stated by a source. A claim that
// fails is dropped (or, for the TL;DR, replaced), the failure is recorded, confidence falls with the share of failed
// claims, and past a threshold the digest is unreliable: no automatic vote.

/** Past this share of failed claims a digest is unreliable. */
export const UNRELIABLE_FAILURE_RATIO = 0.25;
/** One quote cannot be specific evidence for more value impacts than this. */
export const MAX_QUOTE_REUSE = 3;

export type EvidenceProblem =
  | "quote_not_found"
  | "quote_too_short"
  | "unknown_source"
  | "directive_as_evidence"
  | "evidence_from_flagged_text"
  | "evidence_reused"
  | "fact_not_in_source"
  | "token_not_in_source"
  | "invalid_choice"
  | "unknown_dimension"
  | "duplicate_impact"
  | "usd_estimate_unsupported"
  | "author_corrected";

/** One thing the check found and what it did about it. */
export interface EvidenceFinding {
  /** Where in the digest, e.g. "impacts[3]" or "arguments.for[0]". */
  path: string;
  problem: EvidenceProblem;
  detail: string;
  action: "dropped" | "replaced" | "cleared" | "corrected";
}

export interface EvidenceCheckInput {
  content: DigestContent;
  sources: EvidenceSources;
  choiceCount: number;
  dimensionIds: readonly string[];
  /** Passages the injection screen flagged: text from them is not evidence. */
  flaggedPassages: readonly string[];
  /** Stands in for a TL;DR that states unsupported facts (the proposal's title, say). */
  fallbackTldr: string;
}

export interface EvidenceReport {
  content: DigestContent;
  /** The producer's confidence scaled by the share of claims that held. */
  confidence: number;
  unreliable: boolean;
  findings: EvidenceFinding[];
  claims: number;
  failures: number;
}

// Corrections that change nothing a member relies on are recorded but do not count as failed claims.
const SOFT: ReadonlySet<EvidenceProblem> = new Set(["usd_estimate_unsupported", "author_corrected"]);
const STABLECOINS = /^\$?(?:usd[ct]?|dai|usds|gho|lusd|frax|pyusd|tusd|usde|yusd|usd)$/i;

/** Checks a digest against its sources; returns the digest with failed claims removed, and the record of why. */
export function checkEvidence(input: EvidenceCheckInput): EvidenceReport {
  const { content, sources } = input;
  const posts = [...sources.forum.values()];
  // A post's author (an ENS name, an address) is stated by the forum's record of the post.
  const facts = new SourceFacts([
    sources.proposal,
    ...posts.map((p) => `${p.author ?? ""}\n${p.text}`),
    sources.metadata,
  ]);
  const flagged = input.flaggedPassages
    .map(normaliseForMatch)
    .filter((p) => p.length > 0)
    .map((text) => ({ text, grams: text.length >= 2 * OVERLAP ? shingles(text) : null }));
  const findings: EvidenceFinding[] = [];
  let claims = 0;
  const fail = (path: string, problem: EvidenceProblem, detail: string, action: EvidenceFinding["action"]) => {
    findings.push({ path, problem, detail, action });
  };
  const unsupported = (text: string) => facts.missing(text).map((f) => f.raw);
  const proposalText = normaliseForMatch(sources.proposal).toLowerCase();

  const checkQuote = (evidence: Evidence, path: string): Evidence | null => {
    const drop = (problem: EvidenceProblem, detail: string) => {
      fail(path, problem, detail, "dropped");
      return null;
    };
    const source = evidence.source;
    let text = sources.proposal;
    let checked = evidence;
    if (source.kind === "forum") {
      const post = sources.forum.get(normaliseUrl(source.url));
      if (!post) return drop("unknown_source", `no forum post at ${source.url}`);
      text = post.text;
      if (source.author !== post.author) {
        fail(path, "author_corrected", `author "${source.author}" is "${post.author}"`, "corrected");
        checked = { ...evidence, source: { ...source, author: post.author } };
      }
    }
    const verdict = findQuote(evidence.quote, text);
    if (verdict === "too_short") return drop("quote_too_short", evidence.quote);
    if (verdict === "not_found") return drop("quote_not_found", evidence.quote);
    if (isInstructionLike(evidence.quote)) return drop("directive_as_evidence", evidence.quote);
    if (overlapsFlagged(evidence.quote, flagged)) return drop("evidence_from_flagged_text", evidence.quote);
    return checked;
  };

  const keepTexts = (items: readonly string[], field: string) =>
    items.filter((item, i) => {
      claims += 1;
      const missing = unsupported(item);
      if (missing.length > 0) fail(`${field}[${i}]`, "fact_not_in_source", missing.join(", "), "dropped");
      return missing.length === 0;
    });

  claims += 1;
  let tldr = content.tldr;
  const tldrMissing = unsupported(tldr);
  if (tldrMissing.length > 0) {
    fail("tldr", "fact_not_in_source", tldrMissing.join(", "), "replaced");
    tldr = input.fallbackTldr.slice(0, 280);
  }

  const whatChanges = keepTexts(content.whatChanges, "whatChanges");
  const risks = keepTexts(content.risks, "risks");

  // Amounts are checked strictly: "5 ETH" is money, not one of the small counts a summary may make itself.
  const money = content.money.flatMap((flow, i): MoneyFlow[] => {
    claims += 1;
    const drop = (problem: EvidenceProblem, detail: string): MoneyFlow[] => {
      fail(`money[${i}]`, problem, detail, "dropped");
      return [];
    };
    const amountFacts = extractFacts(normaliseForMatch(flow.amount));
    if (amountFacts.length === 0) return drop("fact_not_in_source", `no figure in "${flow.amount}"`);
    const missing = [
      ...amountFacts.filter((f) => !facts.has(f)).map((f) => f.raw),
      ...unsupported(flow.recipient ?? ""),
    ];
    if (missing.length > 0) return drop("fact_not_in_source", missing.join(", "));
    if (flow.token && !proposalText.includes(flow.token.replace(/^\$/, "").toLowerCase())) {
      return drop("token_not_in_source", flow.token);
    }
    if (flow.usdEstimate !== null && !usdEstimateHolds(flow, amountFacts, facts)) {
      fail(`money[${i}]`, "usd_estimate_unsupported", String(flow.usdEstimate), "cleared");
      return [{ ...flow, usdEstimate: null }];
    }
    return [flow];
  });

  const keepArguments = (items: readonly Argument[], side: "for" | "against") =>
    items.flatMap((argument, i): Argument[] => {
      claims += 1;
      const path = `arguments.${side}[${i}]`;
      const missing = unsupported(argument.claim);
      if (missing.length > 0) {
        fail(path, "fact_not_in_source", missing.join(", "), "dropped");
        return [];
      }
      const evidence = checkQuote(argument.evidence, path);
      return evidence ? [{ ...argument, evidence }] : [];
    });
  const args = {
    for: keepArguments(content.arguments.for, "for"),
    against: keepArguments(content.arguments.against, "against"),
  };

  const impacts = checkImpacts(content.impacts, input, checkQuote, unsupported, fail);
  // An impact without evidence claims little (the decision step discounts it), so it does not count towards the share
  // of claims that held; otherwise a digest could dilute its failures with unevidenced impacts.
  claims += content.impacts.filter((impact) => impact.evidence !== null).length;

  let whatWouldChange = content.whatWouldChange;
  if (whatWouldChange.trim() !== "") {
    claims += 1;
    const missing = unsupported(whatWouldChange);
    if (missing.length > 0) {
      fail("whatWouldChange", "fact_not_in_source", missing.join(", "), "cleared");
      whatWouldChange = "";
    }
  }

  const failures = findings.filter((f) => !SOFT.has(f.problem)).length;
  const ratio = claims === 0 ? 0 : failures / claims;
  return {
    content: { ...content, tldr, whatChanges, risks, money, arguments: args, impacts, whatWouldChange },
    confidence: round(content.confidence * (1 - ratio)),
    unreliable: ratio > UNRELIABLE_FAILURE_RATIO || tldrMissing.length > 0,
    findings,
    claims,
    failures,
  };
}

function checkImpacts(
  impacts: readonly Impact[],
  input: EvidenceCheckInput,
  checkQuote: (evidence: Evidence, path: string) => Evidence | null,
  unsupported: (text: string) => string[],
  fail: (path: string, problem: EvidenceProblem, detail: string, action: EvidenceFinding["action"]) => void,
): Impact[] {
  const seen = new Set<string>();
  const kept: { impact: Impact; path: string }[] = [];
  impacts.forEach((impact, i) => {
    const path = `impacts[${i}]`;
    const pair = `${impact.choice}/${impact.dimension}`;
    const problem: [EvidenceProblem, string] | null =
      impact.choice > input.choiceCount
        ? ["invalid_choice", `choice ${impact.choice}`]
        : !input.dimensionIds.includes(impact.dimension)
          ? ["unknown_dimension", impact.dimension]
          : seen.has(pair)
            ? ["duplicate_impact", pair]
            : null;
    if (problem) {
      fail(path, problem[0], problem[1], "dropped");
      return;
    }
    seen.add(pair);
    const missing = unsupported(impact.reason);
    if (missing.length > 0) {
      fail(path, "fact_not_in_source", missing.join(", "), "dropped");
      return;
    }
    if (impact.evidence === null) {
      kept.push({ impact, path });
      return;
    }
    const evidence = checkQuote(impact.evidence, path);
    if (evidence) kept.push({ impact: { ...impact, evidence }, path });
  });

  // A passage that "proves" many impacts at once proves none of them: specific evidence is specific.
  const uses = new Map<string, number>();
  for (const { impact } of kept) {
    if (impact.evidence) uses.set(quoteKey(impact.evidence), (uses.get(quoteKey(impact.evidence)) ?? 0) + 1);
  }
  return kept.flatMap(({ impact, path }) => {
    if (impact.evidence && (uses.get(quoteKey(impact.evidence)) ?? 0) > MAX_QUOTE_REUSE) {
      fail(path, "evidence_reused", `${uses.get(quoteKey(impact.evidence))} impacts cite one quote`, "dropped");
      return [];
    }
    return [impact];
  });
}

function quoteKey(evidence: Evidence): string {
  return normaliseForMatch(evidence.quote).toLowerCase();
}

// A quote overlaps a flagged passage when either contains the other, or they share a run of OVERLAP characters (half
// the shorter one, for short texts). A shared run of k characters is a shared k-gram, so long passages (a hidden
// comment can be pages long) are tested through a set of their k-grams, in time linear in the quote.
const OVERLAP = 24;

function overlapsFlagged(quote: string, flagged: readonly { text: string; grams: Set<string> | null }[]): boolean {
  const q = normaliseForMatch(quote);
  return flagged.some(({ text: p, grams }) => {
    if (p.includes(q) || q.includes(p)) return true;
    if (grams && q.length >= 2 * OVERLAP) {
      for (let i = 0; i + OVERLAP <= q.length; i++) if (grams.has(q.slice(i, i + OVERLAP))) return true;
      return false;
    }
    return longestCommonSubstring(q, p) >= Math.min(OVERLAP, Math.ceil(Math.min(q.length, p.length) / 2));
  });
}

function shingles(text: string): Set<string> {
  const grams = new Set<string>();
  for (let i = 0; i + OVERLAP <= text.length; i++) grams.add(text.slice(i, i + OVERLAP));
  return grams;
}

// A dollar figure is supported when a source states it, or when the amount is in a stablecoin and equals it.
function usdEstimateHolds(flow: MoneyFlow, amountFacts: readonly Fact[], facts: SourceFacts): boolean {
  const usd = flow.usdEstimate ?? 0;
  if (facts.has({ kind: "number", raw: String(usd), start: 0, end: 0, keys: [numberKey(usd)], exempt: false }))
    return true;
  if (!flow.token || !STABLECOINS.test(flow.token)) return false;
  return amountFacts.some((fact) => {
    const amount = numberOf(fact);
    return amount !== null && Math.abs(amount - usd) < 0.005;
  });
}

function round(value: number): number {
  return Math.max(0, Math.min(1, Math.round(value * 1000) / 1000));
}
