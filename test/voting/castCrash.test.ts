import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AuditLog, createAuditLog } from "../../src/audit/auditLog.js";
import { Secret } from "../../src/config/secret.js";
import type { Database } from "../../src/db/database.js";
import { createHubClient } from "../../src/sources/snapshot/hubClient.js";
import { createRateLimiter } from "../../src/sources/snapshot/rateLimiter.js";
import { createSnapshotVoteReader, type SnapshotVoteReader } from "../../src/sources/snapshot/voteReader.js";
import { createCastingSwitch } from "../../src/spaces/castingSwitch.js";
import { DEFAULT_TAXONOMY } from "../../src/values/taxonomy.js";
import { createAnnouncements } from "../../src/voting/announcements.js";
import { drainDueCasts } from "../../src/voting/castJob.js";
import { createCastOutbox } from "../../src/voting/castOutbox.js";
import { createCastPlanner } from "../../src/voting/castPlanner.js";
import { createKeyring, type Keyring } from "../../src/voting/keyring.js";
import { createOverrideStore } from "../../src/voting/overrideStore.js";
import { createSnapshotCaster } from "../../src/voting/snapshot/snapshotCaster.js";
import { createSnapshotCastRunner } from "../../src/voting/snapshotCastRunner.js";
import { FakeSequencer } from "../fakes/sequencer/fakeSequencer.js";
import { FakeSnapshotHub } from "../fakes/snapshotHub.js";
import { seededRandom } from "../support/seededRandom.js";
import { createTestDatabase, type TestDatabase } from "../support/testDatabase.js";
import { seedDigest, seedProfile } from "../values/seed.js";
import { DEV_PHRASE } from "./support/castingHarness.js";
import { type CrashWorker, drainUntilSettled, startCrashWorker } from "./support/crashWorkers.js";

// Crash safety: a casting worker in its own process is killed with SIGKILL at a random moment while it casts, then a
// fresh worker (new outbox, runner and caster on their own database connections, in the test's process: starting a
// second process per run would double the run's time, since loading snapshot.js takes seconds) finishes the job. After every run each due vote is on the sequencer exactly once, and the
// outbox and the audit log agree. The sequencer adds random delays, lost answers and 503s. Seeds are printed; rerun
// one with CAST_CRASH_SEED=<seed> CAST_CRASH_RUNS=1. CAST_CRASH_RUNS sets the number of runs (50 by default).

const RUNS = Number(process.env.CAST_CRASH_RUNS ?? 50);
const FIRST_SEED = Number(process.env.CAST_CRASH_SEED ?? Date.now() % 1_000_000);
const MEMBERS = 5;
const LEASE_MS = 700;

let t: TestDatabase;
let c: { hub: FakeSnapshotHub; sequencer: FakeSequencer; sequencerUrl: string; close(): Promise<void> };
let audit: AuditLog;
let spaceId: string;
let hubUrl: string;
let clockTimer: NodeJS.Timeout;
let keyring: Keyring;
let recoveryDb: Database | undefined;
let reader: SnapshotVoteReader;
const members: { id: string; profileId: string; agentAddress: string }[] = [];

beforeAll(async () => {
  t = await createTestDatabase();
  const hub = new FakeSnapshotHub();
  const sequencer = new FakeSequencer(hub);
  const [sequencerUrl, url] = await Promise.all([sequencer.listen(), hub.listen()]);
  hubUrl = url;
  c = {
    hub,
    sequencer,
    sequencerUrl,
    close: () => Promise.all([sequencer.close(), hub.close()]).then(() => undefined),
  };
  keyring = createKeyring(new Secret(DEV_PHRASE));
  reader = createSnapshotVoteReader({
    hub: createHubClient({
      url,
      timeoutMs: 5_000,
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.min(ms, 50))),
      rateLimiter: createRateLimiter({ requests: 100_000 }),
    }),
  });
  // The worker processes sign with the wall clock; the hub and sequencer follow it.
  const tickClock = () => {
    c.hub.now = Math.floor(Date.now() / 1000);
  };
  tickClock();
  clockTimer = setInterval(tickClock, 200);
  const prisma = t.db.prisma;
  audit = createAuditLog({ prisma });
  const space = await prisma.space.create({
    data: {
      kind: "snapshot",
      externalId: "crash.eth",
      name: "Crash DAO",
      taxonomy: DEFAULT_TAXONOMY,
      mode: "live",
      vetoWindowSeconds: 30,
    },
  });
  spaceId = space.id;
  for (let i = 0; i < MEMBERS; i++) {
    const member = await prisma.member.create({
      data: { discordUserId: `crash-${i}-${randomUUID()}`, agentIndex: i, agentAddress: keyring.address(i) },
    });
    c.hub.setVotingPower(member.agentAddress, "crash.eth", 10 + i);
    const profile = await seedProfile(prisma, member.id, space.id, {});
    members.push({ id: member.id, profileId: profile.id, agentAddress: member.agentAddress });
  }
});
afterAll(async () => {
  clearInterval(clockTimer);
  await c?.close();
  await t?.drop();
});

