// The composition root: config → database → audit and jobs → workers → web. The only file that wires production
// parts together; everything else receives its dependencies.
import { resolve } from "node:path";
import { Events } from "discord.js";
import { commands, components } from "../commands/index.js";
import { type AuditLog, createAuditLog } from "./audit/auditLog.js";
import { reportFatal } from "./cli/reportFatal.js";
import type { Config } from "./config/loadConfig.js";
import { loadConfig } from "./config/loadConfig.js";
import { loadEnvFile } from "./config/loadEnvFile.js";
import type { Secret } from "./config/secret.js";
import { secretValues } from "./config/secretValues.js";
import type { Database } from "./db/database.js";
import { migrate, pendingMigrations, readMigrations } from "./db/migrate.js";
import { openDatabase } from "./db/openDatabase.js";
import { createDigester } from "./digest/createDigester.js";
import { createDigestJobHandler } from "./digest/digestJob.js";
import { createDigestService } from "./digest/digestService.js";
import { createAnnounceHandler } from "./discord/announceJob.js";
import { buildDiscordServices } from "./discord/buildDiscordServices.js";
import { connectDiscord } from "./discord/discordClient.js";
import { createInteractionRouter } from "./discord/interactionRouter.js";
import { remind } from "./discord/reminders.js";
import { createThreadPublisher, type ThreadPublisherOptions } from "./discord/threadPublisher.js";
import {
  announceProposal,
  castDueVotes,
  decideProposal,
  digestProposal,
  jobCatalog,
  remindProposal,
  systemPing,
} from "./jobs/jobCatalog.js";
import { createJobQueue, type JobQueue } from "./jobs/jobQueue.js";
import { createPingHandler } from "./jobs/pingJob.js";
import { createLogger, type Logger } from "./log/logger.js";
import { createDiscourseClient } from "./sources/forum/discourseClient.js";
import { createForumReader } from "./sources/forum/forumReader.js";
import { createChainClient } from "./sources/governor/chainClient.js";
import { createGovernorWatcher } from "./sources/governor/governorWatcher.js";
import { createHubClient } from "./sources/snapshot/hubClient.js";
import { createSnapshotWatcher } from "./sources/snapshot/snapshotWatcher.js";
import type { EndingSoon } from "./sources/snapshot/stateSweep.js";
import { createSnapshotVoteReader } from "./sources/snapshot/voteReader.js";
import { createSnapshotWebhookRoute } from "./sources/snapshot/webhookRoute.js";
import { createTallyClient } from "./sources/tally/tallyClient.js";
import { createTallyWatcher } from "./sources/tally/tallyWatcher.js";
import { createCastingSwitch } from "./spaces/castingSwitch.js";
import { createSpaceAdmin } from "./spaces/spaceAdmin.js";
import { startupSummary } from "./startupSummary.js";
import { createProfileCompiler } from "./values/createProfileCompiler.js";
import { createDecideHandler } from "./values/decideJob.js";
import { createDecisionService, type DecideReport, type DecisionService } from "./values/decisionService.js";
import { createProfileStore } from "./values/profileStore.js";
import { createTaxonomyStore, type TaxonomyStore } from "./values/taxonomyStore.js";
import { createAnnouncements } from "./voting/announcements.js";
import { createCastJobHandler, startCastTicker } from "./voting/castJob.js";
import { createCastOutbox } from "./voting/castOutbox.js";
import { createCastPlanner } from "./voting/castPlanner.js";
import { createKeyring } from "./voting/keyring.js";
import { loadOrCreateLocalMnemonic } from "./voting/localMnemonic.js";
import { createMemberAgents } from "./voting/memberAgents.js";
import { createOverrideStore } from "./voting/overrideStore.js";
import { createSnapshotCaster } from "./voting/snapshot/snapshotCaster.js";
import { createSnapshotCastRunner } from "./voting/snapshotCastRunner.js";
import { healthzRoute, metricsRoute, readyzRoute } from "./web/healthRoutes.js";
import { signLoginLink } from "./web/loginLink.js";
import { createMetrics } from "./web/metrics.js";
import { createStewardRegistry } from "./web/stewardRegistry.js";
import { createStewardWeb } from "./web/stewardWeb.js";
import { createWebServer, type Route, type WebServer } from "./web/webServer.js";

const MIGRATIONS_DIR = resolve(import.meta.dirname, "../prisma/migrations");

