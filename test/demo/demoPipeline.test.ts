import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createAuditLog } from "../../src/audit/auditLog.js";
import { loadConfig } from "../../src/config/loadConfig.js";
import { readDemoMembers } from "../../src/demo/demoMembers.js";
import { loadOrCreateLocalSigningSecret } from "../../src/demo/localSigningSecret.js";
import { DEMO_SPACE } from "../../src/demo/seedDemo.js";
import { createDigester } from "../../src/digest/createDigester.js";
import { createDigestJobHandler } from "../../src/digest/digestJob.js";
import { createDigestService } from "../../src/digest/digestService.js";
import { decideProposal, digestProposal, jobCatalog } from "../../src/jobs/jobCatalog.js";
import { createJobQueue, type JobQueue } from "../../src/jobs/jobQueue.js";
import { readReplayBundle } from "../../src/sources/replay/replayBundle.js";
import { createProgress } from "../../src/startup/progress.js";
import { type StartDemoDeps, startDemo } from "../../src/startup/startDemo.js";
import { createDecideHandler } from "../../src/values/decideJob.js";
import { createDecisionService } from "../../src/values/decisionService.js";
import { createTaxonomyStore } from "../../src/values/taxonomyStore.js";
import { loadOrCreateLocalMnemonic } from "../../src/voting/localMnemonic.js";
import { readLoginToken } from "../../src/web/loginLink.js";
import { createTestDatabase, type TestDatabase } from "../support/testDatabase.js";

// The demo as main.ts runs it, in process: the workers are the real digest (offline) and decide handlers on the real
// queue, and startDemo seeds, replays and waits for the batch. Then a restart, and another, must add nothing.
vi.setConfig({ testTimeout: 180_000 });