async function dueProposal(): Promise<{ proposalId: string; externalId: string }> {
  const prisma = t.db.prisma;
  const now = c.hub.now;
  const externalId = c.hub.createProposal({
    space: "crash.eth",
    title: "Crash",
    type: "single-choice",
    choices: ["A", "B", "C"],
    start: now - 120,
    end: now + 86_400,
  });
  const contentHash = randomUUID();
  const proposal = await prisma.proposal.create({
    data: {
      spaceId,
      source: "snapshot",
      externalId,
      title: "Crash",
      body: "b",
      choices: ["A", "B", "C"],
      votingType: "single_choice",
      startAt: new Date((now - 120) * 1000),
      endAt: new Date((now + 86_400) * 1000),
      state: "active",
      contentHash,
    },
  });
  const version = await prisma.proposalVersion.create({
    data: { proposalId: proposal.id, version: 1, contentHash, title: "Crash", body: "b", choices: [] },
  });
  const digest = await seedDigest(prisma, proposal, version.id, {});
  for (const [i, m] of members.entries()) {
    await prisma.decision.create({
      data: {
        proposalId: proposal.id,
        memberId: m.id,
        digestId: digest.id,
        profileId: m.profileId,
        taxonomyVersion: 1,
        outcome: "vote",
        choice: (i % 3) + 1,
        utilities: {},
        contributions: {},
        rulesFired: [],
        explanation: { line: "x", threadLine: "x", paragraph: "x", reason: `Reason ${i}.` },
      },
    });
  }
  const overrides = createOverrideStore({ prisma, audit });
  await createCastPlanner({ prisma, audit, overrides }).plan(proposal.id);
  // Announced a minute ago: the 30 s window has passed, every vote is due.
  await createAnnouncements({ prisma, audit, safetyMarginSeconds: 600 }).markAnnounced(
    proposal.id,
    new Date((now - 60) * 1000),
  );
  return { proposalId: proposal.id, externalId };
}

/** Starts a worker process; it loads, connects and says READY, then waits for "GO <proposal id>". */
function startWorker(): CrashWorker {
  return startCrashWorker("test/voting/support/castWorkerProcess.ts", {
    CAST_DATABASE_URL: t.url as string,
    CAST_HUB_URL: hubUrl,
    CAST_SEQUENCER_URL: c.sequencerUrl,
    CAST_MNEMONIC: DEV_PHRASE,
    CAST_LEASE_MS: String(LEASE_MS),
    CAST_AGENTS: String(MEMBERS),
  });
}

/** The restarted worker: a fresh outbox and runner on their own connections, draining until all is settled. */
async function recover(proposalId: string): Promise<void> {
  // Its own pool, opened once for all runs (a pool per run would exhaust the server's connections).
  recoveryDb ??= await t.connect(4);
  const db = recoveryDb;
  {
    const prisma = db.prisma;
    const recoveryAudit = createAuditLog({ prisma });
    const casting = createCastingSwitch({ prisma, audit: recoveryAudit });
    const outbox = createCastOutbox({ prisma, sql: db.sql, audit: recoveryAudit, leaseMs: LEASE_MS });
    const runner = createSnapshotCastRunner({
      prisma,
      sql: db.sql,
      outbox,
      votes: reader,
      caster: createSnapshotCaster({ keyring, sequencerUrl: c.sequencerUrl, timeoutMs: 5_000 }),
      safetyMarginSeconds: 600,
      baseDelayMs: 50,
      maxDelayMs: 200,
      maxAttempts: 50,
    });
    await drainUntilSettled(
      prisma,
      proposalId,
      () => drainDueCasts({ outbox, runner, casting, batchSize: 3, concurrency: 3 }),
      60_000,
    );
  }
}