async function main(): Promise<void> {
  const envFile = loadEnvFile();
  const config = loadConfig(process.env);
  const agentKeys = agentMnemonic(config);
  const logger = createLogger({
    level: config.log.level,
    secrets: [...secretValues(config), ...(agentKeys ? [agentKeys.mnemonic.reveal()] : [])],
  });
  const stoppers: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stoppers.reverse()) await stop();
  };
  installSignalHandlers(logger, stopAll);

  try {
    const db = await openDatabase({
      url: config.database.url?.reveal(),
      dataDir: config.database.dataDir,
      poolSize: config.database.poolSize,
      onIdleError: (error) => logger.warn({ err: error }, "an idle database connection failed; the pool replaces it"),
    });
    stoppers.push(() => db.close());
    const migrations = await readMigrations(MIGRATIONS_DIR);
    const report = await migrate(db.sql, migrations);

    const audit = createAuditLog({ prisma: db.prisma });
    const queue = createJobQueue({
      sql: db.sql,
      catalog: jobCatalog,
      onError: (error) => logger.error({ err: error }, "job queue error"),
    });
    await queue.start();
    stoppers.push(() => queue.stop());

    // The services every face and worker shares, built once: the CLI, Discord and the workers apply the same checks.
    const discordOn = config.discord.enabled && ["all", "gateway"].includes(config.runtime.role);
    const refreshThread = async (proposalId: string) => {
      if (discordOn) await queue.enqueue(announceProposal, { proposalId }, { singletonKey: proposalId });
    };
    // A taxonomy edit re-decides the space; the store is built first, so the callback reaches the service late.
    const taxonomies = createTaxonomyStore({
      prisma: db.prisma,
      audit,
      onChanged: async (spaceId) => {
        for (const report of await decisions.redecideSpace(spaceId)) await refreshThread(report.proposalId);
      },
    });
    const decisions = createDecisionService({ prisma: db.prisma, audit, taxonomies });

    const casts = castingParts(config, { db, audit, logger, agentKeys });

    const runWorkers = config.runtime.workersEnabled && ["all", "worker"].includes(config.runtime.role);
    if (runWorkers) {
      const concurrency = config.runtime.jobConcurrency;
      await queue.work(systemPing, createPingHandler({ audit }), { concurrency });
      // digest → values → discord: a stored digest enqueues values.decide (no LLM), whose result updates the thread.
      const digester = await createDigester(config.llm, { effort: config.llm.effort });
      const digests = createDigestService({ prisma: db.prisma, audit, digester, jobs: queue });
      await queue.work(digestProposal, createDigestJobHandler({ service: digests }), { concurrency });
      const onDecided = async (report: DecideReport) => {
        if (report.status !== "decided") return;
        // Outbox rows first, so the thread's plan shows exactly what will be cast.
        await casts.planner.plan(report.proposalId);
        await refreshThread(report.proposalId);
      };
      await queue.work(decideProposal, createDecideHandler({ decisions, onDecided }), { concurrency });
      // voting.cast: claims due votes (after their announced veto window) and casts them; any number of workers.
      await queue.work(castDueVotes, casts.jobHandler, { concurrency });
      const stopTicker = startCastTicker({ queue, job: castDueVotes, logger });
      stoppers.push(async () => stopTicker());
    }

    // The watcher is a singleton per deployment (two would only double hub requests): it runs in all|gateway.
    const extraRoutes: Route[] = [];
    // With Discord on, stewards may add Snapshot spaces at any time (/space add), so the watcher runs even with an
    // empty SNAPSHOT_SPACES; it polls the hub only while some space is watched.
    // A proposal about to end gets its reminder (members who must act) in its thread.
    const onEndingSoon = async (events: readonly EndingSoon[]) => {
      if (!discordOn) return;
      for (const event of events) {
        await queue.enqueue(remindProposal, { proposalId: event.proposalId }, { singletonKey: event.proposalId });
      }
    };
    if ((config.sources.snapshotEnabled || discordOn) && ["all", "gateway"].includes(config.runtime.role)) {
      const snapshot = startSnapshot(config.sources, { db, audit, queue, logger, onEndingSoon });
      stoppers.push(snapshot.stop);
      if (snapshot.webhookRoute) extraRoutes.push(snapshot.webhookRoute);
    }

    if (config.sources.governorEnabled && ["all", "gateway"].includes(config.runtime.role)) {
      const governors = startGovernors(config, { db, audit, queue, logger, onEndingSoon });
      stoppers.push(governors.stop);
    }

    let webUrl: string | null = null;
    if (["all", "web", "gateway"].includes(config.runtime.role)) {
      // The stewards' pages; without WEB_SIGNING_SECRET they answer 503 saying how to turn them on.
      extraRoutes.push(
        ...createStewardWeb({
          prisma: db.prisma,
          sql: db.sql,
          audit,
          signingSecret: config.web.signingSecret,
          publicUrl: config.web.publicUrl,
        }),
      );
      const web = startWeb(db, queue, migrations, logger, extraRoutes);
      webUrl = await web.listen(config.web.port, config.web.host);
      stoppers.push(() => web.close());
    }

    if (discordOn) {
      const publicUrl = config.web.publicUrl ?? webUrl;
      const discord = await startDiscord(config, {
        db,
        audit,
        queue,
        logger,
        taxonomies,
        decisions,
        agentKeys,
        publicUrl,
        outbox: {
          plan: (proposalId) => casts.planner.plan(proposalId),
          announced: (proposalId, at) => casts.announcements.markAnnounced(proposalId, at, { planLoadedAt: at }),
        },
      });
      stoppers.push(discord.stop);
    }

    for (const line of startupSummary({
      config,
      envFile,
      database: db,
      migrations: report,
      webUrl,
      workersRunning: runWorkers,
    })) {
      process.stdout.write(`${line}\n`);
    }
    await audit.append({ action: "system.started", actor: "system", data: { role: config.runtime.role } });
    if (runWorkers) await queue.enqueue(systemPing, { note: "start-up", requestedAt: new Date().toISOString() });
    process.stdout.write("Tribune is ready.\n");
    logger.info({ webUrl }, "ready");
  } catch (error) {
    await stopAll().catch((stopError: unknown) => logger.error({ err: stopError }, "error while stopping"));
    throw error;
  }
}

