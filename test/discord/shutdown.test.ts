// A gateway stopping (SIGTERM, a deploy) while it posts a proposal's thread: the post it is making lands, its job is
// recorded completed, and only then does the Discord client close. The bot stops as production's does (startBot).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { announceProposal } from "../../src/jobs/jobCatalog.js";
import { eventually } from "../support/eventually.js";
import { createTestDatabase, type TestDatabase } from "../support/testDatabase.js";
import { type DiscordFace, startDiscordFace } from "./discordFace.js";
import { digestedProposal, followSpace } from "./discordFixtures.js";
import { CHANNEL, type DiscordHarness, GUILD } from "./discordHarness.js";

let test: TestDatabase;
let face: DiscordFace;
let h: DiscordHarness;
let faceClosed = false;

beforeAll(async () => {
  test = await createTestDatabase();
  face = await startDiscordFace(test.db);
  h = { ...face, db: test.db, test };
}, 120_000);

afterAll(async () => {
  if (!faceClosed) await face?.close();
  await test?.drop();
});

describe("the bot stopping", () => {
  it("finishes the thread it is posting before its client closes, and the job ends completed", async () => {
    const space = await followSpace(h);
    const { proposal } = await digestedProposal(h, space, { title: "Fund the shutdown drill" });
    // The thread's opening post is held by a 2 s rate limit: the job is mid-post when the stop begins.
    h.discord.rateLimitNext({ method: "POST", route: /^\/channels\/\d+\/messages$/, retryAfterSeconds: 2 });
    const jobId = await h.queue.enqueue(announceProposal, { proposalId: proposal.id }, { singletonKey: proposal.id });
    await eventually(
      async () => h.discord.requests.some((r) => r.status === 429),
      (limited) => limited,
      30_000,
    );

    faceClosed = true;
    await face.close();

    const thread = await test.db.prisma.proposalThread.findUnique({ where: { proposalId: proposal.id } });
    expect(thread).toMatchObject({ guildId: GUILD, channelId: CHANNEL });
    const { rows } = await test.db.sql.query<{ state: string; retry_count: number }>(
      "SELECT state, retry_count FROM pgboss.job WHERE id = $1",
      [jobId],
    );
    expect(rows).toEqual([{ state: "completed", retry_count: 0 }]);
    const posted = h.discord.requests.filter(
      (r) => r.method === "POST" && /^\/channels\/\d+\/messages$/.test(r.path) && r.status === 200,
    );
    expect(posted.length).toBeGreaterThanOrEqual(1);
  });
});
