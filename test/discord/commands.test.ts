// Every slash command answers as a member or steward expects, through the REAL discord.js client and the fake
// Discord: what it shows, what it stores, and a clear message for anything unknown, malformed or refused. An
// unexpected failure shows an error id, never a stack trace, and the log line with the stack carries the same id.
// This harness says live casting is unavailable (no agent keys), as a deployment without AGENT_MNEMONIC would.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Secret } from "../../src/config/secret.js";
import type { Digest, PrismaClient, Proposal, Space } from "../../src/generated/prisma/client.js";
import { readLoginToken } from "../../src/web/loginLink.js";
import type { OptionValue } from "../fakes/discord/commands.js";
import type { MessageView } from "../fakes/discord/fakeDiscord.js";
import { SIGNING_SECRET, WEB_BASE_URL } from "./discordFace.js";
import { decide, digestedProposal, followSpace, memberWithProfile, text } from "./discordFixtures.js";
import {
  ALICE,
  BOB,
  CHANNEL,
  type DiscordHarness,
  GUILD,
  NEWCOMER,
  SAM,
  spaceId,
  startDiscordHarness,
} from "./discordHarness.js";

/** Agents 0 and 1 of the standard test mnemonic: the first two members to ask get them. */
const AGENT_0 = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
const AGENT_1 = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const GOVERNOR = "1:0x408ed6354d4973f66138c91495f2f2fcbd8724c3";

/** When set, the next proposal listing fails as a dropped database connection would. */
const failNext = { proposalList: false };
const flakyDatabase = (prisma: PrismaClient): PrismaClient =>
  prisma.$extends({
    query: {
      proposal: {
        async findMany({ args, query }) {
          if (failNext.proposalList) {
            failNext.proposalList = false;
            throw new Error("Connection terminated unexpectedly");
          }
          return query(args);
        },
      },
    },
  }) as unknown as PrismaClient;

let h: DiscordHarness;
let space: Space;
let other: Space;
let open: { proposal: Proposal; digest: Digest | null };

beforeAll(async () => {
  h = await startDiscordHarness({ liveCastingAvailable: false, wrapPrisma: flakyDatabase });
  space = await followSpace(h);
  other = await followSpace(h);
  open = await digestedProposal(h, space, { title: "Raise the quorum" });
  await digestedProposal(h, space, {
    title: "Old budget",
    state: "closed",
    endAt: new Date(Date.now() - 86_400_000),
  });
  await digestedProposal(h, other, { title: "Fund audits" });
}, 120_000);

afterAll(async () => {
  await h?.close();
});

/** Runs a command as `userId` and waits for its answer. */
async function run(
  userId: string,
  name: string,
  options: Record<string, OptionValue> = {},
  sub: { subcommand?: string; subcommandGroup?: string } = {},
): Promise<MessageView> {
  return h.discord.slashCommand({ guildId: GUILD, channelId: CHANNEL, userId, name, options, ...sub }).finalReply();
}
const say = async (...args: Parameters<typeof run>) => text(await run(...args));
const steward = (sub: string, options: Record<string, OptionValue> = {}, group?: string) =>
  say(SAM, "space", options, { subcommand: sub, subcommandGroup: group });

/** A friendly failure: a warning and what to do, without a stack trace or an error id. */
function friendly(shown: string, what: RegExp) {
  expect(shown).toMatch(/^⚠️ /);
  expect(shown).toMatch(what);
  expect(shown).not.toMatch(/Error id|\n\s+at |Error:/);
}

describe("/delegate", () => {
  it("shows the member's own agent and how to delegate to it on Snapshot; nothing detected yet", async () => {
    const shown = await say(BOB, "delegate", { space: space.externalId });
    expect(shown).toContain(`\`${AGENT_0}\``);
    expect(shown).toContain(`https://snapshot.box/#/delegate/${space.externalId}`);
    expect(shown).toMatch(/setDelegate\(bytes32 id, address delegate\)/);
    expect(shown).toMatch(/no delegation to your agent yet/);
    expect(shown).toMatch(/dry-run/);
    // A second member gets the next agent.
    expect(await say(ALICE, "delegate", { space: space.externalId })).toContain(AGENT_1);
  });

  it("shows a detected delegation and its voting power", async () => {
    const member = await h.db.prisma.member.findUniqueOrThrow({ where: { discordUserId: BOB } });
    await h.db.prisma.delegation.create({
      data: {
        spaceId: space.id,
        memberId: member.id,
        delegatorAddress: "0x00000000000000000000000000000000000000b0",
        delegateAddress: AGENT_0.toLowerCase(),
        votingPower: "1500",
      },
    });
    expect(await say(BOB, "delegate", { space: space.externalId })).toMatch(
      /Detected:\*\* 1 delegation to your agent, voting power 1500/,
    );
  });

  it("gives on-chain instructions for a Governor space", async () => {
    await steward("add", { space: GOVERNOR, channel: CHANNEL });
    const shown = await say(BOB, "delegate", { space: GOVERNOR });
    expect(shown).toContain(`call \`delegate(${AGENT_0})\` on the governance token`);
    expect(shown).not.toContain("snapshot.box");
  });

  it("explains an unknown space", async () => {
    friendly(
      await say(BOB, "delegate", { space: "nope.eth" }),
      new RegExp(`does not follow the space "nope.eth"[\\s\\S]*${space.externalId}`),
    );
  });
});