/**
 * Casting: the planner (decisions and members' words → outbox rows), announcements (after the thread shows them) and
 * the cast job. Votes are signed only with a configured AGENT_MNEMONIC, never the data folder's generated one.
 */
function castingParts(
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

/** The agent mnemonic: the configured one, or on the embedded defaults one made for the data folder. */
function agentMnemonic(config: Config): { mnemonic: Secret; local: boolean } | null {
  if (config.voting.agentMnemonic) return { mnemonic: config.voting.agentMnemonic, local: false };
  if (config.database.url) return null;
  return { mnemonic: loadOrCreateLocalMnemonic(config.database.dataDir).mnemonic, local: true };
}

/** Discord: the services its commands call, the logged-in client with the router, and the thread publisher's worker. */
async function startDiscord(
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
  },
): Promise<{ stop: () => Promise<void> }> {
  const { db, audit, queue, logger, taxonomies, decisions } = deps;
  const token = config.discord.token;
  if (!token) throw new Error("startDiscord needs DISCORD_TOKEN");
  const prisma = db.prisma;
  const casting = createCastingSwitch({ prisma, audit });
  const overrides = createOverrideStore({ prisma, audit });
  const compiler = await createProfileCompiler(config.llm, { prisma, effort: config.llm.effort });
  const profiles = createProfileStore({ prisma, audit, taxonomies, compiler });
  const signingSecret = config.web.signingSecret;
  const publicUrl = deps.publicUrl;
  const services = buildDiscordServices({
    prisma,
    audit,
    jobs: queue,
    spaces: createSpaceAdmin({ prisma, audit, liveCastingAvailable: deps.agentKeys?.local === false }),
    casting,
    members: createMemberAgents({
      prisma,
      audit,
      keyring: deps.agentKeys ? createKeyring(deps.agentKeys.mnemonic) : null,
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
  const client = await connectDiscord({ token, apiUrl: config.discord.apiUrl, logger });
  const router = createInteractionRouter({
    commands,
    components,
    services,
    stewardRole: config.discord.stewardRole,
    logger,
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
  return { stop: () => client.destroy() };
}

function startWeb(
  db: Database,
  queue: JobQueue,
  migrations: Awaited<ReturnType<typeof readMigrations>>,
  logger: Logger,
  extraRoutes: readonly Route[],
): WebServer {
  const metrics = createMetrics({
    queueDepth: () => queue.depth(),
    auditEntries: () => db.prisma.auditEntry.count(),
  });
  const readiness = async () => {
    const checks: { name: string; ok: boolean; detail?: string }[] = [];
    const attempt = async (name: string, check: () => Promise<string | undefined>) => {
      try {
        const problem = await check();
        checks.push(problem ? { name, ok: false, detail: problem } : { name, ok: true });
      } catch (error) {
        checks.push({ name, ok: false, detail: error instanceof Error ? error.message : String(error) });
      }
    };
    await attempt("database", async () => {
      await db.sql.query("SELECT 1");
      return undefined;
    });
    await attempt("migrations", async () => {
      const pending = await pendingMigrations(db.sql, migrations);
      return pending.length > 0 ? `pending: ${pending.join(", ")}` : undefined;
    });
    await attempt("queue", async () => {
      await queue.depth();
      return undefined;
    });
    return checks;
  };
  return createWebServer({
    routes: [healthzRoute, readyzRoute(readiness), metricsRoute(metrics), ...extraRoutes],
    onError: (error, errorId) => logger.error({ err: error, errorId }, "web request failed"),
  });
}

/** Snapshot: the watcher (polls, hints), the forum reader it feeds, and the webhook route when a secret is set. */
function startSnapshot(
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

/** Governor DAOs: one chain client per configured chain, and the watcher reading every Governor from them. */
function startGovernors(
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
  const clients = new Map(
    Object.entries(config.sources.rpcUrls).map(([id, url]) => [
      Number(id),
      createChainClient({ chainId: Number(id), url, timeoutMs: config.governor.rpcTimeoutMs }),
    ]),
  );
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

function installSignalHandlers(logger: Logger, stopAll: () => Promise<void>): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      process.stderr.write(`Tribune: ${signal} again, exiting without waiting.\n`);
      process.exit(130);
    }
    stopping = true;
    process.stdout.write(`Tribune: ${signal} received, stopping (running jobs finish first)…\n`);
    stopAll().then(
      () => {
        process.stdout.write("Tribune stopped.\n");
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, "error while stopping");
        process.exit(1);
      },
    );
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
}

main().catch((error: unknown) => {
  process.exit(reportFatal("Tribune cannot start", error));
});
