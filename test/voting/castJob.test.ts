import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { castDueVotes, jobCatalog } from "../../src/jobs/jobCatalog.js";
import { createJobQueue, type JobQueue } from "../../src/jobs/jobQueue.js";
import { createCastJobHandler, startCastTicker } from "../../src/voting/castJob.js";
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
});