describe("crash safety", () => {
  it(`kill -9 at random moments (${RUNS} runs): every due vote is cast exactly once, and the audit agrees`, async () => {
    const started = Date.now();
    const killedIn = new Map<string, number>();
    let next = startWorker();
    for (let run = 0; run < RUNS; run++) {
      const seed = FIRST_SEED + run;
      const random = seededRandom(seed);
      const { proposalId, externalId } = await dueProposal();
      const worker = next;
      // Odd runs kill at a random moment after GO; even runs kill while the k-th vote is in flight at the sequencer,
      // which then stores it: the worker dies with its row `submitted` and the vote on record.
      const inFlightKill = run % 2 === 0;
      const killAtRequest = 1 + Math.floor(random() * MEMBERS);
      const killAfterMs = process.env.CAST_CRASH_KILL_MS
        ? Number(process.env.CAST_CRASH_KILL_MS)
        : Math.floor(random() * 2_500);
      let requests = 0;
      let killed: Promise<void> | null = null;
      const kill = () => {
        killed ??= new Promise<void>((resolve) => {
          if (worker.child.exitCode !== null || worker.child.signalCode !== null) return resolve();
          worker.child.once("exit", () => resolve());
          worker.child.kill("SIGKILL");
        });
        return killed;
      };
      c.sequencer.faultFor = () => {
        requests += 1;
        if (inFlightKill && requests === killAtRequest && !killed) {
          void kill();
          return { kind: "delay", ms: 100 };
        }
        const roll = random();
        if (roll < 0.3) return { kind: "delay", ms: Math.floor(random() * 150) };
        if (roll < 0.4) return { kind: "drop" };
        if (roll < 0.45) return { kind: "status", status: 503 };
        return undefined;
      };
      await worker.saw("READY");
      worker.child.stdin?.write(`GO ${proposalId}\n`);
      const deadline = Date.now() + (inFlightKill ? 20_000 : killAfterMs);
      while (!killed && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      await kill();
      const how = inFlightKill ? `in flight at request ${killAtRequest}` : `after ${killAfterMs} ms`;
      // The next run's worker loads while this run recovers and is checked.
      if (run + 1 < RUNS) next = startWorker();
      const before = await t.db.prisma.cast.groupBy({ by: ["state"], where: { proposalId }, _count: { _all: true } });

      const recoverAt = Date.now();
      await recover(proposalId);
      const recoveryMs = Date.now() - recoverAt;
      c.sequencer.faultFor = null;

      const rows = await t.db.prisma.cast.findMany({ where: { proposalId } });
      const stateAtKill = before.map((g) => `${g.state}:${g._count._all}`).join(",");
      for (const g of before) killedIn.set(g.state, (killedIn.get(g.state) ?? 0) + g._count._all);
      console.log(
        `crash run ${run} seed ${seed}: killed ${how} with rows ${stateAtKill}; recovered in ${recoveryMs} ms`,
      );
      expect(rows.map((r) => r.state)).toEqual(Array(MEMBERS).fill("confirmed"));
      for (const row of rows) {
        const accepted = c.sequencer.requests.filter(
          (r) =>
            r.id !== null && r.proposal === externalId && r.address?.toLowerCase() === row.voterAddress.toLowerCase(),
        );
        expect(
          accepted.map((r) => r.id),
          `seed ${seed}, ${row.voterAddress}`,
        ).toEqual([row.voteId]);
        const onHub = c.hub.findVote(row.voterAddress, "crash.eth", externalId);
        expect(onHub?.id).toBe(row.voteId);
        expect((row.receipt as { id: string }).id).toBe(row.voteId);
      }
      const entries = await t.db.prisma.auditEntry.findMany({
        where: { proposalId, action: { startsWith: "cast." } },
        orderBy: { seq: "asc" },
      });
      for (const row of rows) {
        const mine = entries.map((e) => JSON.parse(e.canonical).data).filter((d) => d.castId === row.id);
        expect(
          mine.filter((d) => d.to === "confirmed"),
          `seed ${seed}`,
        ).toHaveLength(1);
        expect(mine.at(-1)).toMatchObject({ to: row.state, attempts: row.attempts });
        // Each transition starts where the previous one ended: the log replays the row's history.
        for (let i = 1; i < mine.length; i++) expect(mine[i].from).toBe(mine[i - 1].to);
      }
    }
    expect(await audit.verify()).toMatchObject({ intact: true });
    console.log(`rows by state at the kills: ${JSON.stringify(Object.fromEntries(killedIn))}`);
    console.log(
      `crash safety: ${RUNS} runs in ${Math.round((Date.now() - started) / 1000)} s (first seed ${FIRST_SEED})`,
    );
    // A guard against a hang, not a speed limit: on a 2-core CI machine both crash loops and the fault suite run at
    // once, and this loop has taken 787 s there (the Snapshot one; the Governor one 480 s).
  }, 1_800_000);
});
