// Builders for digests, proposals and profiles in tests: realistic shapes from the real schemas, validated with them,
// so a test can never build a digest the contract would refuse.
import fc from "fast-check";
import {
  type DigestContent,
  digestCategories,
  digestSchema,
  type Impact,
  type MoneyFlow,
} from "../../src/digest/digestSchema.js";
import type { HardRule, WhenUnsure } from "../../src/values/hardRules.js";
import type { EngineDigest, EngineProposal } from "../../src/values/preparedProposal.js";
import { DEFAULT_TAXONOMY } from "../../src/values/taxonomy.js";
import type { EngineProfile, Privacy, Weights } from "../../src/values/valueProfile.js";
import { type VotingType, votingTypes } from "../../src/values/votingTypes.js";

export const DIMENSIONS = DEFAULT_TAXONOMY.map((d) => d.id);
export const OPTIONS = { taxonomy: DEFAULT_TAXONOMY, taxonomyVersion: 1 } as const;

/** One impact; `quoted: false` leaves it without evidence. */
export function impact(choice: number, dimension: string, value: number, quoted = true): Impact {
  return {
    choice,
    dimension,
    impact: value,
    reason: `choice ${choice} moves ${dimension} by ${value}`,
    evidence: quoted ? { quote: `quote for ${choice}/${dimension}`, source: { kind: "proposal" } } : null,
  };
}

export function outflow(usdEstimate: number | null): MoneyFlow {
  return { amount: "1,000,000", token: "USDC", recipient: "Grants council", direction: "outflow", usdEstimate };
}

export function digestContent(overrides: Partial<DigestContent> = {}): DigestContent {
  return digestSchema.parse({
    tldr: "Funds a grants program from the treasury.",
    whatChanges: ["Creates a grants council"],
    money: [],
    risks: [],
    arguments: { for: [], against: [] },
    impacts: [],
    confidence: 0.8,
    whatWouldChange: "An audit report",
    category: "grant",
    extractive: false,
    ...overrides,
  });
}

export function digest(
  content: Partial<DigestContent> = {},
  assessment: Partial<EngineDigest["assessment"]> = {},
): EngineDigest {
  return {
    id: "digest-1",
    content: digestContent(content),
    assessment: { confidence: 0.8, flagged: false, unreliable: false, ...assessment },
    taxonomyVersion: 1,
  };
}

export function proposal(votingType: VotingType, choices: string[], author: string | null = null): EngineProposal {
  return { id: "proposal-1", choices, votingType, author };
}

export function profile(
  weights: Weights,
  rules: HardRule[] = [],
  whenUnsure: WhenUnsure = "ask",
  privacy: Privacy = "public",
): EngineProfile {
  return { id: "profile-1", version: 1, weights, rules: { rules, whenUnsure }, privacy, taxonomyVersion: 1 };
}

/** Typical choice lists per voting type, with and without an abstain choice. */
export const CHOICES: Record<VotingType, string[]> = {
  "single-choice": ["Yes", "No", "Abstain"],
  basic: ["For", "Against", "Abstain"],
  approval: ["Alice", "Bob", "Carol", "Dave"],
  "ranked-choice": ["Option A", "Option B", "Option C"],
  copeland: ["Plan 1", "Plan 2", "Plan 3", "Plan 4"],
  weighted: ["Stablecoins", "ETH", "Keep as is", "Abstain"],
  quadratic: ["YES", "NO", "ABSTAIN"],
};

// ---- fast-check arbitraries ----

export const weightsArb: fc.Arbitrary<Weights> = fc
  .tuple(...DIMENSIONS.map(() => fc.integer({ min: 0, max: 5 })))
  .map((ws) => Object.fromEntries(DIMENSIONS.map((id, i) => [id, ws[i] as number])));

export const votingTypeArb = fc.constantFrom(...votingTypes);

const labelArb = fc.constantFrom("Yes", "No", "For", "Against", "Option", "Fund it", "Keep", "Plan", "Abstain");

/** A proposal of any type with 2–6 choices (basic has For/Against[/Abstain], as Snapshot requires). */
export const proposalArb: fc.Arbitrary<EngineProposal> = votingTypeArb.chain((type) =>
  type === "basic"
    ? fc.boolean().map((abstain) => proposal("basic", abstain ? ["For", "Against", "Abstain"] : ["For", "Against"]))
    : fc.array(labelArb, { minLength: 2, maxLength: 6 }).map((labels) =>
        proposal(
          type,
          labels.map((l, i) => `${l} ${i + 1}`.replace(/^Abstain \d+$/, "Abstain")),
        ),
      ),
);

/** A digest over `choices` choices: random impacts (some unquoted), random assessment. */
export function digestArb(
  choices: number,
  assessment?: Partial<EngineDigest["assessment"]>,
): fc.Arbitrary<EngineDigest> {
  const impactArb = fc.record({
    choice: fc.integer({ min: 1, max: choices }),
    dimension: fc.constantFrom(...DIMENSIONS),
    value: fc.integer({ min: -2, max: 2 }),
    quoted: fc.boolean(),
  });
  return fc
    .record({
      impacts: fc.uniqueArray(impactArb, { maxLength: 30, selector: (i) => `${i.choice}/${i.dimension}` }),
      confidence: fc.double({ min: 0, max: 1, noNaN: true }),
      flagged: fc.boolean(),
      unreliable: fc.boolean(),
      category: fc.constantFrom(...digestCategories),
      usd: fc.option(fc.integer({ min: 0, max: 10_000_000 })),
    })
    .map((r) =>
      digest(
        {
          impacts: r.impacts.map((i) => impact(i.choice, i.dimension, i.value, i.quoted)),
          category: r.category as DigestContent["category"],
          money: r.usd === null ? [] : [outflow(r.usd)],
        },
        { confidence: r.confidence, flagged: r.flagged, unreliable: r.unreliable, ...assessment },
      ),
    );
}

/** A rule drawn from the whole language. */
export const ruleArb: fc.Arbitrary<HardRule> = fc.record({
  id: fc.constantFrom("r1", "r2", "r3", "r4"),
  when: fc.array(
    fc.oneof(
      fc.record({
        kind: fc.constant("category" as const),
        in: fc.subarray(["treasury", "grant", "election"] as const, { minLength: 1 }),
      }),
      fc.record({ kind: fc.constant("treasury_outflow_above" as const), usd: fc.integer({ min: 0, max: 5_000_000 }) }),
      fc.record({
        kind: fc.constant("digest_flag" as const),
        flag: fc.constantFrom("flagged" as const, "unreliable" as const, "extractive" as const),
      }),
      fc.record({ kind: fc.constant("voting_type" as const), in: fc.subarray([...votingTypes], { minLength: 1 }) }),
    ),
    { maxLength: 2 },
  ),
  action: fc.oneof(
    fc.constant({ kind: "never" as const }),
    fc.constant({ kind: "ask" as const }),
    fc.constant({ kind: "abstain" as const }),
    fc
      .constantFrom("for" as const, "against" as const)
      .map((intent) => ({ kind: "vote" as const, choice: { intent } })),
  ),
});

export const rulesArb = fc.uniqueArray(ruleArb, { maxLength: 3, selector: (r) => r.id });
