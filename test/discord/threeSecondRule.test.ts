// Discord's 3-second rule: an interaction nobody answers within 3 s is dead (10062), whatever the handler was doing.
// Here handlers are made slow the way production makes them slow (a profile compiler that takes 4 s, like an LLM;
// a database call that takes 4 s), and the fake's clock says when the first answer came: a deferral, well in time,
// then the answer as an edit of "thinking…". A fast handler answers at once, without a deferral.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AcknowledgedInfo } from "../../src/discord/interactionRouter.js";
import { createLoadGauge, type LoadGauge } from "../../src/discord/loadGauge.js";
import type { PrismaClient, Space } from "../../src/generated/prisma/client.js";
import { offlineProfileCompiler } from "../../src/values/offlineCompiler.js";
import type { ProfileCompiler } from "../../src/values/profileCompiler.js";
import type { InteractionRun } from "../fakes/discord/fakeDiscord.js";
import { LOADING } from "../fakes/discord/limits.js";
import { eventually } from "../support/eventually.js";
import { digestedProposal, followSpace, submitStatement, text } from "./discordFixtures.js";
import { ALICE, APP, CHANNEL, type DiscordHarness, GUILD, startDiscordHarness } from "./discordHarness.js";

const SLOW_MS = 4_000;
/** Discord's deadline for the first answer. */
const DEADLINE_MS = 3_000;

const slow = { compiler: false, database: false };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The real offline compiler, taking 4 s when told to: an LLM on a bad day. */
const slowCompiler: ProfileCompiler = {
  id: offlineProfileCompiler.id,
  async compile(statement, taxonomy, signal) {
    if (slow.compiler) await sleep(SLOW_MS);
    return offlineProfileCompiler.compile(statement, taxonomy, signal);
  },
};

/** The real database, with the proposal listing taking 4 s when told to: a slow query under load. */
const slowDatabase = (prisma: PrismaClient): PrismaClient =>
  prisma.$extends({
    query: {
      proposal: {
        async findMany({ args, query }) {
          if (slow.database) await sleep(SLOW_MS);
          return query(args);
        },
      },
    },
  }) as unknown as PrismaClient;

// Busy means commands in flight here, nothing else. The router also defers when the event loop lags or an interaction
// arrives old (loadGauge.test.ts covers both), but on a loaded test machine those fire for any command at any moment,
// and this file must know which commands find the bot idle.
const gauge = createLoadGauge({ maxLagMs: 60_000, maxAgeMs: 60_000 });
/** What the router's gauge answered on each interaction's arrival: busy (defer first) or not. */
const arrivals: boolean[] = [];
const load: LoadGauge = {
  ...gauge,
  busy(createdTimestamp) {
    const busy = gauge.busy(createdTimestamp);
    arrivals.push(busy);
    return busy;
  },
};

let h: DiscordHarness;
let space: Space;
/** What the router told its `onAcknowledged` observer (the metrics' hook). */
const acks: AcknowledgedInfo[] = [];

beforeAll(async () => {
  h = await startDiscordHarness({
    compiler: slowCompiler,
    wrapPrisma: slowDatabase,
    load,
    onAcknowledged: (info) => acks.push(info),
  });
  space = await followSpace(h);
  await digestedProposal(h, space);
}, 120_000);

afterAll(async () => {
  await h?.close();
  gauge.stop();
});

/** The edits the bot made to an interaction's reply (PATCH …/messages/@original). */
const editsOf = (run: InteractionRun) =>
  h.discord.requests.filter(
    (r) => r.method === "PATCH" && r.path === `/webhooks/${APP}/${run.token}/messages/@original` && r.status === 200,
  );