describe("/proposals", () => {
  it("lists open proposals by default, filtered by space and by state", async () => {
    const all = await say(NEWCOMER, "proposals");
    expect(all).toMatch(/2 open proposals/);
    expect(all).toContain("Raise the quorum");
    expect(all).toContain("Fund audits");
    expect(all).not.toContain("Old budget");

    const inSpace = await say(NEWCOMER, "proposals", { space: space.externalId });
    expect(inSpace).toContain("Raise the quorum");
    expect(inSpace).not.toContain("Fund audits");

    const closed = await say(NEWCOMER, "proposals", { state: "closed" });
    expect(closed).toMatch(/1 closed proposal\b/);
    expect(closed).toContain("Old budget");

    const everything = await say(NEWCOMER, "proposals", { space: space.externalId, state: "all" });
    expect(everything).toContain("Raise the quorum");
    expect(everything).toContain("Old budget");

    expect(await say(NEWCOMER, "proposals", { space: "nope.eth" })).toMatch(/No open proposals in nope\.eth/);
  });
});

describe("/summary", () => {
  it("shows the digest as an embed: title, TL;DR, what changes, the money, the risks", async () => {
    const reply = await run(NEWCOMER, "summary", { proposal: open.proposal.id });
    expect(reply.ephemeral).toBe(true);
    const [embed] = reply.embeds;
    expect(embed?.title).toContain("Raise the quorum");
    expect(embed?.description).toMatch(/TL;DR\*\* Funds a grants program/);
    expect(embed?.fields?.map((f) => f.name)).toEqual(expect.arrayContaining(["What changes", "Voting ends"]));
  });

  it("says clearly when a proposal has not been digested yet", async () => {
    const { proposal } = await digestedProposal(h, space, { title: "Brand new idea", digest: false });
    expect(await say(NEWCOMER, "summary", { proposal: proposal.id })).toMatch(/has not been digested yet/);
  });

  it("explains a proposal it cannot find", async () => {
    friendly(
      await say(NEWCOMER, "summary", { proposal: "what about the thing" }),
      /No proposal "what about the thing"/,
    );
  });
});

describe("/profile", () => {
  beforeAll(async () => {
    await memberWithProfile(h, ALICE, space, "Treasury prudence above all: never waste the DAO's money.");
  });

  it("show: the member's values, confirmed", async () => {
    const shown = await say(ALICE, "profile", { space: space.externalId }, { subcommand: "show" });
    expect(shown).toMatch(/Your values in/);
    expect(shown).toMatch(/Confirmed/);
  });

  it("weights: one dimension changed, shown back unconfirmed until confirmed", async () => {
    const shown = await say(
      ALICE,
      "profile",
      { space: space.externalId, value: "security_risk", weight: 5 },
      { subcommand: "weights" },
    );
    expect(shown).toMatch(/Not confirmed yet/);
    const member = await h.db.prisma.member.findUniqueOrThrow({ where: { discordUserId: ALICE } });
    const latest = await h.services.profiles.latest(member.id, space.id);
    expect(latest?.weights.security_risk).toBe(5);
    expect(latest?.confirmedAt).toBeNull();
  });

  it("rules: when unsure, abstain; a rule that does not exist is explained", async () => {
    await say(ALICE, "profile", { space: space.externalId, when_unsure: "abstain" }, { subcommand: "rules" });
    const member = await h.db.prisma.member.findUniqueOrThrow({ where: { discordUserId: ALICE } });
    expect((await h.services.profiles.latest(member.id, space.id))?.rules.whenUnsure).toBe("abstain");
    friendly(
      await say(ALICE, "profile", { space: space.externalId, remove: "r9" }, { subcommand: "rules" }),
      /You have no rule "r9"/,
    );
  });

  it("privacy: public or private, nothing else changed", async () => {
    await say(ALICE, "profile", { space: space.externalId, setting: "public" }, { subcommand: "privacy" });
    const member = await h.db.prisma.member.findUniqueOrThrow({ where: { discordUserId: ALICE } });
    const latest = await h.services.profiles.latest(member.id, space.id);
    expect(latest?.privacy).toBe("public");
    expect(latest?.weights.security_risk).toBe(5);
  });

  it("an unknown value dimension is explained with the dimensions there are", async () => {
    friendly(
      await say(ALICE, "profile", { space: space.externalId, value: "vibes", weight: 2 }, { subcommand: "weights" }),
      /no value named vibes[\s\S]*Use one of: .*treasury_prudence/,
    );
  });
});

