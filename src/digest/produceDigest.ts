import type { LlmUsage, NoAnswerReason } from "../llm/llmProvider.js";
import type { Digester, DigestProducer } from "./digester.js";
import type { DigestFindings } from "./digestFindings.js";
import { type DigestInput, evidenceSources, screenTargets } from "./digestInput.js";
import type { DigestAssessment, DigestContent } from "./digestSchema.js";
import { checkEvidence } from "./evidenceCheck.js";
import { flaggedPassages, screenForInjection } from "./injectionScreen.js";

/** A digest ready to store and show: the checked document, its assessment and everything the checks found. */
export type DigestOutcome =
  | {
      ok: true;
      content: DigestContent;
      assessment: DigestAssessment;
      findings: DigestFindings;
      producer: DigestProducer;
      usage: LlmUsage;
      costUsd: number;
    }
  | {
      ok: false;
      reason: NoAnswerReason;
      detail: string;
      findings: DigestFindings;
      producer: DigestProducer;
      usage: LlmUsage;
      costUsd: number;
    };

/**
 * Screens the raw input, asks the digester, and holds its answer to the sources. The screen runs before and apart
 * from the producer, so what it finds does not depend on the model it protects. Transport failures are thrown
 * (LlmError); everything else is an outcome.
 */
export async function produceDigest(
  digester: Digester,
  input: DigestInput,
  signal?: AbortSignal,
): Promise<DigestOutcome> {
  const targets = screenTargets(input);
  const screen = screenForInjection(targets);
  const attempt = await digester.digest({ input, screen, ...(signal ? { signal } : {}) });
  const base = { producer: digester.producer, usage: attempt.usage, costUsd: attempt.costUsd };
  if (!attempt.ok) {
    const findings: DigestFindings = {
      screen: screen.findings,
      evidence: [],
      claims: 0,
      failures: 0,
      notes: attempt.notes,
    };
    return { ...base, ok: false, reason: attempt.reason, detail: attempt.detail, findings };
  }
  const report = checkEvidence({
    content: attempt.content,
    sources: evidenceSources(input),
    choiceCount: input.proposal.choices.length,
    dimensionIds: input.taxonomy.map((d) => d.id),
    flaggedPassages: flaggedPassages(targets, screen.findings),
    fallbackTldr: input.proposal.title,
  });
  return {
    ...base,
    ok: true,
    content: report.content,
    assessment: { confidence: report.confidence, flagged: screen.flagged, unreliable: report.unreliable },
    findings: {
      screen: screen.findings,
      evidence: report.findings,
      claims: report.claims,
      failures: report.failures,
      notes: attempt.notes,
    },
  };
}
