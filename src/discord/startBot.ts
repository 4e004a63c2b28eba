// The bot itself, once its services exist: warmed up, logged in, every interaction through the router, and the
// thread jobs worked through the same client. One assembly for production (startup/startDiscord.ts) and for the tests'
// Discord face, so what the tests drive is what runs.
import { type Client, Events } from "discord.js";
import { commands, components } from "../../commands/index.js";
import type { AuditLog } from "../audit/auditLog.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { announceProposal, remindProposal } from "../jobs/jobCatalog.js";
import type { JobQueue } from "../jobs/jobQueue.js";
import type { Logger } from "../log/logger.js";
import type { CastingSwitch } from "../spaces/castingSwitch.js";
import type { Keyring } from "../voting/keyring.js";
import type { OverrideStore } from "../voting/overrideStore.js";
import { createAnnounceHandler } from "./announceJob.js";
import { connectDiscord, type DiscordClientOptions } from "./discordClient.js";
import type { DiscordServices } from "./discordServices.js";
import { type AcknowledgedInfo, createInteractionRouter } from "./interactionRouter.js";
import type { LoadGauge } from "./loadGauge.js";
import { remind } from "./reminders.js";
import { createThreadPublisher, type ThreadPublisher, type ThreadPublisherOptions } from "./threadPublisher.js";
import { warmUp } from "./warmUp.js";

export interface BotOptions {
  services: DiscordServices;
  /** The members' agent keys, warmed up with the services; none where no mnemonic is configured. */
  keyring: Keyring | null;
  prisma: PrismaClient;
  audit: AuditLog;
  queue: JobQueue;
  logger: Logger;
  casting: CastingSwitch;
  overrides: OverrideStore;
  castSafetyMarginSeconds: number;
  connection: Omit<DiscordClientOptions, "logger">;
  stewardRole: string | undefined;
  /** The router's timing and load gauge (its defaults otherwise): tests make them predictable. */
  router?: { deferAfterMs?: number; load?: LoadGauge };
  /** Each interaction's acknowledgement, for the metrics. */
  onAcknowledged?: (info: AcknowledgedInfo) => void;
  /** The casting outbox, planned before a thread's plan message and told once it is posted. */
  outbox?: ThreadPublisherOptions["outbox"];
  /** Thread updates (and reminders) worked at once by this process. */
  jobConcurrency: number;
  /** Work thread updates and reminders here (default true); a test may leave them queued to drive them itself. */
  workThreads?: boolean;
}

export interface Bot {
  client: Client<true>;
  publisher: ThreadPublisher;
  /** Finishes the thread jobs in flight, then closes the client; the queue itself is the caller's to stop. */
  stop(): Promise<void>;
}

/** Starts the bot; the caller owns the queue and the database, and stops them after `stop`. */
export async function startBot(options: BotOptions): Promise<Bot> {
  const { services, queue, logger } = options;
  // First uses block the event loop for a while: paid before login, not by the first members' interactions.
  logger.info(await warmUp({ ...services, keyring: options.keyring }), "discord warmed up");
  const client = await connectDiscord({ ...options.connection, logger });
  const router = createInteractionRouter({
    commands,
    components,
    services,
    stewardRole: options.stewardRole,
    logger,
    deferAfterMs: options.router?.deferAfterMs,
    load: options.router?.load,
    onAcknowledged: options.onAcknowledged,
  });
  client.on(Events.InteractionCreate, (interaction) => void router(interaction));
  const publisher = createThreadPublisher({
    prisma: options.prisma,
    audit: options.audit,
    client,
    casting: options.casting,
    overrides: options.overrides,
    castSafetyMarginSeconds: options.castSafetyMarginSeconds,
    logger,
    outbox: options.outbox,
  });
  if (options.workThreads !== false) {
    // Thread updates run where the gateway is connected: the publisher needs the client's channel cache.
    await queue.work(announceProposal, createAnnounceHandler({ publisher, logger }), {
      concurrency: options.jobConcurrency,
    });
    await queue.work(remindProposal, async ({ proposalId }) => {
      const report = await remind({ prisma: options.prisma, publisher }, proposalId);
      logger.info({ proposalId, status: report.status }, "reminder handled");
    });
  }
  return {
    client,
    publisher,
    async stop() {
      // Thread updates and reminders in flight post through this client: they end before it closes, or they fail and
      // run again after their retry delay. Other kinds of job keep working until the queue stops.
      if (options.workThreads !== false) await queue.stopWorking([announceProposal, remindProposal]);
      await client.destroy();
    },
  };
}