let t: TestDatabase;
let queue: JobQueue;
let dataDir: string;
const config = () => loadConfig({ TRIBUNE_DATA_DIR: dataDir, PORT: "0", LOG_LEVEL: "silent" });

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "tribune-demo-"));
  t = await createTestDatabase();
  queue = createJobQueue({ sql: t.db.sql, catalog: jobCatalog, onError: () => undefined, pollingIntervalSeconds: 0.5 });
  await queue.start();
  const audit = createAuditLog({ prisma: t.db.prisma });
  const digester = await createDigester(config().llm);
  const digests = createDigestService({ prisma: t.db.prisma, audit, digester, jobs: queue });
  await queue.work(digestProposal, createDigestJobHandler({ service: digests }), { concurrency: 2 });
  const taxonomies = createTaxonomyStore({ prisma: t.db.prisma, audit });
  const decisions = createDecisionService({ prisma: t.db.prisma, audit, taxonomies });
  await queue.work(decideProposal, createDecideHandler({ decisions }), { concurrency: 2 });
});
afterAll(async () => {
  await queue?.stop(5_000);
  await t?.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

function deps(at: Date, output: string[]): StartDemoDeps {
  return {
    db: t.db,
    audit: createAuditLog({ prisma: t.db.prisma }),
    queue,
    logger: pino({ level: "silent" }),
    agentKeys: loadOrCreateLocalMnemonic(dataDir),
    webUrl: "http://127.0.0.1:3999",
    signingSecret: loadOrCreateLocalSigningSecret(dataDir).secret,
    waitForBatch: true,
    progress: createProgress({ write: (text: string) => output.push(text) }, false),
    now: () => at,
    pollSeconds: 3_600,
    batchTimeoutMs: 150_000,
  };
}

/** Every count a second seeding could change. */
async function counts() {
  const p = t.db.prisma;
  return {
    spaces: await p.space.count(),
    stewards: await p.steward.count(),
    members: await p.member.count(),
    profiles: await p.valueProfile.count(),
    proposals: await p.proposal.count(),
    versions: await p.proposalVersion.count(),
    forumTopics: await p.forumTopic.count(),
    digests: await p.digest.count(),
    decisions: await p.decision.count(),
    llmCalls: await p.llmCall.count(),
    audit: await p.auditEntry.count(),
    anchors: await p.sourceCursor.count({ where: { source: "replay" } }),
  };
}

describe("the zero-config demo", () => {
  it("replays every bundled proposal once into the pipeline, decides for every sample member, and only in dry-run", async () => {
    const bundle = await readReplayBundle();
    const people = await readDemoMembers();
    const start = new Date();
    const output: string[] = [];
    const first = await startDemo(config(), deps(start, output));
    await first.stop();
    // Two bundled proposals open a few minutes after the replay starts: a later start finds them due.
    const later = new Date(start.getTime() + 10 * 60_000);
    const second = await startDemo(config(), deps(later, output));
    await second.stop();

    const proposals = await t.db.prisma.proposal.findMany({
      include: { versions: true, digests: true, forum: true, space: true, decisions: { where: { staleAt: null } } },
    });
    expect(proposals.map((p) => p.externalId).sort()).toEqual(bundle.proposals.map((p) => p.id).sort());
    for (const proposal of proposals) {
      expect(proposal.space.externalId).toBe(DEMO_SPACE);
      expect(proposal.state).toBe("active");
      expect(proposal.versions).toHaveLength(1);
      expect(proposal.digests).toHaveLength(1);
      expect(proposal.digests[0]?.provider).toBe("offline");
      expect(proposal.forum).toHaveLength(1);
      expect(proposal.forum[0]?.status).toBe("ok");
      expect(proposal.decisions).toHaveLength(people.members.length);
    }
    // The voting types the demo promises, each present.
    expect(new Set(proposals.map((p) => p.votingType))).toEqual(
      new Set(["single_choice", "approval", "ranked_choice", "weighted", "quadratic", "basic"]),
    );

    // The digest read the debate: the forum's arguments are in it, quoted with their post URLs.
    const tbills = proposals.find((p) => p.title.startsWith("TDP-12"));
    const content = tbills?.digests[0]?.content as { arguments: { for: unknown[]; against: unknown[] } };
    expect(content.arguments.for.length).toBeGreaterThan(0);
    expect(content.arguments.against.length).toBeGreaterThan(0);

    // The planted injection is caught: that digest is flagged and nobody's agent votes on it.
    const injected = proposals.find((p) => p.title.startsWith("TDP-17"));
    expect(injected?.digests[0]?.flagged).toBe(true);
    expect(injected?.decisions.map((d) => d.outcome)).not.toContain("vote");

    // Different values, different outcomes: Sam's rule votes against the 2,000,000 USDC treasury move.
    const members = await t.db.prisma.member.findMany();
    const sam = members.find((m) => m.discordUserId === people.members[0]?.discordUserId);
    const samOnTbills = tbills?.decisions.find((d) => d.memberId === sam?.id);
    expect(samOnTbills).toMatchObject({ outcome: "vote", choice: 2 });
    const outcomes = new Set(proposals.flatMap((p) => p.decisions.map((d) => d.outcome)));
    expect(outcomes.size).toBeGreaterThanOrEqual(3);

    // Dry-run everywhere, and nothing cast.
    const space = await t.db.prisma.space.findFirstOrThrow({ where: { externalId: DEMO_SPACE } });
    expect(space.mode).toBe("dry_run");
    expect(await t.db.prisma.cast.count({ where: { state: { in: ["signing", "submitted", "confirmed"] } } })).toBe(0);
    expect(await createAuditLog({ prisma: t.db.prisma }).verify()).toMatchObject({ intact: true });

    // The summary says it is the demo and carries a working one-time link for the demo's steward.
    const lines = second.summaryLines.join("\n");
    expect(lines).toContain("THIS IS THE DEMO");
    expect(lines).toContain(`${bundle.proposals.length} open now`);
    const link = /http:\/\/127\.0\.0\.1:3999\/login\?link=(\S+)/.exec(lines)?.[1];
    expect(link).toBeDefined();
    const read = readLoginToken(loadOrCreateLocalSigningSecret(dataDir).secret, decodeURIComponent(link ?? ""));
    expect(read).toMatchObject({ ok: true, discordUserId: people.steward.discordUserId });
    expect(await t.db.prisma.steward.count({ where: { discordUserId: people.steward.discordUserId } })).toBe(1);
    // The progress showed the batch being digested, counted.
    expect(output.join("")).toMatch(/demo: digesting \d+ proposals: \d+\/\d+/);

    // A third start at the same moment (a restart) finds everything there and adds nothing at all.
    const before = await counts();
    const third = await startDemo(config(), deps(later, []));
    await third.stop();
    await new Promise((done) => setTimeout(done, 2_000));
    expect(await counts()).toEqual(before);
  });
});
