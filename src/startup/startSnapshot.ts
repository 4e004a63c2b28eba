// Start-up wiring, split from main.ts by part: the Snapshot watcher, the forum reader and the webhook.
import type { AuditLog } from "../audit/auditLog.js";
import type { Config } from "../config/loadConfig.js";
import type { Database } from "../db/database.js";
import type { JobQueue } from "../jobs/jobQueue.js";
import type { Logger } from "../log/logger.js";
import { createDiscourseClient } from "../sources/forum/discourseClient.js";
import { createForumReader } from "../sources/forum/forumReader.js";
import { createHubClient } from "../sources/snapshot/hubClient.js";
import { createSnapshotWatcher } from "../sources/snapshot/snapshotWatcher.js";
import type { EndingSoon } from "../sources/snapshot/stateSweep.js";
import { createSnapshotWebhookRoute } from "../sources/snapshot/webhookRoute.js";
import type { Route } from "../web/webServer.js";

/** Snapshot: the watcher (polls, hints), the forum reader it feeds, and the webhook route when a secret is set. */
export function startSnapshot(
  sources: Config["sources"],
  deps: {
    db: Database;
    audit: AuditLog;
    queue: JobQueue;
    logger: Logger;
    onEndingSoon: (events: readonly EndingSoon[]) => Promise<void>;
  },
): { stop: () => Promise<void>; webhookRoute: Route | null } {
  const { db, audit, queue, logger } = deps;
  const hub = createHubClient({ url: sources.snapshotHubUrl, apiKey: sources.snapshotApiKey });
  const forum = createForumReader({
    prisma: db.prisma,
    client: createDiscourseClient({ allowedHosts: sources.forumHosts }),
    allowedHosts: sources.forumHosts,
    logger,
  });
  const readForum = (proposalId: string) =>
    forum.readProposal(proposalId).catch((error: unknown) => {
      logger.warn({ err: error, proposalId }, "reading a proposal's forum debate failed; it is read again later");
    });
  const watcher = createSnapshotWatcher({
    hub,
    prisma: db.prisma,
    audit,
    jobs: queue,
    spaces: sources.snapshotSpaces,
    dynamicSpaces: async () => {
      const rows = await db.prisma.space.findMany({
        where: { kind: "snapshot", discordGuildId: { not: null } },
        select: { externalId: true, removedAt: true },
      });
      return {
        added: rows.filter((r) => !r.removedAt).map((r) => r.externalId),
        removed: rows.filter((r) => r.removedAt).map((r) => r.externalId),
      };
    },
    onEndingSoon: deps.onEndingSoon,
    logger,
    onSaved: (saved) => {
      for (const proposal of saved) if (proposal.change !== "unchanged") void readForum(proposal.proposalId);
    },
  });
  watcher.start(sources.snapshotPollSeconds);
  // Debates move while a proposal is open: re-read stale topics every ten minutes.
  const forumTimer = setInterval(() => {
    forum.refreshOpen().catch((error: unknown) => logger.warn({ err: error }, "refreshing forum debates failed"));
  }, 600_000);
  forumTimer.unref();
  const webhookRoute = sources.snapshotWebhookSecret
    ? createSnapshotWebhookRoute({
        secret: sources.snapshotWebhookSecret,
        spaces: sources.snapshotSpaces,
        onHint: (hint) => watcher.hint(hint.proposalId),
        logger,
      })
    : null;
  return {
    webhookRoute,
    stop: async () => {
      clearInterval(forumTimer);
      await watcher.stop();
    },
  };
}
