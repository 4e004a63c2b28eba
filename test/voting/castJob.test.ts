import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { castDueVotes, jobCatalog } from "../../src/jobs/jobCatalog.js";
import { createJobQueue, type JobQueue } from "../../src/jobs/jobQueue.js";
import { createLogger } from "../../src/log/logger.js";
import { type CastRunner, createCastJobHandler, drainDueCasts, startCastTicker } from "../../src/voting/castJob.js";
import { eventually } from "../support/eventually.js";
import { createTestDatabase, type TestDatabase } from "../support/testDatabase.js";
import { castsOf, decide, type Outbox, seedScenario, startOutbox, storedVotes } from "./support/outboxHarness.js";

// `voting.cast` through the real job queue: the ticker enqueues it, a worker claims the due rows and casts them.

let t: TestDatabase;
let o: Outbox;
let queue: JobQueue;
beforeAll(async () => {
  t = await createTestDatabase();
  o = await startOutbox(t);
  queue = createJobQueue({ sql: t.db.sql, catalog: jobCatalog, onError: () => undefined, pollingIntervalSeconds: 0.5 });
  await queue.start();
});
afterAll(async () => {
  await queue?.stop(5_000);
  await o?.close();
  await t?.drop();
});

describe("voting.cast", () => {
  it("a tick enqueues the job and its worker casts the due votes", async () => {
    const s = await seedScenario(o, { members: 3 });
    for (let i = 0; i < 3; i++) await decide(o, s, i, "vote", 1);
    await o.planner.plan(s.proposalId);
    await o.announcements.markAnnounced(s.proposalId, o.clock());
    o.advance(30);
    await queue.work(
      castDueVotes,
      createCastJobHandler({ outbox: o.outbox, runner: o.runner, casting: o.casting, clock: o.clock }),
    );
    const stop = startCastTicker({ queue, job: castDueVotes, everyMs: 500 });
    try {
      const rows = await eventually(
        () => castsOf(o, s),
        (found) => found.every((r) => r.state === "confirmed"),
        30_000,
      );
      for (const row of rows) expect(storedVotes(o, s, row.voterAddress)).toBe(1);
    } finally {
      stop();
    }
  });

  it("claims each kind of space for its own runner, preparing each batch once; a failed prepare is only logged", async () => {
    const s = await seedScenario(o, { members: 3 });
    for (let i = 0; i < 3; i++) await decide(o, s, i, "vote", 1);
    await o.planner.plan(s.proposalId);
    await o.announcements.markAnnounced(s.proposalId, o.clock());
    o.advance(30);
    const prepared: string[][] = [];
    const ran: string[] = [];
    const snapshot: CastRunner = {
      run: (row) => {
        ran.push(row.id);
        return o.runner.run(row);
      },
      prepare: async (batch) => {
        prepared.push(batch.map((row) => row.id));
        throw new Error("the hub's batch read failed");
      },
    };
    // No Governor row is due: its runner is asked for nothing.
    const governor: CastRunner = {
      run: async (row) => {
        throw new Error(`the Governor runner got ${row.id}`);
      },
    };
    const lines: string[] = [];
    const logger = createLogger({
      level: "warn",
      secrets: [],
      destination: { write: (line: string) => lines.push(line) },
    });

    const report = await drainDueCasts({
      outbox: o.outbox,
      runners: { snapshot, governor },
      casting: o.casting,
      clock: o.clock,
      batchSize: 2,
      logger,
    });
    expect(report).toMatchObject({ claimed: 3, results: { confirmed: 3, lost: 0 } });
    expect(prepared.map((batch) => batch.length)).toEqual([2, 1]);
    expect(prepared.flat().sort()).toEqual([...ran].sort());
    expect(lines.filter((line) => line.includes("could not prepare a batch"))).toHaveLength(2);
    const rows = await castsOf(o, s);
    expect(rows.every((r) => r.state === "confirmed")).toBe(true);
    for (const row of rows) expect(storedVotes(o, s, row.voterAddress)).toBe(1);
  });
});
