// One database, one job queue, and real chains behind real HTTP JSON-RPC endpoints, with watchers built the way
// main.ts builds them.
import { createAuditLog } from "../../../src/audit/auditLog.js";
import type { GovernorTarget } from "../../../src/config/sources.js";
import { jobCatalog } from "../../../src/jobs/jobCatalog.js";
import { createJobQueue, type JobQueue } from "../../../src/jobs/jobQueue.js";
import { type ChainClient, createChainClient } from "../../../src/sources/governor/chainClient.js";
import { createGovernorWatcher, type GovernorWatcherOptions } from "../../../src/sources/governor/governorWatcher.js";
import { FakeJsonRpcServer } from "../../fakes/jsonRpcServer.js";
import { createTestChain, type TestChain } from "../../support/evm/testChain.js";
import { createTestDatabase, type TestDatabase } from "../../support/testDatabase.js";

export interface ChainUnderTest {
  chain: TestChain;
  rpc: FakeJsonRpcServer;
  url: string;
  /** A reader's client on the HTTP endpoint; its retries wait in virtual time. */
  client(options?: { timeoutMs?: number }): ChainClient;
}

export async function startChain(chainId = 31_337): Promise<ChainUnderTest> {
  const chain = await createTestChain({ chainId });
  const rpc = new FakeJsonRpcServer(chain.provider);
  const url = await rpc.listen();
  return {
    chain,
    rpc,
    url,
    client: (options = {}) =>
      createChainClient({ chainId, url, timeoutMs: options.timeoutMs ?? 10_000, sleep: async () => undefined }),
  };
}

export async function stopChain(c: ChainUnderTest): Promise<void> {
  await c.rpc.close();
  await c.chain.close();
}

export interface GovernorHarness {
  t: TestDatabase;
  queue: JobQueue;
  watcher(
    governors: readonly GovernorTarget[],
    clients: ReadonlyMap<number, ChainClient>,
    options?: Partial<GovernorWatcherOptions>,
  ): ReturnType<typeof createGovernorWatcher>;
  digestJobs(): Promise<number>;
  close(): Promise<void>;
}

export async function createGovernorHarness(): Promise<GovernorHarness> {
  const t = await createTestDatabase();
  const queue = createJobQueue({ sql: t.db.sql, catalog: jobCatalog, onError: () => undefined });
  await queue.start();
  return {
    t,
    queue,
    watcher(governors, clients, options = {}) {
      return createGovernorWatcher({
        prisma: t.db.prisma,
        audit: createAuditLog({ prisma: t.db.prisma }),
        jobs: queue,
        governors,
        clients,
        confirmations: 2,
        blockRange: 1_000,
        ...options,
      });
    },
    async digestJobs() {
      const { rows } = await t.db.sql.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'digest.proposal'`,
      );
      return rows[0]?.n ?? 0;
    },
    async close() {
      await queue.stop(5_000);
      await t.drop();
    },
  };
}
