import { NO_USAGE } from "../../llm/llmProvider.js";
import { fillTemplate } from "../../llm/promptFiles.js";
import type { Digester, DigestRequest } from "../digester.js";
import type { DigestInput, ForumPost } from "../digestInput.js";
import {
  type Argument,
  type DigestCategory,
  type DigestContent,
  digestCategories,
  digestSchema,
  type Impact,
  type MoneyFlow,
} from "../digestSchema.js";
import { type ScreenFinding, sameSource } from "../injectionScreen.js";
import { extractFacts, numberOf } from "../sourceFacts.js";
import { normaliseForMatch } from "../textNormalise.js";
import { cueMatcher, type OfflineLexicon } from "./offlineLexicon.js";
import { byRank, rankSentences, type Sentence, splitSentences } from "./sentences.js";

// The offline summariser: deterministic, bundled, no network. It copies; it does not judge. The TL;DR, what changes
// and the risks are the proposal's own top-ranked sentences; money comes from the amounts in the text; arguments are
// forum sentences with stance cues; value impacts come from the documented lexicon. Its output is marked extractive
// and says so, and it never copies a passage the injection screen flagged (an extractive summariser would otherwise
// happily pick "IGNORE ALL PREVIOUS INSTRUCTIONS" as a top sentence).

export const OFFLINE_PROVIDER = "offline";
export const OFFLINE_MODEL = "tribune-extractive";

const STABLECOIN = /^(?:usd[ct]?|dai|usds|gho|lusd|frax|pyusd|tusd|usde|yusd)$/i;
const AMOUNT =
  /(?<![\w.,:$])(?<amount>(?<dollar>\$?)(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?:\s?(?:k|K|M|million|thousand|bn|billion)\b)?)(?:\s+\$?(?<token>[a-z]{0,3}[A-Z]{2,6}[a-z]?)\b)?/g;
// Upper-case words after a number that are not tokens.
const NOT_TOKENS = new Set([
  "UTC",
  "GMT",
  "CET",
  "EST",
  "PST",
  "AM",
  "PM",
  "DAO",
  "DAOS",
  "ID",
  "EU",
  "USA",
  "API",
  "UI",
  "KPI",
  "KPIS",
  "TVL",
  "APY",
  "APR",
  "LTV",
  "NFT",
  "NFTS",
  "BPS",
]);
const CHANGE_SECTION = /specification|proposal|implementation|terms|changes?|effects?|what/i;
const RISK_SECTION = /risk|concern|downside|drawback|trade-?off/i;
const ADDRESS = /\b0x[0-9a-fA-F]{40}\b|\b[a-z0-9-]+\.eth\b/i;

