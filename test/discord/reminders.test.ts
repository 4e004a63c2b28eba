// The reminder before a proposal ends pings only the members who must act — an "ask me" decision, or no delegation
// to their agent — and says nothing about a private member's values. Posted once, whatever the watcher repeats.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { remind } from "../../src/discord/reminders.js";
import { decide, digestedProposal, followSpace, memberWithProfile, text } from "./discordFixtures.js";
import { ALICE, BOB, type DiscordHarness, SAM, startDiscordHarness } from "./discordHarness.js";

let h: DiscordHarness;
beforeAll(async () => {
  h = await startDiscordHarness({ workAnnounce: false });
}, 120_000);
afterAll(async () => {
  await h?.close();
});

describe("the reminder before the end", () => {
  it("mentions the member without a delegation and the one Tribune must ask, and not the one who is set", async () => {
    const space = await followSpace(h);
    const { proposal, digest } = await digestedProposal(h, space);
    await memberWithProfile(h, ALICE, space, "Treasury prudence above all: never waste the DAO's money.", "public");
    await memberWithProfile(h, BOB, space, "Decentralization is what I care about most.", "private");
    const sam = await memberWithProfile(h, SAM, space, "Treasury prudence above all.", "public");
    await h.db.prisma.delegation.create({
      data: {
        spaceId: space.id,
        memberId: sam.id,
        delegatorAddress: "0x00000000000000000000000000000000000000aa",
        delegateAddress: sam.agentAddress,
        votingPower: "1000",
      },
    });
    const report = await decide(h, proposal, digest);
    expect(report.status).toBe("decided");
    const outcomes = await h.db.prisma.decision.findMany({
      where: { proposalId: proposal.id },
      include: { member: true },
    });
    expect(outcomes.find((d) => d.member.discordUserId === BOB)?.outcome).toBe("ask");

    const published = await h.publisher.publish(proposal.id);
    expect(published.status).toBe("published");
    const first = await remind({ prisma: h.db.prisma, publisher: h.publisher }, proposal.id);
    expect(first).toMatchObject({ status: "published", posted: 1 });

    const threadId = published.status === "published" ? published.threadId : "";
    const reminders = h.discord.messages(threadId).filter((m) => text(m).includes("⏰"));
    expect(reminders).toHaveLength(1);
    const body = text(reminders[0] as NonNullable<(typeof reminders)[0]>);
    expect(body).toContain(`<@${ALICE}>`);
    expect(body).toContain("/delegate");
    expect(body).toContain(`<@${BOB}>`);
    expect(body).not.toContain(`<@${SAM}>`);
    // Bob is private: he is told to look, and the thread does not learn that Tribune is asking him.
    expect(body).not.toMatch(new RegExp(`<@${BOB}>[^\\n]*asking for your word`));

    const again = await remind({ prisma: h.db.prisma, publisher: h.publisher }, proposal.id);
    expect(again).toMatchObject({ status: "published", posted: 0, unchanged: 1 });
    expect(h.discord.messages(threadId).filter((m) => text(m).includes("⏰"))).toHaveLength(1);
  });
});
