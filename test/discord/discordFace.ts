// Tribune's Discord face over a database the caller brings: the services built as startup/startDiscord.ts builds them
// (test keys, the offline compiler unless a test brings a slow one), then the bot production starts (discord/startBot.ts):
// the REAL discord.js client logged in to a fake Discord on loopback, the interaction router, the thread publisher and
// its jobs. Tests reach it through discordHarness.ts (a test database each). The benchmark connects it to a fake
// Discord running in a worker thread (connectTribune), so the fake's own work does not slow the bot it measures.
import type { Client } from "discord.js";
import { definitions } from "../../commands/index.js";
import { type AuditLog, createAuditLog } from "../../src/audit/auditLog.js";
import { Secret } from "../../src/config/secret.js";
import type { Database } from "../../src/db/database.js";
import { buildDiscordServices } from "../../src/discord/buildDiscordServices.js";
import { deployCommands } from "../../src/discord/deployCommands.js";
import type { DiscordServices } from "../../src/discord/discordServices.js";
import type { AcknowledgedInfo } from "../../src/discord/interactionRouter.js";
import type { LoadGauge } from "../../src/discord/loadGauge.js";
import { startBot } from "../../src/discord/startBot.js";
import type { ThreadPublisher } from "../../src/discord/threadPublisher.js";
import type { PrismaClient } from "../../src/generated/prisma/client.js";
import { announceProposal, jobCatalog } from "../../src/jobs/jobCatalog.js";
import { createJobQueue, type JobQueue } from "../../src/jobs/jobQueue.js";
import { createLogger, type Logger } from "../../src/log/logger.js";
import { createCastingSwitch } from "../../src/spaces/castingSwitch.js";
import { createSpaceAdmin } from "../../src/spaces/spaceAdmin.js";
import { createDecisionService, type DecisionService } from "../../src/values/decisionService.js";
import { offlineProfileCompiler } from "../../src/values/offlineCompiler.js";
import type { ProfileCompiler } from "../../src/values/profileCompiler.js";
import { createProfileStore } from "../../src/values/profileStore.js";
import { createTaxonomyStore } from "../../src/values/taxonomyStore.js";
import { createKeyring } from "../../src/voting/keyring.js";
import { createMemberAgents } from "../../src/voting/memberAgents.js";
import { createOverrideStore } from "../../src/voting/overrideStore.js";
import { signLoginLink } from "../../src/web/loginLink.js";
import { createStewardRegistry } from "../../src/web/stewardRegistry.js";
import {
  type FakeDiscord,
  type FakeDiscordOptions,
  type FakeGuildConfig,
  startFakeDiscord,
} from "../fakes/discord/fakeDiscord.js";

export const APP = "1190000000000000001";
export const GUILD = "1190000000000000002";
export const CHANNEL = "1190000000000000003";
export const OWNER = "1190000000000000004";
/** A member who will set a profile. */
export const ALICE = "1190000000000000005";
/** Another member. */
export const BOB = "1190000000000000006";
/** Holds the steward role. */
export const SAM = "1190000000000000007";
/** In the server, never used Tribune. */
export const NEWCOMER = "1190000000000000008";
export const STEWARD_ROLE = "1190000000000000009";
/** May manage the server (so Discord shows steward commands) but does not hold the steward role. */
export const MANAGER = "1190000000000000010";
export const MANAGER_ROLE = "1190000000000000011";

/** The standard test mnemonic (never holds funds): agent n is the well-known test account n. */
export const TEST_MNEMONIC = "test test test test test test test test test test test junk";
/** Signs /audit's sign-in links. */
export const SIGNING_SECRET = "discord-harness-signing-secret-0123456789";
/** Where /audit's sign-in links point. */
export const WEB_BASE_URL = "http://127.0.0.1:1";

export interface DiscordFaceOptions {
  /** How long a handler may take before the router defers for it (the router's default otherwise). */
  deferAfterMs?: number;
  /** When the router counts the bot as busy (the router's own gauge otherwise). */
  load?: LoadGauge;
  /** Told of every acknowledgement the router makes (as the metrics would be). */
  onAcknowledged?: (info: AcknowledgedInfo) => void;
  /** Work the thread jobs (updates and reminders) as production does (default true); false leaves them queued. */
  workAnnounce?: boolean;
  /** Turns a profile statement into weights (default: the offline compiler); a test may make it slow, like an LLM. */
  compiler?: ProfileCompiler;
  /** Whether an agent mnemonic is configured, so spaces may go live (default true). */
  liveCastingAvailable?: boolean;
  /** Wraps the database client the services use: a slow or failing database. The job queue keeps the real one. */
  wrapPrisma?: (prisma: PrismaClient) => PrismaClient;
  /** More plain members of the guild (user ids), e.g. the benchmark's crowd. */
  extraMembers?: readonly string[];
  /** Passed to the fake Discord (rate limits, deadlines, archived-thread rules). */
  fake?: Partial<Omit<FakeDiscordOptions, "applicationId" | "guilds">>;
}

/** Tribune's Discord face, logged in to a Discord at some address. */
export interface TribuneOnDiscord {
  client: Client<true>;
  services: DiscordServices;
  publisher: ThreadPublisher;
  queue: JobQueue;
  audit: AuditLog;
  /** The decision engine's service, for seeding decisions as the digest pipeline would. */
  decider: DecisionService;
  /** Every log line, as JSON text. */
  logLines: string[];
  close(): Promise<void>;
}

/** Tribune's face and the fake Discord it is logged in to. */
export interface DiscordFace extends TribuneOnDiscord {
  discord: FakeDiscord;
}

