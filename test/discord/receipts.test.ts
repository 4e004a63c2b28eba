// Receipts in the proposal's thread, through the REAL discord.js client and the fake Discord: once votes settle (outbox
// rows confirmed, failed or skipped, written here as the casting runners write them), one "Receipts" message says
// per member what became of their vote: where to check a cast vote, or in plain words why nothing was cast. It
// respects each member's privacy, is edited (never re-posted) as more votes settle, splits when long, shows a pooled
// vote with who was left out and why, and the announce job (what the runner's onSettled enqueues) refreshes it.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Digest, Member, Prisma, Proposal, Space } from "../../src/generated/prisma/client.js";
import { announceProposal } from "../../src/jobs/jobCatalog.js";
import type { MessageView } from "../fakes/discord/fakeDiscord.js";
import { eventually } from "../support/eventually.js";
import { decide, digestedProposal, followSpace, memberWithProfile, text } from "./discordFixtures.js";
import { ALICE, BOB, type DiscordHarness, SAM, startDiscordHarness } from "./discordHarness.js";
import { crowdMemberId, seedCrowd } from "./memberCrowd.js";

const CAROL = "1190000000000000201";
const DAVE = "1190000000000000202";
const VOTE = `0x${"cd".repeat(32)}`;
const TX = `0x${"ab".repeat(32)}`;
const IPFS = "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy";

let h: DiscordHarness;
let space: Space;
/** Public: Alice, Carol, Dave. Private: Bob, Sam. */
const members: Record<string, Member> = {};

beforeAll(async () => {
  h = await startDiscordHarness();
  space = await followSpace(h);
  const statement = "Treasury prudence above all: never waste the DAO's money.";
  members.alice = await memberWithProfile(h, ALICE, space, statement, "public");
  members.bob = await memberWithProfile(h, BOB, space, statement, "private");
  members.sam = await memberWithProfile(h, SAM, space, statement, "private");
  members.carol = await memberWithProfile(h, CAROL, space, statement, "public");
  members.dave = await memberWithProfile(h, DAVE, space, statement, "public");
}, 120_000);

afterAll(async () => {
  await h?.close();
});

/** A decided proposal with its thread published. */
async function threadFor(where: Space = space) {
  const { proposal, digest } = await digestedProposal(h, where);
  await decide(h, proposal, digest);
  const report = await h.publisher.publish(proposal.id);
  if (report.status !== "published") throw new Error(`no thread: ${report.why}`);
  return { proposal, digest: digest as Digest, threadId: report.threadId };
}

/** A settled outbox row as the runners leave it (a random agent address each: one row per proposal and voter). */
async function settled(
  proposal: Proposal,
  member: Member | null,
  state: "confirmed" | "failed" | "skipped",
  extra: Partial<Prisma.CastUncheckedCreateInput> = {},
) {
  return h.db.prisma.cast.create({
    data: {
      proposalId: proposal.id,
      spaceId: proposal.spaceId,
      voterAddress: `0x${randomBytes(20).toString("hex")}`,
      memberId: member?.id ?? null,
      state,
      choice: 1,
      dryRun: false,
      ...extra,
    },
  });
}

const receiptRows = (proposal: Proposal) =>
  h.db.prisma.threadMessage.findMany({
    where: { thread: { proposalId: proposal.id }, kind: "receipts" },
    orderBy: { part: "asc" },
  });

async function receiptsIn(proposal: Proposal): Promise<MessageView[]> {
  const rows = await receiptRows(proposal);
  return rows.map((r) => {
    const message = h.discord.message(r.discordMessageId);
    if (!message) throw new Error(`receipts part ${r.part} is not on Discord`);
    return message;
  });
}

async function publish(proposal: Proposal) {
  const report = await h.publisher.publish(proposal.id);
  if (report.status !== "published") throw new Error(`not published: ${report.why}`);
  return report;
}

