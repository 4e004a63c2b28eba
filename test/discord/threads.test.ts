// A thread per proposal, kept in step with the store through the REAL discord.js client and the fake Discord: made
// when the first digest exists, idempotent when published again, edited in place as decisions change, riding out a
// 429, reopening archived threads, stopping at locked ones, warning on flagged digests, splitting long plans within
// Discord's limits (the fake refuses anything oversize with 50035, so a plan that lands is within them), surviving a
// crash between Discord and the database, and showing a pause in every open thread.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NO_AUTOMATIC_VOTE } from "../../src/discord/presenters/digestMessage.js";
import { presentMessage } from "../../src/discord/presenters/presentedMessage.js";
import type { PublishReport } from "../../src/discord/threadPublisher.js";
import type { Digest, Proposal, Space } from "../../src/generated/prisma/client.js";
import type { RequestRecord } from "../fakes/discord/fakeDiscord.js";
import { eventually } from "../support/eventually.js";
import { seedDigest } from "../values/seed.js";
import { decide, digestedProposal, followSpace, memberWithProfile, planIn, text } from "./discordFixtures.js";
import { CHANNEL, type DiscordHarness, GUILD, SAM, startDiscordHarness } from "./discordHarness.js";
import { seedCrowd } from "./memberCrowd.js";

let h: DiscordHarness;
let space: Space;

beforeAll(async () => {
  h = await startDiscordHarness();
  space = await followSpace(h);
}, 120_000);

afterAll(async () => {
  await h?.close();
});

/** A proposal with its digest, its thread published. */
async function publishedProposal(options: Parameters<typeof digestedProposal>[2] = {}) {
  const { proposal, digest } = await digestedProposal(h, space, options);
  const report = published(await h.publisher.publish(proposal.id));
  return { proposal, digest: digest as Digest, threadId: report.threadId };
}

function published(report: PublishReport) {
  if (report.status !== "published") throw new Error(`expected a published thread, got ${report.why}`);
  return report;
}

/** The Discord requests made from now on, to read after the work is done. */
function requestsFrom(): () => RequestRecord[] {
  const mark = h.discord.requests.length;
  return () => h.discord.requests.slice(mark);
}

const writesTo = (requests: RequestRecord[], channelId: string) =>
  requests.filter(
    (r) => (r.method === "POST" || r.method === "PATCH") && r.path.startsWith(`/channels/${channelId}/messages`),
  );

/** The starter messages Tribune posted in the channel for one proposal's thread. */
const startersOf = (threadId: string) =>
  h.discord.messages(CHANNEL).filter((m) => m.threadId === threadId || m.id === threadId);

/** Waits until the bot's own channel cache has heard a thread change (THREAD_UPDATE over the gateway). */
async function botSees(threadId: string, state: { archived?: boolean; locked?: boolean }) {
  const seen = await eventually(
    async () => h.client.channels.cache.get(threadId),
    (c) =>
      c?.isThread() === true &&
      (state.archived === undefined || c.archived === state.archived) &&
      (state.locked === undefined || c.locked === state.locked),
    5_000,
  );
  expect(seen?.isThread()).toBe(true);
}

/** A member states their values and the proposal is decided again, so its plan changes. */
async function newDecision(proposal: Proposal, digest: Digest, discordUserId: string, statement: string) {
  await memberWithProfile(h, discordUserId, space, statement);
  await decide(h, proposal, digest);
}