/** The test guild: an owner, two members, a steward, a newcomer, a manager without the steward role, and `extra`. */
export function testGuild(extraMembers: readonly string[] = []): FakeGuildConfig {
  return {
    id: GUILD,
    name: "Tribune DAO",
    ownerId: OWNER,
    // Stewards manage the server's integrations, so Discord offers them the commands whose
    // default_member_permissions is Manage Server; Tribune still checks the role itself on every call.
    roles: [
      { id: STEWARD_ROLE, name: "Steward", permissions: "32" },
      { id: MANAGER_ROLE, name: "Manager", permissions: "32" },
    ],
    channels: [{ id: CHANNEL, name: "governance", type: 0 }],
    members: [
      { userId: OWNER, username: "founder" },
      { userId: ALICE, username: "alice" },
      { userId: BOB, username: "bob" },
      { userId: SAM, username: "sam", roles: [STEWARD_ROLE] },
      { userId: NEWCOMER, username: "newcomer" },
      { userId: MANAGER, username: "manager", roles: [MANAGER_ROLE] },
      ...extraMembers.map((userId, i) => ({ userId, username: `member${i}` })),
    ],
  };
}

/** Starts the fake Discord and Tribune's Discord face over `db`; `close` stops both (the database stays). */
export async function startDiscordFace(db: Database, options: DiscordFaceOptions = {}): Promise<DiscordFace> {
  const discord = await startFakeDiscord({
    ...options.fake,
    applicationId: APP,
    guilds: [testGuild(options.extraMembers)],
  });
  try {
    const face = await connectTribune(db, { apiUrl: discord.apiUrl, token: discord.token }, options);
    return {
      ...face,
      discord,
      async close() {
        // Tribune's client first, or it reconnects to the fake as the fake goes away.
        await face.close();
        await discord.close();
      },
    };
  } catch (error) {
    await discord.close();
    throw error;
  }
}

/** Tribune's Discord face over `db`, logged in to the Discord at `apiUrl` (a fake here, or one in another thread). */
export async function connectTribune(
  db: Database,
  discord: { apiUrl: string; token: string },
  options: Omit<DiscordFaceOptions, "extraMembers" | "fake"> = {},
): Promise<TribuneOnDiscord> {
  const prisma = options.wrapPrisma ? options.wrapPrisma(db.prisma) : db.prisma;
  const logLines: string[] = [];
  const logger: Logger = createLogger({
    level: "info",
    secrets: [TEST_MNEMONIC, SIGNING_SECRET],
    destination: { write: (line: string) => logLines.push(line) },
  });
  const token = new Secret(discord.token);
  await deployCommands(
    {
      enabled: true,
      token,
      applicationId: APP,
      guildId: GUILD,
      apiUrl: discord.apiUrl,
      stewardRole: STEWARD_ROLE,
      shards: "auto",
      shardCount: undefined,
    },
    definitions,
  );
  const keyring = createKeyring(new Secret(TEST_MNEMONIC));
  const audit = createAuditLog({ prisma });
  const queue = createJobQueue({
    sql: db.sql,
    catalog: jobCatalog,
    onError: (error) => logger.error({ err: error }, "queue"),
    // Production polls every 2 s per worker; tests poll at pg-boss's fastest so threads follow clicks quickly.
    pollingIntervalSeconds: 0.5,
  });
  await queue.start();
  const refreshThread = async (proposalId: string) => {
    await queue.enqueue(announceProposal, { proposalId }, { singletonKey: proposalId });
  };
  // As main.ts: a taxonomy edit re-decides the space, and the threads follow.
  const taxonomies = createTaxonomyStore({
    prisma,
    audit,
    onChanged: async (spaceId) => {
      for (const report of await decider.redecideSpace(spaceId)) await refreshThread(report.proposalId);
    },
  });
  const decider = createDecisionService({ prisma, audit, taxonomies });
  const casting = createCastingSwitch({ prisma, audit });
  const overrides = createOverrideStore({ prisma, audit });
  const services = buildDiscordServices({
    prisma,
    audit,
    jobs: queue,
    // The same keyring members' agents come from gives a pooled space its delegate (also when the keys are local
    // and live casting is off: pooled dry-runs need an address too).
    spaces: createSpaceAdmin({
      prisma,
      audit,
      liveCastingAvailable: options.liveCastingAvailable ?? true,
      keyring,
    }),
    casting,
    members: createMemberAgents({ prisma, audit, keyring }),
    profiles: createProfileStore({ prisma, audit, taxonomies, compiler: options.compiler ?? offlineProfileCompiler }),
    taxonomies,
    decisions: decider,
    overrides,
    stewards: createStewardRegistry({ prisma, audit }),
    signLink: (discordUserId) =>
      signLoginLink({ secret: new Secret(SIGNING_SECRET), baseUrl: WEB_BASE_URL, discordUserId }),
    castSafetyMarginSeconds: 60,
  });
  // The bot as production starts it (startDiscord.ts): the same router, publisher and thread jobs.
  const bot = await startBot({
    services,
    keyring,
    prisma,
    audit,
    queue,
    logger,
    casting,
    overrides,
    castSafetyMarginSeconds: 60,
    connection: { token, apiUrl: discord.apiUrl, readyTimeoutMs: 20_000 },
    stewardRole: STEWARD_ROLE,
    router: { deferAfterMs: options.deferAfterMs, load: options.load },
    onAcknowledged: options.onAcknowledged,
    jobConcurrency: 2,
    workThreads: options.workAnnounce,
  });
  return {
    client: bot.client,
    services,
    publisher: bot.publisher,
    queue,
    audit,
    decider,
    logLines,
    async close() {
      await bot.stop();
      await queue.stop();
    },
  };
}
