// Indexing 10,000 blocks holding 200 proposals across 3 Governors, on a real in-process chain behind an HTTP JSON-RPC
// endpoint: JSON-RPC calls and HTTP requests used, and wall time, for a first catch-up poll and for a steady poll.
// BENCH_GOVERNOR_RANGE (default 2000) sets GOVERNOR_BLOCK_RANGE.
import type { Address } from "viem";
import { createAuditLog } from "../src/audit/auditLog.js";
import { jobCatalog } from "../src/jobs/jobCatalog.js";
import { createJobQueue } from "../src/jobs/jobQueue.js";
import { createChainClient } from "../src/sources/governor/chainClient.js";
import { createGovernorWatcher } from "../src/sources/governor/governorWatcher.js";
import { FakeJsonRpcServer } from "../test/fakes/jsonRpcServer.js";
import { deployDao, tokens } from "../test/support/evm/governorDao.js";
import { createTestChain } from "../test/support/evm/testChain.js";
import { benchEngines, openBenchDatabase } from "./benchDatabase.js";
import type { BenchFigure } from "./benchFigure.js";

const BLOCKS = 10_000;
const PROPOSALS = 200;
const GOVERNORS = 3;

/** Prints RPC calls and wall time of indexing, on the first benchmarked engine; issue 4 names no goal for them. */
export async function run(): Promise<BenchFigure[]> {
  const figures: BenchFigure[] = [];
  const [engine] = await benchEngines();
  const bench = await openBenchDatabase(engine ?? "pglite");
  const chain = await createTestChain({ chainId: 31_337 });
  const rpc = new FakeJsonRpcServer(chain.provider);
  const url = await rpc.listen();
  const queue = createJobQueue({ sql: bench.db.sql, catalog: jobCatalog, onError: () => undefined });
  await queue.start();
  try {
    console.log(`engine: ${bench.label}`);
    const daos = [];
    for (let i = 0; i < GOVERNORS; i++) daos.push(await deployDao(chain, { symbol: `G${i}`, votingPeriod: 50_000 }));
    const recipient = chain.accounts[3]?.address as Address;
    const start = await chain.blockNumber();
    // Proposals spread evenly over the 10,000 blocks, round-robin over the governors.
    const gap = Math.floor(BLOCKS / PROPOSALS) - 1;
    for (let p = 0; p < PROPOSALS; p++) {
      const dao = daos[p % GOVERNORS] as (typeof daos)[number];
      await dao.propose([dao.transferCall(recipient, tokens(p + 1))], `Proposal ${p}\n\nPays ${p + 1} tokens.`);
      await chain.mine(gap);
    }
    const indexed = Number((await chain.blockNumber()) - start);
    const watcher = createGovernorWatcher({
      prisma: bench.db.prisma,
      audit: createAuditLog({ prisma: bench.db.prisma }),
      jobs: queue,
      governors: daos.map((d) => ({ chainId: 31_337, address: d.governor.toLowerCase() as Address })),
      clients: new Map([[31_337, createChainClient({ chainId: 31_337, url })]]),
      confirmations: 0,
      blockRange: Number(process.env.BENCH_GOVERNOR_RANGE ?? 2_000),
      lookbackBlocks: indexed + 10,
      maxRangesPerPoll: 1_000,
    });
    for (const label of ["catch-up poll", "steady poll (nothing new)"]) {
      rpc.resetCounts();
      const started = performance.now();
      const report = await watcher.pollOnce();
      const ms = performance.now() - started;
      const top = [...rpc.calls.entries()].sort((a, b) => b[1] - a[1]).slice(0, 6);
      console.log(
        `${label}: ${report.blocks} blocks/governor-sum, ${report.created} created, ${report.refreshed} refreshed, ` +
          `${rpc.count()} JSON-RPC calls in ${rpc.httpRequests} HTTP requests, ${ms.toFixed(0)} ms`,
      );
      console.log(`  by method: ${top.map(([m, n]) => `${m} ${n}`).join(", ")}`);
      if (report.failures.length > 0) console.log("  failures:", report.failures);
      const what = `${label}, ${BLOCKS.toLocaleString("en-US")} blocks, ${PROPOSALS} proposals, ${GOVERNORS} Governors`;
      figures.push(
        {
          figure: `JSON-RPC calls (HTTP requests), ${what}`,
          goal: "—",
          measured: `${rpc.count()} (${rpc.httpRequests})`,
          met: null,
        },
        { figure: `Wall time, ${what}`, goal: "—", measured: `${ms.toFixed(0)} ms`, met: null },
      );
      if (report.failures.length > 0) {
        figures.push({
          figure: `Governors that failed, ${what}`,
          goal: "0",
          measured: String(report.failures.length),
          met: false,
        });
      }
    }
    return figures;
  } finally {
    await queue.stop(5_000);
    await rpc.close();
    await chain.close();
    await bench.drop();
  }
}
