import type { PrismaClient } from "../generated/prisma/client.js";
import { digestProposal } from "../jobs/jobCatalog.js";
import type { JobQueue } from "../jobs/jobQueue.js";
import { chunk } from "./snapshot/hubLimits.js";

const ENQUEUE_CONCURRENCY = 8;

/** The one thing the watcher asks of the job queue. */
export type DigestJobs = Pick<JobQueue, "enqueue">;

/**
 * Queues `digest.proposal` for every given version that has no digest yet. Called for every proposal a page touched,
 * not only new versions: if the process died after committing a version but before queueing its job, the page is
 * read again and this finds the version still undigested. The job is keyed by version, so a job already waiting is
 * not queued twice. Returns how many jobs were newly queued.
 */
export async function queueMissingDigests(
  prisma: PrismaClient,
  jobs: DigestJobs,
  versions: readonly { proposalId: string; versionId: string }[],
): Promise<number> {
  if (versions.length === 0) return 0;
  const unique = [...new Map(versions.map((v) => [v.versionId, v])).values()];
  const live = await prisma.proposalVersion.findMany({
    where: { id: { in: unique.map((v) => v.versionId) }, proposal: { deletedAt: null }, digests: { none: {} } },
    select: { id: true, proposalId: true },
  });
  let queued = 0;
  // A few at a time: a backfill can bring thousands of versions, and each enqueue is one round trip.
  for (const part of chunk(live, ENQUEUE_CONCURRENCY)) {
    const ids = await Promise.all(
      part.map((version) =>
        jobs.enqueue(
          digestProposal,
          { proposalId: version.proposalId, proposalVersionId: version.id },
          { singletonKey: version.id },
        ),
      ),
    );
    queued += ids.filter((id) => id !== null).length;
  }
  return queued;
}
