import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readMigrations } from "../../src/db/migrate.js";
import { jobCatalog, systemPing } from "../../src/jobs/jobCatalog.js";
import { createJobQueue, type JobQueue } from "../../src/jobs/jobQueue.js";
import { createLogger } from "../../src/log/logger.js";
import { type StartedWeb, startWeb } from "../../src/startup/startWeb.js";
import { createTestDatabase, type TestDatabase } from "../support/testDatabase.js";
import { parsePromText, samplesOf, sampleValue } from "./promText.js";
import { GOVERNOR_SPACE, SNAPSHOT_SPACE, seedPipeline } from "./seedPipeline.js";

let t: TestDatabase;
let queue: JobQueue;
let web: StartedWeb;
let url: string;
let seededAt: number;
const logger = createLogger({ level: "silent", secrets: [] });

beforeAll(async () => {
  t = await createTestDatabase();
  queue = createJobQueue({ sql: t.db.sql, catalog: jobCatalog, onError: () => undefined });
  await queue.start();
  seededAt = Date.now();
  await seedPipeline(t.db.prisma, t.db.sql, seededAt);
  // Three ping jobs, no worker: two ready (one of them due 90 s ago) and one scheduled an hour ahead.
  await queue.enqueue(systemPing, { note: "a", requestedAt: new Date().toISOString() });
  await queue.enqueue(systemPing, { note: "b", requestedAt: new Date().toISOString() });
  await queue.enqueue(
    systemPing,
    { note: "later", requestedAt: new Date().toISOString() },
    { startAfter: new Date(Date.now() + 3_600_000) },
  );
  await t.db.sql.query(`UPDATE pgboss.job SET start_after = now() - interval '90 seconds' WHERE data->>'note' = 'a'`);
  const migrations = await readMigrations(resolve("prisma/migrations"));
  web = startWeb(t.db, queue, migrations, logger, [], { metricsCacheMs: 0 });
  url = await web.listen(0, "127.0.0.1");
});

afterAll(async () => {
  await web?.close();
  await queue?.stop(5_000);
  await t?.drop();
});

