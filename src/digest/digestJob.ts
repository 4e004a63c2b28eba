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
 * failures throw, so the queue's bounded retry policy applies to them and to nothing else; a refusal, a truncated or
 * malformed answer, or a refused credential is recorded and returned, not retried.
 */
export function createDigestJobHandler({ service, onResult }: DigestJobOptions): JobHandler<typeof digestProposal> {
  return async (payload, { signal }) => {
    const result = await service.digestVersion(payload, signal);
    onResult?.(result, payload);
  };
}
