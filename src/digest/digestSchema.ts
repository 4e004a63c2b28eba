import { z } from "zod";

// The digest: what the LLM (or the offline summariser) returns for ONE proposal version, and what decisions are
// computed from. It holds values, never a vote. This file is the contract between src/digest (which produces and
// checks digests) and src/values (which decides from them); change it with both in view.

/** Where a quote comes from: the proposal itself, or one forum post (by its URL). */
export const evidenceSourceSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("proposal") }),
  z.object({ kind: z.literal("forum"), url: z.url(), author: z.string().max(100).nullable() }),
]);
export type EvidenceSource = z.infer<typeof evidenceSourceSchema>;

/** A verbatim quote and its source; the evidence check drops any quote not found in its source. */
export const evidenceSchema = z.object({
  quote: z.string().min(1).max(600),
  source: evidenceSourceSchema,
});
export type Evidence = z.infer<typeof evidenceSchema>;

export const argumentSchema = z.object({
  claim: z.string().min(1).max(400),
  evidence: evidenceSchema,
});
export type Argument = z.infer<typeof argumentSchema>;

/** Money the proposal moves, as written in the source (amount kept as text so nothing is rounded or invented). */
export const moneyFlowSchema = z.object({
  amount: z.string().min(1).max(60),
  token: z.string().max(20).nullable(),
  recipient: z.string().max(120).nullable(),
  direction: z.enum(["outflow", "inflow", "other"]),
  /** A US-dollar estimate where the source gives one or the token is a stablecoin; null when unknown. */
  usdEstimate: z.number().nonnegative().nullable(),
});
export type MoneyFlow = z.infer<typeof moneyFlowSchema>;

/** How one choice moves one value dimension of the space: −2 (strongly against) … +2 (strongly for). */
export const impactSchema = z.object({
  /** 1-based index into the proposal's choices, as Snapshot numbers them. */
  choice: z.number().int().min(1),
  /** A dimension id of the space's taxonomy. */
  dimension: z.string().min(1),
  impact: z.number().int().min(-2).max(2),
  reason: z.string().min(1).max(300),
  /** Null when the source offers no evidence for this impact: the engine then discounts it. */
  evidence: evidenceSchema.nullable(),
});
export type Impact = z.infer<typeof impactSchema>;

export const digestCategories = [
  "treasury",
  "parameter",
  "election",
  "grant",
  "partnership",
  "meta_governance",
  "other",
] as const;
export type DigestCategory = (typeof digestCategories)[number];

/** The digest document (stored in Digest.content). */
export const digestSchema = z.object({
  /** ≤ 280 characters. */
  tldr: z.string().min(1).max(280),
  whatChanges: z.array(z.string().min(1).max(300)).max(10),
  money: z.array(moneyFlowSchema).max(20),
  risks: z.array(z.string().min(1).max(300)).max(10),
  arguments: z.object({
    for: z.array(argumentSchema).max(10),
    against: z.array(argumentSchema).max(10),
  }),
  /** One entry per (choice, dimension) the digest could assess; missing pairs count as "no information". */
  impacts: z.array(impactSchema).max(400),
  /** The producer's own confidence, 0…1, before the evidence check adjusts it. */
  confidence: z.number().min(0).max(1),
  whatWouldChange: z.string().max(400),
  category: z.enum(digestCategories),
  /** True for the offline summariser: its output is extractive, not a model's judgement, and says so. */
  extractive: z.boolean(),
});
export type DigestContent = z.infer<typeof digestSchema>;

/** What the evidence check and the injection screen add to a digest; stored beside it (Digest row columns). */
export const digestAssessmentSchema = z.object({
  /** Confidence after the evidence check (dropped claims lower it). */
  confidence: z.number().min(0).max(1),
  /** The injection screen found instruction-like text: no automatic vote. */
  flagged: z.boolean(),
  /** Too many claims failed the evidence check: no automatic vote. */
  unreliable: z.boolean(),
});
export type DigestAssessment = z.infer<typeof digestAssessmentSchema>;
