// Start-up wiring, split from main.ts by part: the Discord face (services, client, router, thread jobs).
import { Events } from "discord.js";
import { commands, components } from "../../commands/index.js";
import type { AuditLog } from "../audit/auditLog.js";
import type { Config } from "../config/loadConfig.js";
import type { Secret } from "../config/secret.js";
import type { Database } from "../db/database.js";
import { createAnnounceHandler } from "../discord/announceJob.js";
import { buildDiscordServices } from "../discord/buildDiscordServices.js";
import { connectDiscord } from "../discord/discordClient.js";
import { type AcknowledgedInfo, createInteractionRouter } from "../discord/interactionRouter.js";
import { remind } from "../discord/reminders.js";
import { createThreadPublisher, type ThreadPublisherOptions } from "../discord/threadPublisher.js";
import { warmUp } from "../discord/warmUp.js";
import { announceProposal, remindProposal } from "../jobs/jobCatalog.js";
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
  // First uses block the event loop for a while: paid before login, not by the first members' interactions.
  logger.info(await warmUp({ ...services, keyring }), "discord warmed up");
  const client = await connectDiscord({
    token,
    apiUrl: config.discord.apiUrl,
    logger,
    shards: config.discord.shards,
    shardCount: config.discord.shardCount,
  });
  const router = createInteractionRouter({
    commands,
    components,
    services,
    stewardRole: config.discord.stewardRole,
    logger,
    onAcknowledged: deps.onAcknowledged,
  });
  client.on(Events.InteractionCreate, (interaction) => void router(interaction));
  const publisher = createThreadPublisher({
    prisma,
    audit,
    client,
    casting,
    overrides,
    castSafetyMarginSeconds: config.voting.castSafetyMarginSeconds,
    logger,
    outbox: deps.outbox,
  });
  // Thread updates run where the gateway is connected: the publisher needs the client's channel cache.
  await queue.work(announceProposal, createAnnounceHandler({ publisher, logger }), {
    concurrency: config.runtime.jobConcurrency,
  });
  await queue.work(remindProposal, async ({ proposalId }) => {
    const report = await remind({ prisma, publisher }, proposalId);
    logger.info({ proposalId, status: report.status }, "reminder handled");
  });
  return {
    stop: async () => {
      // Thread updates and reminders in flight post through this client: they end before it closes, or they fail and
      // run again after their retry delay. Other kinds of job keep working until the queue stops.
      await queue.stopWorking([announceProposal, remindProposal]);
      await client.destroy();
    },
  };
}
