// The casting outbox end to end: a real database, the local hub and sequencer on one clock (the hub's), the real
// caster, reader, override store and casting switch. Rows are seeded as the sources and the values step write them.

import { randomUUID } from "node:crypto";
import { type AuditLog, createAuditLog } from "../../../src/audit/auditLog.js";
import type { SqlRunner } from "../../../src/db/sqlRunner.js";
import type { Cast, PrismaClient, SpaceMode } from "../../../src/generated/prisma/client.js";
import { type CastingSwitch, createCastingSwitch } from "../../../src/spaces/castingSwitch.js";
import { DEFAULT_TAXONOMY } from "../../../src/values/taxonomy.js";
import type { SnapshotChoice } from "../../../src/values/votingTypes.js";
import { type Announcements, createAnnouncements } from "../../../src/voting/announcements.js";
import { drainDueCasts } from "../../../src/voting/castJob.js";
import { type CastOutbox, createCastOutbox } from "../../../src/voting/castOutbox.js";
import { type CastPlanner, createCastPlanner } from "../../../src/voting/castPlanner.js";
import { createOverrideStore, type OverrideStore } from "../../../src/voting/overrideStore.js";
import { createSnapshotCastRunner, type SnapshotCastRunner } from "../../../src/voting/snapshotCastRunner.js";
import type { TestDatabase } from "../../support/testDatabase.js";
import { seedDigest, seedProfile } from "../../values/seed.js";
import { type CastingHarness, startCasting } from "./castingHarness.js";

export const SAFETY_MARGIN_SECONDS = 600;

export interface Outbox {
  c: CastingHarness;
  prisma: PrismaClient;
  /** The same database's raw runner (the runner's last look reads through it). */
  sql: SqlRunner;
  audit: AuditLog;
  casting: CastingSwitch;
  overrides: OverrideStore;
  planner: CastPlanner;
  announcements: Announcements;
  outbox: CastOutbox;
  runner: SnapshotCastRunner;
  clock: () => Date;
  /** Moves the hub's (and so everyone's) clock. */
  advance(seconds: number): void;
  drain(): ReturnType<typeof drainDueCasts>;
  close(): Promise<void>;
}

let agentCounter = 0;

export async function startOutbox(t: TestDatabase, options: { leaseMs?: number } = {}): Promise<Outbox> {
  const c = await startCasting();
  const prisma = t.db.prisma;
  const clock = () => new Date(c.hub.now * 1000);
  const audit = createAuditLog({ prisma, clock });
  const casting = createCastingSwitch({ prisma, audit });
  const overrides = createOverrideStore({ prisma, audit, clock });
  const outbox = createCastOutbox({ prisma, sql: t.db.sql, audit, leaseMs: options.leaseMs });
  const runner = createSnapshotCastRunner({
    prisma,
    sql: t.db.sql,
    outbox,
    votes: c.reader,
    caster: c.caster,
    safetyMarginSeconds: SAFETY_MARGIN_SECONDS,
    clock,
  });
  return {
    c,
    prisma,
    sql: t.db.sql,
    audit,
    casting,
    overrides,
    planner: createCastPlanner({ prisma, audit, overrides, votes: c.reader, clock }),
    announcements: createAnnouncements({ prisma, audit, safetyMarginSeconds: SAFETY_MARGIN_SECONDS }),
    outbox,
    runner,
    clock,
    advance(seconds) {
      c.hub.now += seconds;
    },
    drain: () => drainDueCasts({ outbox, runner, casting, clock }),
    close: () => c.close(),
  };
}

export interface Scenario {
  spaceId: string;
  proposalId: string;
  /** The proposal's id on the hub. */
  externalId: string;
  members: { id: string; agentIndex: number; agentAddress: string; walletAddress: string | null }[];
  digestId: string;
  profileIds: string[];
}

/**
 * A Snapshot space (live unless said) with an open basic proposal on the hub and in the database, and `members`
 * members whose agents (fresh indexes) hold voting power, each with a confirmed profile.
 */