describe("receipts in the proposal's thread", () => {
  it("say per member what became of their vote, name only public members, and are edited as votes settle", async () => {
    const { proposal, threadId } = await threadFor();
    // A veto can still be undone before the end: the plan shows it, no receipts message yet.
    await settled(proposal, members.bob as Member, "skipped", { failureReason: "vetoed", choice: undefined });
    await publish(proposal);
    expect(await receiptRows(proposal)).toEqual([]);

    await settled(proposal, members.alice as Member, "confirmed", {
      voteId: VOTE,
      receipt: { source: "sequencer", id: VOTE, ipfs: IPFS, relayer: { address: "0x1", receipt: "0x2" } },
    });
    const before = h.discord.messages(threadId).length;
    expect(await publish(proposal)).toMatchObject({ posted: 1 });
    const [first] = await receiptsIn(proposal);
    expect(h.discord.messages(threadId)).toHaveLength(before + 1);
    const shown = text(first as MessageView);
    expect(shown).toContain(
      `<@${ALICE}> → **For** · vote \`${VOTE}\` · [IPFS record](https://ipfs.snapshot.box/ipfs/${IPFS})`,
    );
    expect(shown).toContain("a delegator → not cast, because you vetoed it");
    expect(shown).not.toContain(BOB);

    // More settle: the same message is edited, nothing new is posted.
    await settled(proposal, members.carol as Member, "skipped", { failureReason: "own_vote" });
    await settled(proposal, members.dave as Member, "skipped", { failureReason: "no_voting_power", votingPower: "0" });
    await settled(proposal, members.sam as Member, "failed", {
      failureReason: "vote_validation_failed",
      receipt: { status: 400, description: "failed to check validation" },
    });
    const mark = h.discord.requests.length;
    expect(await publish(proposal)).toMatchObject({ posted: 0 });
    const [edited] = await receiptsIn(proposal);
    expect(edited?.id).toBe(first?.id);
    expect(edited?.history).toHaveLength(1);
    expect(h.discord.messages(threadId)).toHaveLength(before + 1);
    const now = text(edited as MessageView);
    expect(now).toContain("1 cast · 4 not cast");
    expect(now).toContain(`<@${CAROL}> → not cast, because you voted yourself`);
    expect(now).toContain(
      `<@${DAVE}> → not cast, because no voting power reached your agent at the proposal's snapshot`,
    );
    expect(now).toContain(
      "a delegator → not cast, it failed because your agent does not pass the space's vote validation (failed to check validation)",
    );
    expect(now).not.toMatch(new RegExp(`${BOB}|${SAM}`));
    // Nobody is pinged by an edit either.
    const edits = h.discord.requests
      .slice(mark)
      .filter((r) => r.method === "PATCH" && r.path.includes(first?.id ?? "-"));
    expect(edits).toHaveLength(1);
    expect(edits[0]?.body).toMatchObject({ allowed_mentions: { parse: [], users: [] } });

    // Publishing again with nothing new changes nothing.
    const again = h.discord.requests.length;
    await publish(proposal);
    expect(h.discord.requests.slice(again).filter((r) => r.method !== "GET")).toEqual([]);
  });

  it("a dry run says what would have been sent, and a Governor receipt links the transaction", async () => {
    const { proposal } = await threadFor();
    await settled(proposal, members.alice as Member, "skipped", {
      failureReason: "dry_run",
      dryRun: true,
      choice: 2,
      payload: { wouldSend: { choice: 2 } },
    });
    await settled(proposal, members.carol as Member, "confirmed", {
      txHash: TX,
      receipt: { source: "chain", chainId: 1, txHash: TX, blockNumber: "123", method: "castVoteWithReason" },
    });
    await publish(proposal);
    const shown = (await receiptsIn(proposal)).map(text).join("\n");
    expect(shown).toContain(`<@${ALICE}> → would have voted **Against**`);
    expect(shown).toContain(`<@${CAROL}> → **For** · transaction [${TX}](https://etherscan.io/tx/${TX})`);
  });

  it("a pooled vote shows one receipt, and who was left out and why", async () => {
    const { proposal } = await threadFor();
    await settled(proposal, null, "confirmed", {
      voterKind: "pooled",
      voteId: VOTE,
      receipt: { source: "sequencer", id: VOTE, ipfs: IPFS },
      payload: {
        pool: {
          method: "plurality",
          contributions: [
            { memberId: members.alice?.id, votingPower: "10", outcome: "vote", amounts: { "1": "10" } },
            { memberId: members.sam?.id, votingPower: "5", outcome: "vote", amounts: { "1": "5" } },
            { memberId: members.bob?.id, votingPower: "7", outcome: "vote", amounts: {} },
          ],
          leftOut: [
            { memberId: members.bob?.id, why: "vetoed" },
            { memberId: members.dave?.id, why: "no_voting_power" },
          ],
        },
      },
    });
    await publish(proposal);
    const shown = (await receiptsIn(proposal)).map(text).join("\n");
    expect(shown).toContain(`the pooled delegate → **For** · vote \`${VOTE}\``);
    expect(shown.match(/→ /g)).toHaveLength(1);
    expect(shown).toContain("combined 2 members' ballots");
    expect(shown).toContain("• a delegator, because you vetoed it");
    expect(shown).toContain(`• <@${DAVE}>, because no voting power reached your agent`);
    expect(shown).not.toMatch(new RegExp(`${BOB}|${SAM}`));
  });

  it("splits many receipts across messages, each within Discord's limits", async () => {
    const own = await followSpace(h);
    await seedCrowd(h.db.prisma, own.id, 300);
    const { proposal } = await threadFor(own);
    const crowd = await h.db.prisma.member.findMany({
      where: { discordUserId: { in: Array.from({ length: 300 }, (_, n) => crowdMemberId(n)) } },
    });
    await h.db.prisma.cast.createMany({
      data: crowd.map((m) => ({
        proposalId: proposal.id,
        spaceId: own.id,
        voterAddress: `0x${randomBytes(20).toString("hex")}`,
        memberId: m.id,
        state: "confirmed" as const,
        choice: 1,
        dryRun: false,
        receipt: { source: "sequencer", id: VOTE, ipfs: IPFS },
      })),
    });
    const mark = h.discord.requests.length;
    await publish(proposal);
    // The fake refuses anything over Discord's limits with a 400.
    expect(h.discord.requests.slice(mark).filter((r) => r.status === 400)).toEqual([]);
    const parts = await receiptsIn(proposal);
    expect(parts.length).toBeGreaterThan(1);
    const all = parts.map(text).join("\n");
    const lines = (all.match(/^• <@\d+> → /gm) ?? []).length;
    const more = Number(/…and (\d+) more/.exec(all)?.[1] ?? 0);
    expect(lines + more).toBe(300);
  });

  it("the announce job, as the runner's onSettled enqueues it, brings the receipts up to date", async () => {
    const { proposal } = await threadFor();
    await settled(proposal, members.alice as Member, "confirmed", {
      voteId: VOTE,
      receipt: { source: "hub", id: VOTE, created: 1, vp: 1, ipfs: null },
    });
    await h.queue.enqueue(announceProposal, { proposalId: proposal.id }, { singletonKey: proposal.id });
    const shown = await eventually(
      async () => (await receiptsIn(proposal)).map(text).join("\n"),
      (t) => t.includes(`<@${ALICE}> → **For** · vote`),
      20_000,
    );
    expect(shown).toContain(`vote \`${VOTE}\``);
  });
});
