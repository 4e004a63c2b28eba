import { z } from "zod";

// What is stored in Digest.findings: the injection screen's findings with their offending spans, the evidence check's
// findings with what was dropped, and notes on the input (truncation). Stewards read it in the web view; the schema
// lets any reader parse it back.

const screenSourceSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("proposal"), field: z.enum(["title", "body", "choices"]) }),
  z.object({ kind: z.literal("forum"), url: z.string() }),
]);

export const screenFindingSchema = z.object({
  family: z.string(),
  source: screenSourceSchema,
  start: z.number().int().nonnegative(),
  end: z.number().int().nonnegative(),
  excerpt: z.string(),
  decoded: z.string().optional(),
});

export const evidenceFindingSchema = z.object({
  path: z.string(),
  problem: z.string(),
  detail: z.string(),
  action: z.enum(["dropped", "replaced", "cleared", "corrected"]),
});

export const digestFindingsSchema = z.object({
  screen: z.array(screenFindingSchema),
  evidence: z.array(evidenceFindingSchema),
  /** How many claims the evidence check tested, and how many failed (soft corrections aside). */
  claims: z.number().int().nonnegative(),
  failures: z.number().int().nonnegative(),
  notes: z.array(z.string()),
});
export type DigestFindings = z.infer<typeof digestFindingsSchema>;