describe("a thread per proposal", () => {
  it("appears when the proposal's first digest exists, and not before", async () => {
    const { proposal, versionId } = await digestedProposal(h, space, { digest: false });
    const before = h.discord.threads(CHANNEL).length;
    expect(await h.publisher.publish(proposal.id)).toEqual({ status: "skipped", why: "no_digest" });
    expect(h.discord.threads(CHANNEL)).toHaveLength(before);

    await seedDigest(h.db.prisma, proposal, versionId, { tldr: "Funds a grants program from the treasury." });
    const since = requestsFrom();
    const report = published(await h.publisher.publish(proposal.id));
    expect(report).toMatchObject({ created: true, posted: 2 });
    // Each message is posted once and not touched again.
    expect(writesTo(since(), report.threadId).map((r) => r.method)).toEqual(["POST", "POST"]);
    expect(since().filter((r) => r.method === "PATCH")).toEqual([]);
    const thread = h.discord.threads(CHANNEL).find((t) => t.id === report.threadId);
    expect(thread).toMatchObject({ name: proposal.title, type: 11, archived: false });
    const [starter] = startersOf(report.threadId);
    expect(text(starter as NonNullable<typeof starter>)).toContain("Funds a grants program");
    expect(h.discord.messages(report.threadId).map((m) => m.embeds[0]?.title ?? "")).toEqual([
      expect.stringMatching(/^Arguments/),
      expect.stringMatching(/^How Tribune will vote/),
    ]);
    const created = await h.db.prisma.auditEntry.count({
      where: { action: "discord.thread_created", proposalId: proposal.id },
    });
    expect(created).toBe(1);
  });

  it("publishing again changes nothing: no new message, no edit", async () => {
    const { proposal, threadId } = await publishedProposal();
    const count = h.discord.messages(threadId).length;
    const since = requestsFrom();
    const again = published(await h.publisher.publish(proposal.id));
    expect(again).toMatchObject({ created: false, posted: 0, edited: 0 });
    expect(again.unchanged).toBeGreaterThanOrEqual(3);
    expect(h.discord.messages(threadId)).toHaveLength(count);
    expect(startersOf(threadId)).toHaveLength(1);
    expect(since().filter((r) => r.method !== "GET")).toEqual([]);
  });

  it("edits the plan in place when decisions change", async () => {
    const { proposal, digest, threadId } = await publishedProposal();
    const plan = planIn(h, threadId);
    expect(text(plan as NonNullable<typeof plan>)).toMatch(/No member has a decision/);
    await newDecision(proposal, digest, SAM, "Treasury prudence above all: never waste the DAO's money.");
    const report = published(await h.publisher.publish(proposal.id));
    expect(report).toMatchObject({ posted: 0, edited: 1 });
    const edited = planIn(h, threadId);
    expect(edited?.id).toBe(plan?.id);
    expect(text(edited as NonNullable<typeof edited>)).toContain("a delegator → **Against**");
    expect(edited?.history).toHaveLength(1);
  });

  it("rides out a 429 on creating the thread and on posting in it: each lands exactly once", async () => {
    const { proposal } = await digestedProposal(h, space);
    h.discord.rateLimitNext({
      method: "POST",
      route: /^\/channels\/\d+\/messages\/\d+\/threads$/,
      retryAfterSeconds: 1,
    });
    h.discord.rateLimitNext({
      method: "POST",
      route: new RegExp(`^/channels/(?!${CHANNEL})\\d+/messages$`),
      retryAfterSeconds: 1,
    });
    const since = requestsFrom();
    const report = published(await h.publisher.publish(proposal.id));
    const creates = since().filter((r) => r.route === "/channels/:channelId/messages/:messageId/threads");
    expect(creates.map((r) => r.status)).toEqual([429, 201]);
    const posts = writesTo(since(), report.threadId).filter((r) => r.method === "POST");
    expect(posts.map((r) => r.status)).toEqual([429, 200, 200]);
    expect(h.discord.messages(report.threadId)).toHaveLength(2);
    expect(startersOf(report.threadId)).toHaveLength(1);
  });

  it("reopens an archived thread before editing in it, and before posting in it", async () => {
    const { proposal, digest, threadId } = await publishedProposal();
    h.discord.archiveThread(threadId);
    await botSees(threadId, { archived: true });
    await newDecision(proposal, digest, "1190000000000000101", "Public goods matter most: fund open-source tooling.");
    let since = requestsFrom();
    expect(published(await h.publisher.publish(proposal.id))).toMatchObject({ edited: 1 });
    expect(h.discord.threads(CHANNEL).find((t) => t.id === threadId)?.archived).toBe(false);
    const reopen = since().findIndex((r) => r.method === "PATCH" && r.path === `/channels/${threadId}`);
    const edit = since().findIndex((r) => r.method === "PATCH" && r.path.startsWith(`/channels/${threadId}/messages/`));
    expect(reopen).toBeGreaterThanOrEqual(0);
    expect(since()[reopen]?.body).toMatchObject({ archived: false });
    expect(edit).toBeGreaterThan(reopen);

    h.discord.archiveThread(threadId);
    await botSees(threadId, { archived: true });
    since = requestsFrom();
    const reminder = presentMessage({ content: "Voting ends in an hour." });
    expect(await h.publisher.post(proposal.id, "reminder", [reminder])).toMatchObject({ posted: 1 });
    const order = since().map((r) => `${r.method} ${r.path}`);
    expect(order.indexOf(`PATCH /channels/${threadId}`)).toBeLessThan(
      order.indexOf(`POST /channels/${threadId}/messages`),
    );
    expect(h.discord.messages(threadId).at(-1)?.content).toBe("Voting ends in an hour.");
  });

  it("reports a locked thread and posts nothing in it", async () => {
    const { proposal, digest, threadId } = await publishedProposal();
    h.discord.lockThread(threadId);
    await botSees(threadId, { locked: true });
    await newDecision(proposal, digest, "1190000000000000102", "Security first: never weaken the protocol.");
    const messages = h.discord.messages(threadId).map((m) => ({ id: m.id, history: m.history.length }));
    const since = requestsFrom();
    expect(await h.publisher.publish(proposal.id)).toEqual({ status: "skipped", why: "thread_locked" });
    expect(await h.publisher.post(proposal.id, "reminder", [presentMessage({ content: "Soon." })])).toEqual({
      status: "skipped",
      why: "thread_locked",
    });
    expect(writesTo(since(), threadId)).toEqual([]);
    expect(h.discord.messages(threadId).map((m) => ({ id: m.id, history: m.history.length }))).toEqual(messages);
    expect(h.logLines.some((line) => line.includes(threadId) && /locked/.test(line))).toBe(true);
  });

  it("opens a flagged digest's thread with the warning first", async () => {
    const { threadId } = await publishedProposal({ flagged: true });
    const [starter] = startersOf(threadId);
    expect(starter?.embeds[0]?.description?.startsWith(`⚠️ **${NO_AUTOMATIC_VOTE}**`)).toBe(true);
  });

  it("splits a long plan across messages, each within Discord's limits", async () => {
    const own = await followSpace(h);
    await seedCrowd(h.db.prisma, own.id, 400);
    const { proposal, digest } = await digestedProposal(h, own);
    await decide(h, proposal, digest);
    const since = requestsFrom();
    const report = published(await h.publisher.publish(proposal.id));
    expect(since().filter((r) => r.status === 400)).toEqual([]);
    const parts = await h.db.prisma.threadMessage.findMany({
      where: { thread: { proposalId: proposal.id }, kind: "plan" },
      orderBy: { part: "asc" },
    });
    expect(parts.length).toBeGreaterThan(1);
    const shown = parts.map((p) => h.discord.message(p.discordMessageId));
    for (const message of shown) {
      expect(message?.channelId).toBe(report.threadId);
      expect(message?.content.length ?? 0).toBeLessThanOrEqual(2_000);
      expect(message?.embeds.length ?? 0).toBeLessThanOrEqual(10);
    }
    const all = shown.map((m) => text(m as NonNullable<typeof m>)).join("\n");
    // Everyone either has a line or is counted in the closing one.
    const lines = (all.match(/^• <@\d+> → /gm) ?? []).length;
    const more = Number(/…and (\d+) more/.exec(all)?.[1] ?? 0);
    expect(lines + more).toBe(400);
  });

  it("survives a crash between posting and recording: the nonce makes Discord return the same message", async () => {
    const { proposal, threadId } = await publishedProposal();
    const before = h.discord.messages(threadId).map((m) => m.id);
    const plan = planIn(h, threadId);
    // The plan was posted, then the process died before its row was written.
    await h.db.prisma.threadMessage.deleteMany({ where: { thread: { proposalId: proposal.id }, kind: "plan" } });
    const since = requestsFrom();
    expect(published(await h.publisher.publish(proposal.id))).toMatchObject({ posted: 1 });
    const resent = writesTo(since(), threadId).filter((r) => r.method === "POST");
    expect(resent).toHaveLength(1);
    expect(resent[0]?.body).toMatchObject({ nonce: expect.any(String), enforce_nonce: true });
    expect(h.discord.messages(threadId).map((m) => m.id)).toEqual(before);
    const row = await h.db.prisma.threadMessage.findFirst({
      where: { thread: { proposalId: proposal.id }, kind: "plan" },
    });
    expect(row?.discordMessageId).toBe(plan?.id);

    // The thread itself was made, then the process died before any of its rows were written.
    const thread = await h.db.prisma.proposalThread.findUniqueOrThrow({ where: { proposalId: proposal.id } });
    await h.db.prisma.threadMessage.deleteMany({ where: { threadId: thread.id } });
    await h.db.prisma.proposalThread.delete({ where: { id: thread.id } });
    const again = published(await h.publisher.publish(proposal.id));
    expect(again.threadId).toBe(threadId);
    expect(startersOf(threadId)).toHaveLength(1);
    expect(h.discord.messages(threadId).map((m) => m.id)).toEqual(before);
  });

  it("a crash between posting and recording, then a change: the returned message is brought up to date", async () => {
    const { proposal, digest, threadId } = await publishedProposal();
    await h.db.prisma.threadMessage.deleteMany({ where: { thread: { proposalId: proposal.id }, kind: "plan" } });
    await newDecision(
      proposal,
      digest,
      "1190000000000000103",
      "Treasury prudence above all: never waste the DAO's money.",
    );
    published(await h.publisher.publish(proposal.id));
    const plans = h.discord.messages(threadId).filter((m) => /How Tribune will vote/.test(text(m)));
    expect(plans).toHaveLength(1);
    expect(text(plans[0] as NonNullable<(typeof plans)[0]>)).toContain("a delegator → **Against**");
  });

  it("shows a pause in every open thread after /pause, and takes it away after /resume", async () => {
    const open: { proposal: Proposal; threadId: string }[] = [await publishedProposal(), await publishedProposal()];
    const planText = (threadId: string) => {
      const plan = planIn(h, threadId);
      return plan ? text(plan) : "";
    };
    const steward = (name: string) =>
      h.discord.slashCommand({ guildId: GUILD, channelId: CHANNEL, userId: SAM, name }).finalReply();
    expect((await steward("pause")).content).toMatch(/Casting is paused in every space/);
    for (const { threadId } of open) {
      const shown = await eventually(
        async () => planText(threadId),
        (t) => /Casting is paused/.test(t),
        20_000,
      );
      expect(shown).toMatch(/Casting is paused by a steward/);
    }
    expect((await steward("resume")).content).toMatch(/Casting resumed/);
    for (const { threadId } of open) {
      const shown = await eventually(
        async () => planText(threadId),
        (t) => !/Casting is paused/.test(t),
        20_000,
      );
      expect(shown).not.toMatch(/paused/);
    }
  });
});
