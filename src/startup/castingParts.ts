// Start-up wiring, split from main.ts by part: the casting outbox's planner, announcements and cast job.
import type { Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import type { AuditLog } from "../audit/auditLog.js";
import type { Config } from "../config/loadConfig.js";
import type { Secret } from "../config/secret.js";
import type { Database } from "../db/database.js";
import { blockExplorer } from "../discord/presenters/receiptMessage.js";
import type { Cast } from "../generated/prisma/client.js";
import type { Logger } from "../log/logger.js";
import { createChainClients } from "../sources/governor/chainClients.js";
import { createHubClient } from "../sources/snapshot/hubClient.js";
import { createSnapshotVoteReader } from "../sources/snapshot/voteReader.js";
import { createCastingSwitch } from "../spaces/castingSwitch.js";
import { createAnnouncements } from "../voting/announcements.js";
import { createCastJobHandler } from "../voting/castJob.js";
import { createCastOutbox } from "../voting/castOutbox.js";
import { createCastPlanner } from "../voting/castPlanner.js";
import { createGovernorCastRunner } from "../voting/governorCastRunner.js";
import { createKeyring } from "../voting/keyring.js";
import { createOverrideStore } from "../voting/overrideStore.js";
import { createPooledBallot } from "../voting/pooledBallot.js";
import { createSnapshotCaster } from "../voting/snapshot/snapshotCaster.js";
import { createVotingPowers } from "../voting/snapshot/votingPowers.js";
import { createSnapshotCastRunner } from "../voting/snapshotCastRunner.js";

/**
 * Casting: the planner (decisions and members' words → outbox rows, personal or pooled), announcements (after the
 * thread shows them) and the cast job with a runner per kind of space (Snapshot, Governor). Votes are signed only
 * with a configured AGENT_MNEMONIC, never the data folder's generated one. `onSettled` hears of every vote that was
 * cast, failed or skipped (the thread's receipts).
 */
export function castingParts(
  config: Config,
  deps: {
    db: Database;
    audit: AuditLog;
    logger: Logger;
    agentKeys: { mnemonic: Secret; local: boolean } | null;
    onSettled?: (row: Cast) => Promise<void>;
  },
) {
  const { db, audit, logger, onSettled } = deps;
  const prisma = db.prisma;
  const casting = createCastingSwitch({ prisma, audit });
  const overrides = createOverrideStore({ prisma, audit });
  // One hub client for every read (votes, voting power): they share its rate limiter.
  const hub = createHubClient({ url: config.sources.snapshotHubUrl, apiKey: config.sources.snapshotApiKey });
  const votes = createSnapshotVoteReader({ hub });
  const pooled = createPooledBallot({ prisma, overrides, votes });
  const outbox = createCastOutbox({ prisma, sql: db.sql, audit });
  const liveKeys = deps.agentKeys && !deps.agentKeys.local ? createKeyring(deps.agentKeys.mnemonic) : null;
  const common = {
    prisma,
    outbox,
    casting,
    overrides,
    pooled,
    safetyMarginSeconds: config.voting.castSafetyMarginSeconds,
    onSettled,
    logger,
  };
  const snapshot = createSnapshotCastRunner({
    ...common,
    sql: db.sql,
    votes,
    powers: createVotingPowers(hub),
    caster: liveKeys
      ? createSnapshotCaster({
          keyring: liveKeys,
          sequencerUrl: config.sources.snapshotSequencerUrl,
          timeoutMs: config.voting.snapshotCastTimeoutMs,
          logger,
        })
      : null,
  });
  const chains = createChainClients(config);
  const relayerKey = config.voting.relayerPrivateKey;
  const governor = createGovernorCastRunner({
    ...common,
    chains: (chainId) => chains.get(chainId),
    keyring: liveKeys,
    relayer: relayerKey ? privateKeyToAccount(relayerKey.reveal() as Hex) : null,
    logBlockRange: config.governor.blockRange,
    explorer: blockExplorer,
  });
  return {
    casting,
    overrides,
    planner: createCastPlanner({ prisma, audit, overrides, votes, logger }),
    announcements: createAnnouncements({ prisma, audit, safetyMarginSeconds: config.voting.castSafetyMarginSeconds }),
    jobHandler: createCastJobHandler({ outbox, runners: { snapshot, governor }, casting, logger }),
  };
}
