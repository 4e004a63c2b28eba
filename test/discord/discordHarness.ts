// Tribune's Discord face, assembled as main.ts assembles it, over a real test database, a real job queue and the REAL
// discord.js client logged in to the fake Discord on loopback. Tests drive members' clicks through the fake and read
// what Discord would show.
import { randomUUID } from "node:crypto";
import { Events } from "discord.js";
import { commands, components, definitions } from "../../commands/index.js";
import { createAuditLog } from "../../src/audit/auditLog.js";
import { Secret } from "../../src/config/secret.js";
import type { Database } from "../../src/db/database.js";
import { createAnnounceHandler } from "../../src/discord/announceJob.js";
import { buildDiscordServices } from "../../src/discord/buildDiscordServices.js";
import { deployCommands } from "../../src/discord/deployCommands.js";
import { connectDiscord } from "../../src/discord/discordClient.js";
import type { DiscordServices } from "../../src/discord/discordServices.js";
import { createInteractionRouter } from "../../src/discord/interactionRouter.js";
import { createThreadPublisher, type ThreadPublisher } from "../../src/discord/threadPublisher.js";
import { announceProposal, jobCatalog } from "../../src/jobs/jobCatalog.js";
import { createJobQueue, type JobQueue } from "../../src/jobs/jobQueue.js";
import { createLogger, type Logger } from "../../src/log/logger.js";
import { createCastingSwitch } from "../../src/spaces/castingSwitch.js";
import { createSpaceAdmin } from "../../src/spaces/spaceAdmin.js";
import { createDecisionService } from "../../src/values/decisionService.js";
import { offlineProfileCompiler } from "../../src/values/offlineCompiler.js";
import { createProfileStore } from "../../src/values/profileStore.js";
import { createTaxonomyStore } from "../../src/values/taxonomyStore.js";
import { createKeyring } from "../../src/voting/keyring.js";
import { createMemberAgents } from "../../src/voting/memberAgents.js";
import { createOverrideStore } from "../../src/voting/overrideStore.js";
import { signLoginLink } from "../../src/web/loginLink.js";
import { createStewardRegistry } from "../../src/web/stewardRegistry.js";
import { type FakeDiscord, startFakeDiscord } from "../fakes/discord/fakeDiscord.js";
import { createTestDatabase, type TestDatabase } from "../support/testDatabase.js";

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

/** The standard test mnemonic (never holds funds). */
const TEST_MNEMONIC = "test test test test test test test test test test test junk";
const SIGNING_SECRET = "discord-harness-signing-secret-0123456789";

export interface DiscordHarness {
  db: Database;
  test: TestDatabase;
  discord: FakeDiscord;
  services: DiscordServices;
  publisher: ThreadPublisher;
  queue: JobQueue;
  logLines: string[];
  close(): Promise<void>;
}

/** Starts everything; `deferAfterMs` lets a test make the router's auto-deferral visible. */
export async function startDiscordHarness(
  options: { deferAfterMs?: number; workAnnounce?: boolean } = {},
): Promise<DiscordHarness> {
  const test = await createTestDatabase();
  const db = test.db;
  const prisma = db.prisma;
  const logLines: string[] = [];
  const logger: Logger = createLogger({
    level: "info",
    secrets: [TEST_MNEMONIC, SIGNING_SECRET],
    destination: { write: (line: string) => logLines.push(line) },
  });
  const discord = await startFakeDiscord({
    applicationId: APP,
    guilds: [
      {
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
        ],
      },
    ],
  });
  const token = new Secret(discord.token);
  await deployCommands(
    { enabled: true, token, applicationId: APP, guildId: GUILD, apiUrl: discord.apiUrl, stewardRole: STEWARD_ROLE },
    definitions,
  );
  const audit = createAuditLog({ prisma });
  const queue = createJobQueue({
    sql: db.sql,
    catalog: jobCatalog,
    onError: (error) => logger.error({ err: error }, "queue"),
  });
  await queue.start();
  const taxonomies = createTaxonomyStore({ prisma, audit });
  const decisions = createDecisionService({ prisma, audit, taxonomies });
  const casting = createCastingSwitch({ prisma, audit });
  const overrides = createOverrideStore({ prisma, audit });
  const services = buildDiscordServices({
    prisma,
    audit,
    jobs: queue,
    spaces: createSpaceAdmin({ prisma, audit, liveCastingAvailable: true }),
    casting,
    members: createMemberAgents({ prisma, audit, keyring: createKeyring(new Secret(TEST_MNEMONIC)) }),
    profiles: createProfileStore({ prisma, audit, taxonomies, compiler: offlineProfileCompiler }),
    taxonomies,
    decisions,
    overrides,
    stewards: createStewardRegistry({ prisma, audit }),
    signLink: (discordUserId) =>
      signLoginLink({ secret: new Secret(SIGNING_SECRET), baseUrl: "http://127.0.0.1:1", discordUserId }),
    castSafetyMarginSeconds: 60,
  });
  const client = await connectDiscord({ token, apiUrl: discord.apiUrl, logger, readyTimeoutMs: 20_000 });
  const router = createInteractionRouter({
    commands,
    components,
    services,
    stewardRole: STEWARD_ROLE,
    logger,
    deferAfterMs: options.deferAfterMs,
  });
  client.on(Events.InteractionCreate, (interaction) => void router(interaction));
  const publisher = createThreadPublisher({
    prisma,
    audit,
    client,
    casting,
    overrides,
    castSafetyMarginSeconds: 60,
    logger,
  });
  if (options.workAnnounce !== false) {
    await queue.work(announceProposal, createAnnounceHandler({ publisher, logger }), { concurrency: 2 });
  }
  return {
    db,
    test,
    discord,
    services,
    publisher,
    queue,
    logLines,
    async close() {
      await queue.stop();
      await client.destroy();
      await discord.close();
      await test.drop();
    },
  };
}

/** A unique Snapshot space id for a test. */
export function spaceId(): string {
  return `t${randomUUID().slice(0, 8)}.eth`;
}
