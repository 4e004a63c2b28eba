import type { digestProposal } from "../jobs/jobCatalog.js";
import type { JobHandler } from "../jobs/jobQueue.js";
import type { DigestService, DigestVersionResult } from "./digestService.js";

export interface DigestJobOptions {
  service: DigestService;
  /** Told what became of every job (for logs and metrics); optional. */
  onResult?: (result: DigestVersionResult, payload: { proposalId: string; proposalVersionId: string }) => void;
}

/**
 * The handler of "digest.proposal". Idempotent: the service stores at most one digest per key. Only transient model
 * failures throw, so the queue's bounded retry policy applies to them and to nothing else. A truncated or malformed
 * answer is asked again by the service itself, a bounded number of times (answerRetry.ts); a refusal, a refused
 * credential or a refused request is recorded and returned, never retried.
 */
export function createDigestJobHandler({ service, onResult }: DigestJobOptions): JobHandler<typeof digestProposal> {
  return async (payload, { signal }) => {
    const result = await service.digestVersion(payload, signal);
    onResult?.(result, payload);
  };
}