/** The offline digester over one lexicon version. */
export function createOfflineDigester(lexicon: OfflineLexicon): Digester {
  const cues = {
    approve: cueMatcher(lexicon.lexicon.choices.approve, true),
    reject: cueMatcher(lexicon.lexicon.choices.reject, true),
    abstain: cueMatcher(lexicon.lexicon.choices.abstain, true),
    for: cueMatcher(lexicon.lexicon.stance.for),
    against: cueMatcher(lexicon.lexicon.stance.against),
    risk: cueMatcher(lexicon.lexicon.risk),
    change: cueMatcher(lexicon.lexicon.change),
    outflow: cueMatcher(lexicon.lexicon.outflow),
    inflow: cueMatcher(lexicon.lexicon.inflow),
  };
  const categories = digestCategories.flatMap((category) => {
    const list = lexicon.lexicon.categories[category];
    return list ? [{ category, match: cueMatcher(list) }] : [];
  });
  const dimensions = Object.entries(lexicon.lexicon.dimensions).map(([id, d]) => ({
    id,
    positive: cueMatcher(d.positive),
    negative: cueMatcher(d.negative),
  }));
  const { phrases } = lexicon;

  return {
    producer: { provider: OFFLINE_PROVIDER, model: OFFLINE_MODEL, promptVersion: lexicon.id },

    async digest({ input, screen }: DigestRequest) {
      const clean = (sentences: Sentence[], findings: ScreenFinding[]) =>
        sentences.filter((s) => !findings.some((f) => f.start < s.end && f.end > s.start));
      const bodyFindings = screen.findings.filter((f) => sameSource(f.source, { kind: "proposal", field: "body" }));
      // The body often repeats the title on its first line; the TL;DR already carries it.
      const title = normaliseForMatch(input.proposal.title);
      const sentences = clean(splitSentences(input.proposal.body), bodyFindings).filter(
        (s) => !normaliseForMatch(s.text).includes(title),
      );
      const order = byRank(rankSentences(sentences)).map((i) => sentences[i] as Sentence);

      const content: DigestContent = {
        tldr: tldr(
          input,
          order[0],
          screen.findings.some((f) => sameSource(f.source, { kind: "proposal", field: "title" })),
        ),
        whatChanges: pick(order, cues.change, CHANGE_SECTION, 3).map((s) => clip(s.text, 300)),
        money: money(sentences),
        risks: pick(order, cues.risk, RISK_SECTION, 3).map((s) => clip(s.text, 300)),
        arguments: forumArguments(input.forum, screen.findings),
        impacts: impacts(input, order),
        confidence: lexicon.lexicon.confidence,
        whatWouldChange: phrases.whatWouldChange,
        category: category(input),
        extractive: true,
      };
      // Our own output must meet the contract like any model's; a failure here is a bug in this file.
      return { ok: true, content: digestSchema.parse(content), usage: NO_USAGE, costUsd: 0, notes: [] };
    },
  };

  // A flagged title is not repeated: the TL;DR is then the best-ranked clean sentence alone.
  function tldr(input: DigestInput, top: Sentence | undefined, titleFlagged: boolean): string {
    const title = titleFlagged ? "" : input.proposal.title.trim();
    const lead = top && title ? `${title}${/[.!?:]$/.test(title) ? "" : ":"} ${top.text}` : (top?.text ?? title);
    return clip(`${phrases.tldrPrefix}${lead}`, 280);
  }

  // Sentences under a fitting heading ("Risks", "Specification") first, then any with a cue, best-ranked first.
  function pick(
    order: readonly Sentence[],
    match: (text: string) => string[],
    section: RegExp,
    limit: number,
  ): Sentence[] {
    const underHeading = order.filter((s) => section.test(s.section));
    const withCue = order.filter((s) => !section.test(s.section) && match(s.text).length > 0);
    return [...underHeading, ...withCue].slice(0, limit).sort((a, b) => a.index - b.index);
  }

  function money(sentences: readonly Sentence[]): MoneyFlow[] {
    const flows = new Map<string, MoneyFlow>();
    for (const sentence of sentences) {
      for (const m of sentence.text.matchAll(AMOUNT)) {
        const amount = m.groups?.amount ?? "";
        const dollar = m.groups?.dollar === "$";
        const token = m.groups?.token && !NOT_TOKENS.has(m.groups.token.toUpperCase()) ? m.groups.token : null;
        if (!dollar && !token) continue;
        const key = `${amount}|${token ?? ""}`;
        if (flows.has(key) || flows.size >= 20) continue;
        const value = amountValue(amount);
        const stable = dollar || (token !== null && STABLECOIN.test(token));
        flows.set(key, {
          amount: amount.slice(0, 60),
          token: token?.slice(0, 20) ?? null,
          recipient: ADDRESS.exec(sentence.text)?.[0] ?? null,
          direction:
            cues.inflow(sentence.text).length > 0
              ? "inflow"
              : cues.outflow(sentence.text).length > 0
                ? "outflow"
                : "other",
          usdEstimate: stable ? value : null,
        });
      }
    }
    return [...flows.values()];
  }

  function forumArguments(posts: readonly ForumPost[], findings: ScreenFinding[]): DigestContent["arguments"] {
    const sides: DigestContent["arguments"] = { for: [], against: [] };
    for (const post of posts) {
      const postFindings = findings.filter((f) => sameSource(f.source, { kind: "forum", url: post.url }));
      const candidates = splitSentences(post.text, { minChars: 12, minWords: 2 }).filter(
        (s) => !postFindings.some((f) => f.start < s.end && f.end > s.start),
      );
      let best: { sentence: Sentence; side: "for" | "against"; strength: number } | null = null;
      for (const sentence of candidates) {
        const pro = cues.for(sentence.text).length;
        const contra = cues.against(sentence.text).length;
        if (pro === contra) continue;
        const side = pro > contra ? "for" : "against";
        const strength = Math.abs(pro - contra);
        if (!best || strength > best.strength) best = { sentence, side, strength };
      }
      if (!best || sides[best.side].length >= 5) continue;
      const author = post.author ?? phrases.anonymous;
      const argument: Argument = {
        claim: clip(fillTemplate(best.side === "for" ? phrases.forArgument : phrases.againstArgument, { author }), 400),
        evidence: { quote: best.sentence.text, source: { kind: "forum", url: post.url, author: post.author } },
      };
      sides[best.side].push(argument);
    }
    return sides;
  }

  function impacts(input: DigestInput, order: readonly Sentence[]): Impact[] {
    const stances = input.proposal.choices.map((label) =>
      cues.abstain(label).length > 0 ? 0 : cues.reject(label).length > 0 ? -1 : cues.approve(label).length > 0 ? 1 : 0,
    );
    if (!stances.some((s) => s !== 0)) return [];
    const used = new Set<Sentence>();
    const result: Impact[] = [];
    for (const dimension of input.taxonomy) {
      const rules = dimensions.find((d) => d.id === dimension.id);
      if (!rules) continue;
      const hits = order.map((s) => ({
        sentence: s,
        positive: rules.positive(s.text),
        negative: rules.negative(s.text),
      }));
      const positive = hits.reduce((n, h) => n + h.positive.length, 0);
      const negative = hits.reduce((n, h) => n + h.negative.length, 0);
      const net = positive - negative;
      if (net === 0) continue;
      const sign = Math.sign(net);
      const magnitude = Math.abs(net) >= 3 ? 2 : 1;
      // The best-ranked sentence that carries the winning cues and is not already evidence for another dimension.
      const evidence = hits.find((h) => (sign > 0 ? h.positive : h.negative).length > 0 && !used.has(h.sentence));
      if (evidence) used.add(evidence.sentence);
      const found = [...new Set(hits.flatMap((h) => (sign > 0 ? h.positive : h.negative)))].slice(0, 3);
      stances.forEach((stance, i) => {
        if (stance === 0) return;
        result.push({
          choice: i + 1,
          dimension: dimension.id,
          impact: sign * magnitude * stance,
          reason: clip(
            fillTemplate(stance > 0 ? phrases.impactReasonApprove : phrases.impactReasonReject, {
              cues: found.map((c) => `"${c}"`).join(", "),
              dimension: dimension.name,
              direction: sign > 0 ? phrases.favouring : phrases.opposing,
            }),
            300,
          ),
          evidence: evidence ? { quote: evidence.sentence.text, source: { kind: "proposal" } } : null,
        });
      });
    }
    return result;
  }

  function category(input: DigestInput): DigestCategory {
    let best: { category: DigestCategory; score: number } = { category: "other", score: 0 };
    for (const { category: name, match } of categories) {
      const score = match(input.proposal.title).length * 3 + match(input.proposal.body).length;
      if (score > best.score) best = { category: name, score };
    }
    return best.category;
  }
}

function amountValue(amount: string): number | null {
  const fact = extractFacts(amount).find((f) => f.kind === "number");
  return fact ? numberOf(fact) : null;
}

/** Shortens at a word boundary, marking the cut; text within the limit is returned unchanged. */
function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.lastIndexOf(" ", max - 1);
  return `${text.slice(0, cut > max / 2 ? cut : max - 1)}…`;
}