describe("/preview and /override", () => {
  beforeAll(async () => {
    await memberWithProfile(h, BOB, space, "Public goods matter most: fund open-source tooling and research.");
    await decide(h, open.proposal, open.digest);
  });

  it("/preview shows how the agent would vote and stores nothing", async () => {
    const prisma = h.db.prisma;
    const counts = () => Promise.all([prisma.decision.count(), prisma.auditEntry.count(), prisma.override.count()]);
    const before = await counts();
    const shown = await say(BOB, "preview", { proposal: open.proposal.id });
    expect(shown).toMatch(/Preview: how your agent would vote on/);
    expect(shown).toMatch(/For/);
    expect(await counts()).toEqual(before);
  });

  /** Bob's word on the open proposal, as stored. */
  const word = async () => {
    const member = await h.db.prisma.member.findUniqueOrThrow({ where: { discordUserId: BOB } });
    return h.services.overrides.current(member.id, open.proposal.id);
  };

  it.each([
    ["Against", /Done: Tribune will vote "Against" for you/, { kind: "choice", choice: 2, label: "Against" }],
    ["abstain", /Tribune will abstain for you/, { kind: "abstain" }],
    ["none", /Tribune will not vote for you/, { kind: "veto" }],
    ["auto", /your agent decides again/, null],
  ])("/override %s", async (choice, answer, stored) => {
    expect(await say(BOB, "override", { proposal: open.proposal.id, choice })).toMatch(answer);
    expect(await word()).toEqual(stored);
  });

  it("/override with an unknown word lists the ballot's choices and stores nothing", async () => {
    const before = await h.db.prisma.override.count();
    friendly(
      await say(BOB, "override", { proposal: open.proposal.id, choice: "maybe" }),
      /"maybe" is not a choice on this ballot[\s\S]*Choose one of: 1\. For; 2\. Against; 3\. Abstain/,
    );
    expect(await h.db.prisma.override.count()).toBe(before);
  });
});

