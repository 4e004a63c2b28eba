// One database, one real job queue and one local hub per test file, and watchers built on them the way main.ts will.
import { createAuditLog } from "../../../src/audit/auditLog.js";
import type { PrismaClient } from "../../../src/generated/prisma/client.js";
import { jobCatalog } from "../../../src/jobs/jobCatalog.js";
import { createJobQueue, type JobQueue } from "../../../src/jobs/jobQueue.js";
import type { DigestJobs } from "../../../src/sources/digestQueueing.js";
import { createHubClient, type HubClientOptions } from "../../../src/sources/snapshot/hubClient.js";
import { createSnapshotWatcher, type SnapshotWatcherOptions } from "../../../src/sources/snapshot/snapshotWatcher.js";
import { FakeSnapshotHub } from "../../fakes/snapshotHub.js";
import { createTestDatabase, type TestDatabase } from "../../support/testDatabase.js";

export interface Harness {
  t: TestDatabase;
  hub: FakeSnapshotHub;
  hubUrl: string;
  queue: JobQueue;
  /** A watcher over `spaces`, its clock the hub's clock; `prisma`/`jobs` swap in a failing stand-in for crash tests. */
  watcher(
    spaces: readonly string[],
    options?: Partial<SnapshotWatcherOptions> & {
      prisma?: PrismaClient;
      jobs?: DigestJobs;
      client?: Partial<HubClientOptions>;
    },
  ): ReturnType<typeof createSnapshotWatcher>;
  /** digest.proposal jobs per proposal version id (any state). */
  digestJobs(versionIds?: readonly string[]): Promise<Map<string, number>>;
  close(): Promise<void>;
}

export async function createHarness(): Promise<Harness> {
  const t = await createTestDatabase();
  const hub = new FakeSnapshotHub();
  const hubUrl = await hub.listen();
  const queue = createJobQueue({ sql: t.db.sql, catalog: jobCatalog, onError: () => undefined });
  await queue.start();
  return {
    t,
    hub,
    hubUrl,
    queue,
    watcher(spaces, options = {}) {
      const prisma = options.prisma ?? t.db.prisma;
      // The client's waits (backoff, Retry-After, the rate limiter) pass in virtual time: asserted, never slept.
      let skipped = 0;
      const client = createHubClient({
        url: hubUrl,
        timeoutMs: 15_000,
        now: () => Date.now() + skipped,
        sleep: async (ms) => {
          skipped += ms;
        },
        ...options.client,
      });
      return createSnapshotWatcher({
        hub: client,
        prisma,
        audit: createAuditLog({ prisma }),
        jobs: options.jobs ?? queue,
        spaces,
        now: () => new Date(hub.now * 1000),
        ...options,
      });
    },
    async digestJobs(versionIds) {
      const { rows } = await t.db.sql.query<{ singleton_key: string; n: number }>(
        `SELECT singleton_key, count(*)::int AS n FROM pgboss.job WHERE name = 'digest.proposal' GROUP BY singleton_key`,
      );
      const counts = new Map(rows.map((r) => [r.singleton_key, r.n]));
      if (!versionIds) return counts;
      return new Map(versionIds.map((id) => [id, counts.get(id) ?? 0]));
    },
    async close() {
      await queue.stop(5_000);
      await hub.close();
      await t.drop();
    },
  };
}

/** Audit entries of one action, their data parsed. */
export async function auditOf(prisma: PrismaClient, action: string) {
  const rows = await prisma.auditEntry.findMany({ where: { action }, orderBy: { seq: "asc" } });
  return rows.map((row) => ({ ...row, data: (JSON.parse(row.canonical) as { data: Record<string, unknown> }).data }));
}