async function scrape() {
  const response = await fetch(`${url}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toContain("text/plain");
  return parsePromText(await response.text());
}

describe("/metrics with rows in the database", () => {
  it("counts proposals per space and source, with when the newest was seen", async () => {
    const m = await scrape();
    expect(sampleValue(m, "tribune_proposals_seen", { space: SNAPSHOT_SPACE, source: "snapshot" })).toBe(2);
    expect(sampleValue(m, "tribune_proposals_seen", { space: GOVERNOR_SPACE, source: "governor" })).toBe(1);
    const newest = sampleValue(m, "tribune_proposal_newest_seen_timestamp_seconds", { space: SNAPSHOT_SPACE });
    expect(newest).toBeCloseTo(seededAt / 1_000 - 300, 0);
  });

  it("measures digest latency from each version's first digest, and digest and LLM cost", async () => {
    const m = await scrape();
    const labels = { provider: "anthropic", model: "claude-sonnet-5-5" };
    // Two first digests (3 s and 100 s); p1's later re-digest is left out.
    expect(sampleValue(m, "tribune_digest_latency_seconds_count", labels)).toBe(2);
    expect(sampleValue(m, "tribune_digest_latency_seconds_sum", labels)).toBeCloseTo(103, 3);
    expect(sampleValue(m, "tribune_digest_latency_seconds_bucket", { ...labels, le: "1" })).toBe(0);
    expect(sampleValue(m, "tribune_digest_latency_seconds_bucket", { ...labels, le: "5" })).toBe(1);
    expect(sampleValue(m, "tribune_digest_latency_seconds_bucket", { ...labels, le: "60" })).toBe(1);
    expect(sampleValue(m, "tribune_digest_latency_seconds_bucket", { ...labels, le: "120" })).toBe(2);
    expect(sampleValue(m, "tribune_digest_latency_seconds_bucket", { ...labels, le: "+Inf" })).toBe(2);

    expect(sampleValue(m, "tribune_digests_total", labels)).toBe(3);
    expect(sampleValue(m, "tribune_digests_suspect_total", labels)).toBe(1);
    expect(sampleValue(m, "tribune_digest_cost_usd_total", labels)).toBeCloseTo(0.035, 6);

    const digestCalls = { purpose: "digest", ...labels };
    expect(sampleValue(m, "tribune_llm_calls_total", { ...digestCalls, outcome: "ok" })).toBe(2);
    expect(sampleValue(m, "tribune_llm_calls_total", { ...digestCalls, outcome: "failed" })).toBe(1);
    // Failed calls cost money too: one series per purpose and model, ok and failed summed.
    expect(sampleValue(m, "tribune_llm_cost_usd_total", digestCalls)).toBeCloseTo(0.033, 6);
    expect(sampleValue(m, "tribune_llm_tokens_total", { ...digestCalls, kind: "input" })).toBe(1_800);
    expect(sampleValue(m, "tribune_llm_tokens_total", { ...digestCalls, kind: "output" })).toBe(300);
    expect(sampleValue(m, "tribune_llm_cost_usd_total", { purpose: "profile" })).toBeCloseTo(0.001, 6);
  });

  it("counts decisions by outcome, made and current, with every outcome present", async () => {
    const m = await scrape();
    expect(sampleValue(m, "tribune_decisions_total", { outcome: "vote" })).toBe(3);
    expect(sampleValue(m, "tribune_decisions_current", { outcome: "vote" })).toBe(2);
    expect(sampleValue(m, "tribune_decisions_total", { outcome: "abstain" })).toBe(1);
    expect(sampleValue(m, "tribune_decisions_total", { outcome: "ask" })).toBe(1);
    expect(sampleValue(m, "tribune_decisions_total", { outcome: "never" })).toBe(0);
  });

  it("counts casts by state and mode, and ages the oldest due vote", async () => {
    const m = await scrape();
    expect(sampleValue(m, "tribune_casts", { state: "due", mode: "live" })).toBe(2);
    expect(sampleValue(m, "tribune_casts", { state: "confirmed", mode: "live" })).toBe(1);
    expect(sampleValue(m, "tribune_casts", { state: "planned", mode: "dry_run" })).toBe(1);
    expect(sampleValue(m, "tribune_casts", { state: "failed", mode: "live" })).toBe(0);
    expect(samplesOf(m, "tribune_casts")).toHaveLength(16);
    const oldestDue = sampleValue(m, "tribune_casts_oldest_due_seconds");
    expect(oldestDue).toBeGreaterThanOrEqual(120);
    expect(oldestDue).toBeLessThan(120 + (Date.now() - seededAt) / 1_000 + 1);
  });

  it("reports queue depth by state and the age of the oldest ready job, per queue", async () => {
    const m = await scrape();
    const ping = { queue: systemPing.name };
    expect(sampleValue(m, "tribune_job_queue_depth", { ...ping, state: "ready" })).toBe(2);
    expect(sampleValue(m, "tribune_job_queue_depth", { ...ping, state: "scheduled" })).toBe(1);
    expect(sampleValue(m, "tribune_job_queue_depth", { ...ping, state: "active" })).toBe(0);
    const age = sampleValue(m, "tribune_job_queue_oldest_ready_seconds", ping);
    expect(age).toBeGreaterThanOrEqual(89);
    expect(age).toBeLessThan(90 + (Date.now() - seededAt) / 1_000 + 5);
    // Every catalog queue appears, empty ones at 0.
    for (const job of jobCatalog) expect(samplesOf(m, "tribune_job_queue_depth", { queue: job.name })).toHaveLength(3);
  });

  it("reports each watched space's source lag from its watcher's cursor", async () => {
    const m = await scrape();
    const elapsed = (Date.now() - seededAt) / 1_000;
    const snapshotLag = sampleValue(m, "tribune_source_lag_seconds", { space: SNAPSHOT_SPACE, source: "snapshot" });
    expect(snapshotLag).toBeGreaterThanOrEqual(40);
    expect(snapshotLag).toBeLessThan(40 + elapsed + 1);
    const governorLag = sampleValue(m, "tribune_source_lag_seconds", { space: GOVERNOR_SPACE, source: "governor" });
    expect(governorLag).toBeGreaterThanOrEqual(75);
    expect(governorLag).toBeLessThan(75 + elapsed + 1);
    expect(samplesOf(m, "tribune_source_lag_seconds", { space: "gone.eth" })).toEqual([]);
    expect(samplesOf(m, "tribune_source_lag_seconds", { space: "unread.eth" })).toEqual([]);
  });

  it("keeps the audit count and process metrics, and counts Discord acknowledgements fed to it", async () => {
    web.metrics.observeInteraction({ command: "why", ms: 180, deferred: false });
    web.metrics.observeInteraction({ command: "why", ms: 2_600, deferred: true });
    web.metrics.observeInteraction({ command: "profile", ms: 40, deferred: false });
    const m = await scrape();
    expect(sampleValue(m, "tribune_audit_entries")).toBe(0);
    expect(samplesOf(m, "process_cpu_user_seconds_total")).toHaveLength(1);
    const fast = { command: "why", deferred: "false" };
    expect(sampleValue(m, "tribune_discord_interaction_ack_seconds_count", fast)).toBe(1);
    expect(sampleValue(m, "tribune_discord_interaction_ack_seconds_bucket", { ...fast, le: "0.25" })).toBe(1);
    const slow = { command: "why", deferred: "true" };
    expect(sampleValue(m, "tribune_discord_interaction_ack_seconds_bucket", { ...slow, le: "2.5" })).toBe(0);
    expect(sampleValue(m, "tribune_discord_interaction_ack_seconds_bucket", { ...slow, le: "3" })).toBe(1);
    expect(sampleValue(m, "tribune_discord_interaction_ack_seconds_count", { command: "profile" })).toBe(1);
    expect(samplesOf(m, "tribune_metrics_read_failures_total")).toEqual([]);
  });

  it("reads the database again once the cache has expired, and not before", async () => {
    const cachedWeb = startWeb(t.db, queue, [], logger, [], { metricsCacheMs: 60_000 });
    const cachedUrl = await cachedWeb.listen(0, "127.0.0.1");
    try {
      const count = async (base: string) =>
        sampleValue(parsePromText(await (await fetch(`${base}/metrics`)).text()), "tribune_decisions_total", {
          outcome: "never",
        });
      expect(await count(cachedUrl)).toBe(0);
      await t.db.sql.query(
        `INSERT INTO "Decision" (id, "proposalId", "memberId", "digestId", "profileId", "taxonomyVersion", outcome,
                                 utilities, contributions, "rulesFired", explanation)
         SELECT gen_random_uuid(), ask."proposalId", other."memberId", ask."digestId", other."profileId", 1, 'never',
                '{}', '{}', '[]', '{}'
           FROM "Decision" ask, "Decision" other WHERE ask.outcome = 'ask' AND other.outcome = 'abstain'`,
      );
      // The same figure for a minute, however often it is scraped: the query is not run again.
      expect(await count(cachedUrl)).toBe(0);
      // The server with no cache sees the new row at once.
      expect(await count(url)).toBe(1);
    } finally {
      await cachedWeb.close();
    }
  });
});
