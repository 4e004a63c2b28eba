// Start-up wiring, split from main.ts by part: the Discord face (its services from the configuration, then the bot).
import type { AuditLog } from "../audit/auditLog.js";
import type { Config } from "../config/loadConfig.js";
import type { Secret } from "../config/secret.js";
import type { Database } from "../db/database.js";
import { buildDiscordServices } from "../discord/buildDiscordServices.js";
import type { AcknowledgedInfo } from "../discord/interactionRouter.js";
import { startBot } from "../discord/startBot.js";
import type { ThreadPublisherOptions } from "../discord/threadPublisher.js";
import type { JobQueue } from "../jobs/jobQueue.js";
import type { Logger } from "../log/logger.js";
import type { CastingSwitch } from "../spaces/castingSwitch.js";
import { createSpaceAdmin } from "../spaces/spaceAdmin.js";
import { createProfileCompiler } from "../values/createProfileCompiler.js";
import type { DecisionService } from "../values/decisionService.js";
import { createProfileStore } from "../values/profileStore.js";
import type { TaxonomyStore } from "../values/taxonomyStore.js";
import { createKeyring } from "../voting/keyring.js";
import { createMemberAgents } from "../voting/memberAgents.js";
import type { OverrideStore } from "../voting/overrideStore.js";
import { signLoginLink } from "../web/loginLink.js";
import { createStewardRegistry } from "../web/stewardRegistry.js";

/** Discord: the services its commands call, the logged-in client with the router, and the thread publisher's worker. */
export async function startDiscord(
  config: Config,
  deps: {
    db: Database;
    audit: AuditLog;
    queue: JobQueue;
    logger: Logger;
    taxonomies: TaxonomyStore;
    decisions: DecisionService;
    agentKeys: { mnemonic: Secret; local: boolean } | null;
    /** The web view's public base, for /audit's sign-in links; null when the web view does not run here. */
    publicUrl: string | null | undefined;
    outbox: NonNullable<ThreadPublisherOptions["outbox"]>;
    /** Built once in main.ts and shared with casting: one switch, one store of members' words. */
    casting: CastingSwitch;
    overrides: OverrideStore;
    /** The web view's signing secret (WEB_SIGNING_SECRET, or the demo's own); none: /audit says how to turn it on. */
    signingSecret: Secret | undefined;
    /** Each interaction's acknowledgement, for the metrics. */
    onAcknowledged?: (info: AcknowledgedInfo) => void;
  },
): Promise<{ stop: () => Promise<void> }> {
  const { db, audit, queue, logger, taxonomies, decisions, casting, overrides } = deps;
  const token = config.discord.token;
  if (!token) throw new Error("startDiscord needs DISCORD_TOKEN");
  const prisma = db.prisma;
  const compiler = await createProfileCompiler(config.llm, { prisma, effort: config.llm.effort });
  const profiles = createProfileStore({ prisma, audit, taxonomies, compiler });
  const signingSecret = deps.signingSecret;
  const publicUrl = deps.publicUrl;
  const keyring = deps.agentKeys ? createKeyring(deps.agentKeys.mnemonic) : null;
  const services = buildDiscordServices({
    prisma,
    audit,
    jobs: queue,
    spaces: createSpaceAdmin({ prisma, audit, liveCastingAvailable: deps.agentKeys?.local === false, keyring }),
    casting,
    members: createMemberAgents({
      prisma,
      audit,
      keyring,
    }),
    profiles,
    taxonomies,
    decisions,
    overrides,
    stewards: createStewardRegistry({ prisma, audit }),
    signLink:
      signingSecret && publicUrl
        ? (discordUserId) => signLoginLink({ secret: signingSecret, baseUrl: publicUrl, discordUserId })
        : null,
    castSafetyMarginSeconds: config.voting.castSafetyMarginSeconds,
  });
  const bot = await startBot({
    services,
    keyring,
    prisma,
    audit,
    queue,
    logger,
    casting,
    overrides,
    castSafetyMarginSeconds: config.voting.castSafetyMarginSeconds,
    connection: {
      token,
      apiUrl: config.discord.apiUrl,
      shards: config.discord.shards,
      shardCount: config.discord.shardCount,
    },
    stewardRole: config.discord.stewardRole,
    onAcknowledged: deps.onAcknowledged,
    outbox: deps.outbox,
    jobConcurrency: config.runtime.jobConcurrency,
  });
  return { stop: bot.stop };
}
