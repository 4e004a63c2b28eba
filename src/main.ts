// The composition root: config → database → audit and jobs → workers → web. Production parts are wired only here
// and in src/startup/ (one file per part it starts); everything else receives its dependencies.
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { resolve } from "node:path";
import { createAuditLog } from "./audit/auditLog.js";
import { reportFatal } from "./cli/reportFatal.js";
import { isDemo } from "./config/demo.js";
import { loadConfig } from "./config/loadConfig.js";
import { loadEnvFile } from "./config/loadEnvFile.js";
import { secretValues } from "./config/secretValues.js";
import { migrate, readMigrations } from "./db/migrate.js";
import { openDatabase } from "./db/openDatabase.js";
import { loadOrCreateLocalSigningSecret } from "./demo/localSigningSecret.js";
import { createDigester } from "./digest/createDigester.js";
import { createDigestJobHandler } from "./digest/digestJob.js";
import { createDigestService } from "./digest/digestService.js";
import type { AcknowledgedInfo } from "./discord/interactionRouter.js";
import {
  announceProposal,
  castDueVotes,
  decideProposal,
  digestProposal,
  jobCatalog,
  remindProposal,
  systemPing,
} from "./jobs/jobCatalog.js";
import { createJobQueue } from "./jobs/jobQueue.js";
import { createPingHandler } from "./jobs/pingJob.js";
import { startWorkerLiveness } from "./jobs/workerLiveness.js";
import { createLogger } from "./log/logger.js";
import type { EndingSoon } from "./sources/snapshot/stateSweep.js";
import { agentMnemonic } from "./startup/agentMnemonic.js";
import { castingParts } from "./startup/castingParts.js";
import { createProgress } from "./startup/progress.js";
import { installSignalHandlers } from "./startup/signalHandlers.js";
import { startDemo } from "./startup/startDemo.js";
import { startDiscord } from "./startup/startDiscord.js";
import { startGovernors } from "./startup/startGovernors.js";
import { startSnapshot } from "./startup/startSnapshot.js";
import { startWeb } from "./startup/startWeb.js";
import { startupSummary } from "./startupSummary.js";
import { createDecideHandler } from "./values/decideJob.js";
import { createDecisionService, type DecideReport } from "./values/decisionService.js";
import { createTaxonomyStore } from "./values/taxonomyStore.js";
import { startCastTicker } from "./voting/castJob.js";
import { createStewardWeb } from "./web/stewardWeb.js";
import type { Route } from "./web/webServer.js";

const MIGRATIONS_DIR = resolve(import.meta.dirname, "../prisma/migrations");

