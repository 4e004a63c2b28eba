import type { decideProposal } from "../jobs/jobCatalog.js";
import type { JobHandler } from "../jobs/jobQueue.js";
import type { DecideReport, DecisionService } from "./decisionService.js";

/**
 * Handles `values.decide`: decides every confirmed profile of the proposal's space against the digest. Idempotent, so
 * a retry after a crash only writes what the first attempt did not. `onDecided` lets the caller enqueue what follows
 * (announcing the planned votes) without this module knowing about it.
 */
export function createDecideHandler({
  decisions,
  onDecided,
}: {
  decisions: DecisionService;
  onDecided?: (report: DecideReport) => Promise<void>;
}): JobHandler<typeof decideProposal> {
  return async (payload, { signal }) => {
    const report = await decisions.decideDigest(payload, signal);
    await onDecided?.(report);
  };
}