describe("the 3-second rule", () => {
  it("a modal whose compiler takes 4 s is deferred in time, and the compiled profile arrives by edit", async () => {
    slow.compiler = true;
    try {
      const submit = submitStatement(h, space, ALICE, "Treasury prudence above all: never waste the DAO's money.");
      const ack = await submit.acknowledged;
      expect(ack.type).toBe(5);
      expect(ack.latencyMs).toBeLessThan(DEADLINE_MS);
      const reply = await submit.finalReply({ timeoutMs: 15_000 });
      expect(text(reply)).toMatch(/Not confirmed yet/);
      expect(reply.ephemeral).toBe(true);
      // It was "thinking…" first, then the answer replaced it: one edit, after the compiler's 4 s.
      expect(reply.history.map((v) => v.flags & LOADING)).toEqual([LOADING]);
      const edits = editsOf(submit);
      expect(edits).toHaveLength(1);
      const createdAt = ack.at - ack.latencyMs;
      expect((edits[0]?.at ?? 0) - createdAt).toBeGreaterThanOrEqual(SLOW_MS);
    } finally {
      slow.compiler = false;
    }
  });

  it("a command whose database call takes 4 s is deferred in time, and the list arrives by edit", async () => {
    slow.database = true;
    try {
      const run = h.discord.slashCommand({ guildId: GUILD, channelId: CHANNEL, userId: ALICE, name: "proposals" });
      const ack = await run.acknowledged;
      expect(ack.type).toBe(5);
      expect(ack.latencyMs).toBeLessThan(DEADLINE_MS);
      const reply = await run.finalReply({ timeoutMs: 15_000 });
      expect(reply.content).toMatch(/Fund the grants council/);
      expect(reply.ephemeral).toBe(true);
      expect(editsOf(run)).toHaveLength(1);
    } finally {
      slow.database = false;
    }
  });

  it("a fast command answers directly (type 4), with no deferral and no edit", async () => {
    const run = h.discord.slashCommand({ guildId: GUILD, channelId: CHANNEL, userId: ALICE, name: "proposals" });
    const ack = await run.acknowledged;
    expect(ack.type).toBe(4);
    expect(ack.latencyMs).toBeLessThan(DEADLINE_MS);
    const reply = await run.finalReply();
    expect(reply.content).toMatch(/Fund the grants council/);
    expect(reply.history).toEqual([]);
    expect(editsOf(run)).toEqual([]);
  });

  it("a burst of commands at once: the ones that find the bot busy are deferred before any work, none is lost", async () => {
    const burst = 40;
    arrivals.length = 0;
    const runs = Array.from({ length: burst }, () =>
      h.discord.slashCommand({ guildId: GUILD, channelId: CHANNEL, userId: ALICE, name: "proposals" }),
    );
    const answers = await Promise.all(runs.map((run) => run.acknowledged));
    for (const ack of answers) expect(ack.latencyMs).toBeLessThan(DEADLINE_MS);
    // Each command that arrived to 3 or more others in flight found the bot busy, and was deferred before its work
    // began; only the others may have answered directly. Arriving together, most found the bot busy.
    expect(arrivals).toHaveLength(burst);
    const foundBusy = arrivals.filter((busy) => busy).length;
    expect(foundBusy).toBeGreaterThanOrEqual(burst / 2);
    const deferred = answers.filter((ack) => ack.type === 5).length;
    expect(deferred).toBeGreaterThanOrEqual(foundBusy);
    const replies = await Promise.all(runs.map((run) => run.finalReply({ timeoutMs: 20_000 })));
    for (const reply of replies) expect(reply.content).toMatch(/Fund the grants council/);
    // The observer heard of each acknowledgement, deferred or not, as the fake saw it. It hears of one once Discord's
    // answer to it is back, which may be after the fake saw it, so earlier tests' are told apart by interaction id.
    const ids = new Set(runs.map((run) => run.id));
    const ours = () => acks.filter((a) => ids.has(a.interactionId));
    await eventually(
      async () => ours().length,
      (n) => n >= burst,
      5_000,
    );
    expect(ours()).toHaveLength(burst);
    for (const ack of ours()) expect(ack.command).toBe("proposals");
    expect(ours().filter((a) => a.deferred)).toHaveLength(deferred);
    for (const ack of ours()) expect(ack.ms).toBeGreaterThanOrEqual(0);
  });
});