describe("/space", () => {
  it("add, list and remove, with clear messages for a malformed or unknown space", async () => {
    const id = spaceId();
    expect(await steward("add", { space: id, channel: CHANNEL })).toMatch(/Following \*\*t[0-9a-f]+\.eth\*\*.*dry-run/);
    expect(await steward("list")).toContain(id);
    friendly(
      await steward("add", { space: "not a space!", channel: CHANNEL }),
      /neither a Snapshot space id nor a Governor/,
    );
    expect(await steward("remove", { space: id })).toMatch(/No longer following/);
    expect(await steward("list")).not.toContain(id);
    friendly(await steward("remove", { space: id }), /does not follow the space/);
  });

  it("mode: live is refused while no agent keys are configured; dry-run stays", async () => {
    friendly(await steward("mode", { space: other.externalId, mode: "live" }), /Live casting is not available/);
    expect((await h.db.prisma.space.findUniqueOrThrow({ where: { id: other.id } })).mode).toBe("dry_run");
    expect(await steward("mode", { space: other.externalId, mode: "dry-run" })).toMatch(/is in dry-run/);
  });

  it("voting: pooled or personal", async () => {
    expect(await steward("voting", { space: other.externalId, mode: "pooled" })).toMatch(/one pooled delegate/);
    expect(await steward("voting", { space: other.externalId, mode: "personal" })).toMatch(/each member's own agent/);
    expect((await h.db.prisma.space.findUniqueOrThrow({ where: { id: other.id } })).votingMode).toBe("personal");
  });

  it.each([
    ["30s", 30],
    ["15m", 900],
    ["24h", 86_400],
  ])("veto-window %s", async (duration, seconds) => {
    expect(await steward("veto-window", { space: other.externalId, duration })).toMatch(/now have/);
    expect((await h.db.prisma.space.findUniqueOrThrow({ where: { id: other.id } })).vetoWindowSeconds).toBe(seconds);
  });

  it.each([
    ["soon", /"soon" is not a duration/],
    ["10s", /A veto window of 10s is out of range/],
    ["31d", /out of range/],
  ])("veto-window %s is refused with what to write instead", async (duration, why) => {
    friendly(await steward("veto-window", { space: other.externalId, duration }), why);
    expect((await h.db.prisma.space.findUniqueOrThrow({ where: { id: other.id } })).vetoWindowSeconds).toBe(86_400);
  });

  it("taxonomy: show, rename, add and remove a value dimension", async () => {
    expect(await steward("show", { space: other.externalId }, "taxonomy")).toMatch(
      /version 1[\s\S]*`treasury_prudence`/,
    );
    expect(
      await steward("rename", { space: other.externalId, value: "growth_adoption", name: "Growth" }, "taxonomy"),
    ).toMatch(/now version 2/);
    const add = {
      space: other.externalId,
      value: "local_impact",
      name: "Local impact",
      meaning: "Helps people nearby",
    };
    expect(await steward("add", add, "taxonomy")).toMatch(/now version 3/);
    friendly(await steward("add", add, "taxonomy"), /exists already/);
    friendly(await steward("add", { ...add, value: "Bad Id" }, "taxonomy"), /would leave the values invalid/);
    expect(await steward("remove", { space: other.externalId, value: "local_impact" }, "taxonomy")).toMatch(
      /now version 4/,
    );
    friendly(
      await steward("remove", { space: other.externalId, value: "local_impact" }, "taxonomy"),
      /has no value "local_impact"/,
    );
    const shown = await steward("show", { space: other.externalId }, "taxonomy");
    expect(shown).toMatch(/version 4/);
    expect(shown).toContain("**Growth**");
  });
});

describe("/pause, /resume and /audit", () => {
  it("pause and resume flip the switch once each, and say so when already done", async () => {
    expect(await say(SAM, "pause", { reason: "checking the agents" })).toMatch(/Casting is paused in every space/);
    expect((await h.services.casting.state()).paused).toBe(true);
    expect(await say(SAM, "pause")).toMatch(/already paused/);
    expect(await say(SAM, "resume")).toMatch(/Casting resumed/);
    expect(await say(SAM, "resume")).toMatch(/was not paused/);
    const flips = await h.db.prisma.auditEntry.findMany({
      where: { action: { in: ["casting.paused", "casting.resumed"] } },
      select: { action: true, actor: true },
      orderBy: { seq: "asc" },
    });
    expect(flips).toEqual([
      { action: "casting.paused", actor: SAM },
      { action: "casting.resumed", actor: SAM },
    ]);
  });

  it("/audit gives the steward a signed sign-in link, only to them", async () => {
    const reply = await run(SAM, "audit");
    expect(reply.ephemeral).toBe(true);
    const link = /https?:\/\/\S+/.exec(reply.content)?.[0] ?? "";
    expect(link.startsWith(`${WEB_BASE_URL}/login?link=`)).toBe(true);
    const token = new URL(link).searchParams.get("link") ?? "";
    expect(readLoginToken(new Secret(SIGNING_SECRET), token)).toMatchObject({ ok: true, discordUserId: SAM });
  });
});

describe("failures", () => {
  it("an unexpected failure shows an error id, never a stack; the log has the stack under the same id", async () => {
    failNext.proposalList = true;
    const reply = await run(NEWCOMER, "proposals");
    expect(reply.ephemeral).toBe(true);
    const errorId = /Error id: `([0-9a-f]{8})`/.exec(reply.content)?.[1];
    expect(errorId).toBeDefined();
    expect(reply.content).toMatch(/Something went wrong on Tribune's side/);
    expect(reply.content).not.toMatch(/Connection terminated|\n\s+at /);
    const logged = h.logLines.map((line) => JSON.parse(line)).find((entry) => entry.errorId === errorId);
    expect(logged?.msg).toBe("an interaction failed");
    expect(logged?.err?.stack).toMatch(/Connection terminated unexpectedly\n\s+at /);
    // The next call works: one failure, not a broken bot.
    expect(await say(NEWCOMER, "proposals")).toMatch(/open proposals/);
  });

  it("a proposal whose stored choices are broken gets a clear message, not a stack trace", async () => {
    const { proposal } = await digestedProposal(h, space, { title: "Broken ballot" });
    await h.db.prisma.proposal.update({ where: { id: proposal.id }, data: { choices: { not: "a list" } } });
    const shown = await say(BOB, "override", { proposal: proposal.id, choice: "For" });
    friendly(shown, /has no valid list of choices/);
    expect(shown).not.toMatch(/ZodError/);
  });
});