export async function seedScenario(
  o: Outbox,
  {
    members = 2,
    mode = "live" as SpaceMode,
    vetoWindowSeconds = 30,
    endsInSeconds = 86_400,
    power = 100,
    wallets = false,
  } = {},
): Promise<Scenario> {
  const { c, prisma } = o;
  const spaceName = `outbox-${randomUUID().slice(0, 8)}.eth`;
  const externalId = c.hub.createProposal({
    space: spaceName,
    title: "Fund the audit",
    type: "basic",
    choices: ["For", "Against", "Abstain"],
    start: c.hub.now - 60,
    end: c.hub.now + endsInSeconds,
  });
  const space = await prisma.space.create({
    data: {
      kind: "snapshot",
      externalId: spaceName,
      name: "Outbox DAO",
      taxonomy: DEFAULT_TAXONOMY,
      mode,
      vetoWindowSeconds,
    },
  });
  const contentHash = randomUUID();
  const proposal = await prisma.proposal.create({
    data: {
      spaceId: space.id,
      source: "snapshot",
      externalId,
      title: "Fund the audit",
      body: "Pay for an audit.",
      choices: ["For", "Against", "Abstain"],
      votingType: "basic",
      startAt: new Date((c.hub.now - 60) * 1000),
      endAt: new Date((c.hub.now + endsInSeconds) * 1000),
      state: "active",
      contentHash,
    },
  });
  const version = await prisma.proposalVersion.create({
    data: { proposalId: proposal.id, version: 1, contentHash, title: proposal.title, body: proposal.body, choices: [] },
  });
  const digest = await seedDigest(prisma, proposal, version.id, {});
  const seeded: Scenario["members"] = [];
  const profileIds: string[] = [];
  for (let i = 0; i < members; i++) {
    agentCounter += 1;
    const agentIndex = 1_000 + agentCounter;
    const agentAddress = c.keyring.address(agentIndex);
    const walletAddress = wallets ? c.keyring.address(500_000 + agentCounter) : null;
    const member = await prisma.member.create({
      data: { discordUserId: `discord-${randomUUID()}`, agentIndex, agentAddress, walletAddress },
    });
    if (power > 0) c.hub.setVotingPower(agentAddress, spaceName, power);
    if (walletAddress) c.hub.setVotingPower(walletAddress, spaceName, 5);
    const profile = await seedProfile(prisma, member.id, space.id, {});
    profileIds.push(profile.id);
    seeded.push({ id: member.id, agentIndex, agentAddress, walletAddress });
  }
  return { spaceId: space.id, proposalId: proposal.id, externalId, members: seeded, digestId: digest.id, profileIds };
}

/** Stores a live decision for member `i`, marking any earlier one stale (as the decision service does). */
export async function decide(
  o: Outbox,
  s: Scenario,
  i: number,
  outcome: "vote" | "abstain" | "ask" | "never",
  choice: SnapshotChoice | null,
  reason = "Decided on security and treasury prudence.",
): Promise<string> {
  const member = s.members[i];
  if (!member) throw new Error(`no member ${i}`);
  await o.prisma.decision.updateMany({
    where: { proposalId: s.proposalId, memberId: member.id, staleAt: null },
    data: { staleAt: o.clock() },
  });
  // A new decision rests on a new digest (the unique key is proposal × member × digest × profile).
  const proposal = await o.prisma.proposal.findUniqueOrThrow({ where: { id: s.proposalId } });
  const version = await o.prisma.proposalVersion.findFirstOrThrow({ where: { proposalId: s.proposalId } });
  const digest = await seedDigest(o.prisma, proposal, version.id, {});
  const row = await o.prisma.decision.create({
    data: {
      proposalId: s.proposalId,
      memberId: member.id,
      digestId: digest.id,
      profileId: s.profileIds[i] as string,
      taxonomyVersion: 1,
      outcome,
      choice: choice === null ? undefined : (choice as object),
      utilities: {},
      contributions: {},
      rulesFired: [],
      explanation: { line: reason, threadLine: reason, paragraph: reason, reason },
    },
  });
  return row.id;
}

export function castsOf(o: Outbox, s: Scenario): Promise<Cast[]> {
  return o.prisma.cast.findMany({ where: { proposalId: s.proposalId }, orderBy: { agentIndex: "asc" } });
}

/** Votes the sequencer stored for an address on the proposal (distinct messages: a double vote would be two). */
export function storedVotes(o: Outbox, s: Scenario, address: string): number {
  return [...o.c.sequencer.requests].filter(
    (r) => r.id !== null && r.address?.toLowerCase() === address.toLowerCase() && r.proposal === s.externalId,
  ).length;
}
