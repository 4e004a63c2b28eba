// Start-up wiring, split from main.ts by part: the casting outbox's planner, announcements and cast job.
import type { AuditLog } from "../audit/auditLog.js";
import type { Config } from "../config/loadConfig.js";
import type { Secret } from "../config/secret.js";
import type { Database } from "../db/database.js";
import type { Logger } from "../log/logger.js";
import { createHubClient } from "../sources/snapshot/hubClient.js";
import { createSnapshotVoteReader } from "../sources/snapshot/voteReader.js";
import { createCastingSwitch } from "../spaces/castingSwitch.js";
import { createAnnouncements } from "../voting/announcements.js";
import { createCastJobHandler } from "../voting/castJob.js";
import { createCastOutbox } from "../voting/castOutbox.js";
import { createCastPlanner } from "../voting/castPlanner.js";
import { createKeyring } from "../voting/keyring.js";
import { createOverrideStore } from "../voting/overrideStore.js";
import { createSnapshotCaster } from "../voting/snapshot/snapshotCaster.js";
import { createSnapshotCastRunner } from "../voting/snapshotCastRunner.js";

/**
 * Casting: the planner (decisions and members' words → outbox rows), announcements (after the thread shows them) and
 * the cast job. Votes are signed only with a configured AGENT_MNEMONIC, never the data folder's generated one.
 */
export function castingParts(
  config: Config,
  deps: { db: Database; audit: AuditLog; logger: Logger; agentKeys: { mnemonic: Secret; local: boolean } | null },
) {
  const { db, audit, logger } = deps;
  const prisma = db.prisma;
  const casting = createCastingSwitch({ prisma, audit });
  const overrides = createOverrideStore({ prisma, audit });
  const votes = createSnapshotVoteReader({
    hub: createHubClient({ url: config.sources.snapshotHubUrl, apiKey: config.sources.snapshotApiKey }),
  });
  const outbox = createCastOutbox({ prisma, audit });
  const liveKeys = deps.agentKeys && !deps.agentKeys.local ? createKeyring(deps.agentKeys.mnemonic) : null;
  const runner = createSnapshotCastRunner({
    prisma,
    outbox,
    casting,
    overrides,
    votes,
    caster: liveKeys
      ? createSnapshotCaster({
          keyring: liveKeys,
          sequencerUrl: config.sources.snapshotSequencerUrl,
          timeoutMs: config.voting.snapshotCastTimeoutMs,
          logger,
        })
      : null,
    safetyMarginSeconds: config.voting.castSafetyMarginSeconds,
    logger,
  });
  return {
    planner: createCastPlanner({ prisma, audit, overrides, votes, logger }),
    announcements: createAnnouncements({ prisma, audit, safetyMarginSeconds: config.voting.castSafetyMarginSeconds }),
    jobHandler: createCastJobHandler({ outbox, runner, casting, logger }),
  };
}
