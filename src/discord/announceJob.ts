import type { announceProposal } from "../jobs/jobCatalog.js";
import type { JobHandler } from "../jobs/jobQueue.js";
import type { Logger } from "../log/logger.js";
import type { PublishReport, ThreadPublisher } from "./threadPublisher.js";

/**
 * Handles `discord.announce`: brings one proposal's thread up to date. Idempotent (messages are keyed by kind and
 * part, posts carry nonces), so a retry after a crash or a 5xx posts nothing twice. Rate limits are ridden out by
 * discord.js itself; other failures throw and the queue's bounded retry applies.
 */
export function createAnnounceHandler({
  publisher,
  logger,
  onPublished,
}: {
  publisher: ThreadPublisher;
  logger: Logger;
  onPublished?: (report: PublishReport, proposalId: string) => void;
}): JobHandler<typeof announceProposal> {
  return async ({ proposalId }) => {
    const report = await publisher.publish(proposalId);
    if (report.status === "skipped") logger.info({ proposalId, why: report.why }, "thread not updated");
    onPublished?.(report, proposalId);
  };
}
