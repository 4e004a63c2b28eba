import { createAuditLog } from "../audit/auditLog.js";
import type { Config } from "../config/loadConfig.js";
import type { Database } from "../db/database.js";
import { type CastingSwitch, createCastingSwitch } from "../spaces/castingSwitch.js";
import { createSpaceAdmin, type SpaceAdmin } from "../spaces/spaceAdmin.js";
import { createProfileCompiler } from "../values/createProfileCompiler.js";
import { createDecisionService, type DecisionService } from "../values/decisionService.js";
import { createProfileStore, type ProfileStore } from "../values/profileStore.js";
import { createTaxonomyStore } from "../values/taxonomyStore.js";
import { createKeyring } from "../voting/keyring.js";
import { loadOrCreateLocalMnemonic } from "../voting/localMnemonic.js";
import { createMemberAgents, type MemberAgents } from "../voting/memberAgents.js";
import { openConfiguredDatabase } from "./openConfiguredDatabase.js";

// The same services the Discord commands use, for an operator's command line: `npx tribune space …`, `pause`,
// `member profile …` go through the same checks and write the same audit entries as /space, /pause and /profile.

export interface OperatorServices {
  db: Database;
  spaces: SpaceAdmin;
  casting: CastingSwitch;
  members: MemberAgents;
  profiles: ProfileStore;
  decisions: DecisionService;
}

/** Opens the configured database, runs `body` with the services, and closes it. */
export async function withOperatorServices(
  config: Config,
  body: (services: OperatorServices) => Promise<number>,
): Promise<number> {
  const db = await openConfiguredDatabase(config);
  try {
    const prisma = db.prisma;
    const audit = createAuditLog({ prisma });
    const taxonomies = createTaxonomyStore({ prisma, audit });
    const decisions = createDecisionService({ prisma, audit, taxonomies });
    // As in main.ts: the configured mnemonic, or on the embedded defaults the data folder's own (which never casts).
    const mnemonic =
      config.voting.agentMnemonic ??
      (config.database.url ? null : loadOrCreateLocalMnemonic(config.database.dataDir).mnemonic);
    const keyring = mnemonic ? createKeyring(mnemonic) : null;
    return await body({
      db,
      spaces: createSpaceAdmin({
        prisma,
        audit,
        liveCastingAvailable: config.voting.agentMnemonic !== undefined,
        keyring,
      }),
      casting: createCastingSwitch({ prisma, audit }),
      members: createMemberAgents({ prisma, audit, keyring }),
      profiles: createProfileStore({
        prisma,
        audit,
        taxonomies,
        compiler: await createProfileCompiler(config.llm, { prisma, effort: config.llm.effort }),
      }),
      decisions,
    });
  } finally {
    await db.close();
  }
}