async function main(): Promise<void> {
  const envFile = loadEnvFile();
  const config = loadConfig(process.env);
  const agentKeys = agentMnemonic(config);
  // The zero-config demo (nothing real configured): bundled proposals replayed in dry-run, with stewards' pages on a
  // signing secret made for the data folder.
  const demoOn = isDemo(config) && ["all", "gateway"].includes(config.runtime.role);
  const localSecret =
    demoOn && !config.web.signingSecret ? loadOrCreateLocalSigningSecret(config.database.dataDir) : null;
  const signingSecret = config.web.signingSecret ?? localSecret?.secret;
  const progress = createProgress();
  const logger = createLogger({
    level: config.log.level,
    secrets: [
      ...secretValues(config),
      ...(agentKeys ? [agentKeys.mnemonic.reveal()] : []),
      ...(localSecret ? [localSecret.secret.reveal()] : []),
    ],
  });
  const stoppers: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stoppers.reverse()) await stop();
  };
  installSignalHandlers(logger, stopAll);

  try {
    progress.update(config.database.url ? "database: connecting…" : "database: opening the embedded database…");
    const db = await openDatabase({
      url: config.database.url?.reveal(),
      dataDir: config.database.dataDir,
      poolSize: config.database.poolSize,
      // Only what says why: pg attaches the whole client (connection parameters, cancel key) to this error.
      onIdleError: (error) =>
        logger.warn(
          { code: (error as { code?: string }).code, reason: error.message },
          "an idle database connection failed; the pool replaces it",
        ),
    });
    stoppers.push(() => db.close());
    const migrations = await readMigrations(MIGRATIONS_DIR);
    progress.update(`database: checking ${migrations.length} migration(s)…`);
    const report = await migrate(db.sql, migrations);
    progress.done(`database: ${report.applied.length} migration(s) applied, ${report.alreadyApplied} already there`);

    const audit = createAuditLog({ prisma: db.prisma });
    // On PostgreSQL several processes share the queue; each holds a liveness lock so the others can hand back the jobs
    // it was working should it die (jobs/workerLiveness.ts).
    const databaseUrl = config.database.url?.reveal();
    const liveness =
      db.engine === "postgres" && databaseUrl
        ? await startWorkerLiveness({
            url: databaseUrl,
            instanceId: `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
            onError: (error) => logger.warn({ reason: error.message }, "job liveness connection: reconnecting"),
          })
        : undefined;
    if (liveness) stoppers.push(() => liveness.close());
    const queue = createJobQueue({
      sql: db.sql,
      liveness,
      catalog: jobCatalog,
      onError: (error) => logger.error({ err: error }, "job queue error"),
      // The embedded database's folder is locked to this process, so no one else can be working its jobs.
      exclusive: db.engine === "pglite",
    });
    const { orphansRetried } = await queue.start();
    if (orphansRetried > 0) {
      logger.warn({ jobs: orphansRetried }, "jobs an earlier run left unfinished are retried now");
    }
    stoppers.push(() => queue.stop());

    // The services every face and worker shares, built once: the CLI, Discord and the workers apply the same checks.
    const discordOn = config.discord.enabled && ["all", "gateway"].includes(config.runtime.role);
    // Any process may ask for a thread update (a worker deciding, a gateway's steward command); the gateway, the only
    // process connected to Discord, works the announce jobs. So the ask depends on Discord being configured at all.
    const refreshThread = async (proposalId: string) => {
      if (config.discord.enabled) await queue.enqueue(announceProposal, { proposalId }, { singletonKey: proposalId });
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

    // A vote cast, failed or skipped refreshes its thread, whose receipts say what happened and why.
    const casts = castingParts(config, {
      db,
      audit,
      logger,
      agentKeys,
      onSettled: (row) => refreshThread(row.proposalId),
    });

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
      if (!config.discord.enabled) return;
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
    let observeInteraction: ((info: AcknowledgedInfo) => void) | undefined;
    let healthUrl: string | null = null;
    if (config.runtime.role === "worker" && config.runtime.healthPort !== null) {
      // A worker serves no pages: only what its orchestrator and Prometheus ask of it.
      const health = startWeb(db, queue, migrations, logger, []);
      healthUrl = await health.listen(config.runtime.healthPort, config.web.host);
      stoppers.push(() => health.close());
    }
    if (["all", "web", "gateway"].includes(config.runtime.role)) {
      // The stewards' pages; without WEB_SIGNING_SECRET they answer 503 saying how to turn them on.
      extraRoutes.push(
        ...createStewardWeb({
          prisma: db.prisma,
          sql: db.sql,
          audit,
          signingSecret,
          publicUrl: config.web.publicUrl,
        }),
      );
      const web = startWeb(db, queue, migrations, logger, extraRoutes);
      webUrl = await web.listen(config.web.port, config.web.host);
      observeInteraction = (info) => web.metrics.observeInteraction(info);
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
        onAcknowledged: observeInteraction,
        casting: casts.casting,
        overrides: casts.overrides,
        signingSecret,
        outbox: {
          plan: (proposalId) => casts.planner.plan(proposalId),
          announced: (proposalId, at) => casts.announcements.markAnnounced(proposalId, at, { planLoadedAt: at }),
        },
      });
      stoppers.push(discord.stop);
    }

    let demoLines: string[] = [];
    if (demoOn) {
      const demo = await startDemo(config, {
        db,
        audit,
        queue,
        logger,
        agentKeys,
        webUrl,
        signingSecret,
        signingSecretFile: localSecret?.path ?? null,
        waitForBatch: runWorkers,
        refreshThread: discordOn ? refreshThread : undefined,
        onEndingSoon,
        progress,
      });
      stoppers.push(demo.stop);
      demoLines = demo.summaryLines;
    }

    for (const line of startupSummary({
      // The demo's pages run on the data folder's own signing secret.
      config: { ...config, web: { ...config.web, signingSecret } },
      envFile,
      database: db,
      migrations: report,
      webUrl,
      healthUrl,
      workersRunning: runWorkers,
    })) {
      process.stdout.write(`${line}\n`);
    }
    for (const line of demoLines) process.stdout.write(`${line}\n`);
    await audit.append({ action: "system.started", actor: "system", data: { role: config.runtime.role } });
    if (runWorkers) await queue.enqueue(systemPing, { note: "start-up", requestedAt: new Date().toISOString() });
    process.stdout.write("Tribune is ready.\n");
    logger.info({ webUrl }, "ready");
  } catch (error) {
    await stopAll().catch((stopError: unknown) => logger.error({ err: stopError }, "error while stopping"));
    throw error;
  }
}

main().catch((error: unknown) => {
  process.exit(reportFatal("Tribune cannot start", error));
});
