// Start-up wiring, split from main.ts by part: Governor DAOs from the chain, or from Tally with a key.
import type { AuditLog } from "../audit/auditLog.js";
import type { Config } from "../config/loadConfig.js";
import type { Database } from "../db/database.js";
import type { JobQueue } from "../jobs/jobQueue.js";
import type { Logger } from "../log/logger.js";
import { createChainClients } from "../sources/governor/chainClients.js";
import { createGovernorWatcher } from "../sources/governor/governorWatcher.js";
import type { EndingSoon } from "../sources/snapshot/stateSweep.js";
import { createTallyClient } from "../sources/tally/tallyClient.js";
import { createTallyWatcher } from "../sources/tally/tallyWatcher.js";

/** Governor DAOs: one chain client per configured chain, and the watcher reading every Governor from them. */
export function startGovernors(
  config: Config,
  deps: {
    db: Database;
    audit: AuditLog;
    queue: JobQueue;
    logger: Logger;
    onEndingSoon: (events: readonly EndingSoon[]) => Promise<void>;
  },
): { stop: () => Promise<void> } {
  // With a Tally key, Tally's API lists the Governors' proposals instead of the chain (both would store each proposal
  // twice: Tally's id and the on-chain id differ). The chain reader also indexes delegations, which Tally does not.
  const tallyKey = config.sources.tallyApiKey;
  if (tallyKey) {
    const tally = createTallyWatcher({
      prisma: deps.db.prisma,
      audit: deps.audit,
      jobs: deps.queue,
      client: createTallyClient({ url: config.sources.tallyApiUrl, apiKey: tallyKey }),
      governors: config.sources.governors,
      logger: deps.logger,
    });
    tally.start(config.governor.pollSeconds);
    return { stop: () => tally.stop() };
  }
  const clients = createChainClients(config);
  const watcher = createGovernorWatcher({
    prisma: deps.db.prisma,
    audit: deps.audit,
    jobs: deps.queue,
    governors: config.sources.governors,
    clients,
    logger: deps.logger,
    confirmations: config.governor.confirmations,
    blockRange: config.governor.blockRange,
    lookbackBlocks: config.governor.lookbackBlocks,
    onEndingSoon: deps.onEndingSoon,
  });
  watcher.start(config.governor.pollSeconds);
  return { stop: () => watcher.stop() };
}
