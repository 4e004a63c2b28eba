import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { poolDecisions } from "../../values/poolDecisions.js";
import { memberLine, PLAN_MAX_MESSAGES, planMessages } from "./planMessage.js";
import { parsePower } from "./powerAmounts.js";
import { powerBreakdown } from "./powerBreakdown.js";
import {
  allText,
  END_AT,
  expectWithinLimits,
  HOSTILE,
  LONG_PROPOSAL_ID,
  memberView,
  planView,
  proposalView,
} from "./viewFixtures.js";
import type { PlanMemberView } from "./views.js";

const BEFORE = new Date("2026-11-30T00:00:00Z");
const AFTER = new Date("2026-12-01T11:30:00Z");
const castsAt = new Date(END_AT.getTime() - 3_600_000);
const castUnix = castsAt.getTime() / 1000;
const e18 = 10n ** 18n;
const tokens = (n: bigint) => (n * e18).toString();

const PRIVATE_ID = "999999999999999999";
const members: PlanMemberView[] = [
  memberView({ discordUserId: "111111111111111111", votingPower: tokens(1500n) }),
  memberView({ discordUserId: "222222222222222222", votingPower: tokens(500n), choice: 2, line: 'Vote "Against".' }),
  memberView({ discordUserId: PRIVATE_ID, privacy: "private", votingPower: tokens(1000n), line: "secret values" }),
  memberView({
    discordUserId: "333333333333333333",
    votingPower: tokens(250n),
    outcome: "ask",
    choice: null,
    line: "Asking you: the choices are too close on your values.",
  }),
  memberView({ discordUserId: "444444444444444444", votingPower: tokens(100n), override: { kind: "veto" } }),
];

function description(messages: ReturnType<typeof planMessages>): string {
  return messages[0]?.embeds[0]?.description ?? "";
}

describe("How Tribune will vote", () => {
  it("states the mode, the window and when votes are cast, with the buttons enabled while it is open", () => {
    const messages = planMessages(planView({ members }), BEFORE);
    expect(messages).toHaveLength(1);
    const embed = messages[0]?.embeds[0];
    expect(embed?.title).toBe("How Tribune will vote: Fund the grants council for 2027");
    expect(embed?.url).toBe("https://snapshot.box/#/s:example.eth/proposal/0xabc123");
    expect(description(messages)).toBe(
      "**Live:** these votes are cast on Snapshot in members' names.\n\n" +
        `Votes are cast <t:${castUnix}:F> (<t:${castUnix}:R>) unless you change or veto yours.`,
    );
    const buttons = messages[0]?.components[0]?.components ?? [];
    expect(buttons.map((b) => ("custom_id" in b ? [b.label, b.custom_id, b.disabled] : []))).toEqual([
      ["Change my vote", `vote:change:${LONG_PROPOSAL_ID}`, false],
      ["Veto my vote", `vote:veto:${LONG_PROPOSAL_ID}`, false],
      ["Why?", `vote:why:${LONG_PROPOSAL_ID}`, false],
    ]);
    expect(messages[0]?.allowedMentions).toEqual({ parse: [], users: [] });
  });

  it("says a dry run casts nothing, shows the paused banner, and states a shrunk window", () => {
    const messages = planMessages(planView({ mode: "dry_run", paused: true, windowShrunk: true }), BEFORE);
    const text = description(messages);
    expect(text).toContain("**Dry run:** nothing will be cast.");
    expect(text).toContain("⏸️ **Casting is paused by a steward; nothing is cast until it resumes.**");
    expect(text).toContain(
      `Votes would be cast <t:${castUnix}:F> (<t:${castUnix}:R>) unless you change or veto yours. ` +
        `The proposal ends <t:${END_AT.getTime() / 1000}:R>, so the usual 24 hours veto window is shortened to fit.`,
    );
  });

  it("disables changing and vetoing once the window has closed", () => {
    const messages = planMessages(planView({ members }), AFTER);
    expect(description(messages)).toContain(`The veto window closed <t:${castUnix}:R>`);
    const buttons = messages[0]?.components[0]?.components ?? [];
    expect(buttons.map((b) => b.disabled)).toEqual([true, true, false]);
  });

  it("breaks the voting power down per choice, exactly, with shares", () => {
    const fields = planMessages(planView({ members }), BEFORE)[0]?.embeds[0]?.fields ?? [];
    expect(fields[0]).toEqual({
      name: "Voting power by choice",
      value: [
        "**For**: 2.5k EXA (74.6%) · 2 members",
        "**Against**: 500 EXA (14.9%) · 1 member",
        "**Asked for their own word**: 250 EXA (7.5%) · 1 member",
        "**Not voted for (vetoed, voting themselves, or never)**: 100 EXA (3%) · 1 member",
      ].join("\n"),
    });
  });

  it("adds up power far beyond 2^53 to the last unit", () => {
    const unit = { decimals: 18, symbol: null };
    const memberArb = fc.record({
      power: fc.bigInt({ min: 0n, max: 10n ** 40n }),
      choice: fc.oneof(
        fc.integer({ min: 1, max: 4 }),
        fc.constant({ "1": 3, "2": 1 }),
        fc.constant({ "3": 7, "4": 2, "1": 1 }),
      ),
    });
    fc.assert(
      fc.property(fc.array(memberArb, { maxLength: 30 }), (drawn) => {
        const views = drawn.map((m) => memberView({ votingPower: m.power.toString(), choice: m.choice }));
        const { rows } = powerBreakdown(views, { choices: ["A", "B", "C", "D"], votingType: "weighted" }, unit);
        const total = rows.reduce((sum, row) => sum + row.power, 0n);
        expect(total).toBe(drawn.reduce((sum, m) => sum + (parsePower(m.power.toString(), unit) ?? 0n), 0n));
      }),
    );
  });

  it("gives one line per member: public ones by mention with their reason, private ones as “a delegator”", () => {
    const text = allText(planMessages(planView({ members }), BEFORE));
    expect(text).toContain(
      '• <@111111111111111111> → **For** · 1.5k EXA: Vote "For" mainly for public goods and community.',
    );
    expect(text).toContain('• <@222222222222222222> → **Against** · 500 EXA: Vote "Against".');
    expect(text).toContain("• a delegator → **For**\n");
    expect(text).toContain("• <@333333333333333333> → asks you · 250 EXA: Asking you: the choices are too close");
    expect(text).toContain("• <@444444444444444444> → vetoed · 100 EXA");
    expect(text).toContain("Members (5, 1 private)");
    expect(text).not.toContain(PRIVATE_ID);
    expect(text).not.toContain("secret values");
    expect(text).not.toMatch(/a delegator → \*\*For\*\* ·/);
  });

  it("words every kind of override", () => {
    const view = planView();
    const line = (override: PlanMemberView["override"]) => memberLine(memberView({ override }), view);
    expect(line({ kind: "choice", choice: 2 })).toBe("• <@111111111111111111> → overridden to **Against** · 1.5k EXA");
    expect(line({ kind: "own_vote" })).toBe("• <@111111111111111111> → votes themselves · 1.5k EXA");
    expect(line({ kind: "abstain" })).toBe("• <@111111111111111111> → overridden to abstain · 1.5k EXA");
    expect(memberLine(memberView({ outcome: "never", choice: null, line: "" }), view)).toBe(
      "• <@111111111111111111> → will not vote · 1.5k EXA",
    );
    expect(memberLine(memberView({ outcome: "abstain", choice: 3, line: "" }), view)).toBe(
      "• <@111111111111111111> → abstains (**Abstain**) · 1.5k EXA",
    );
  });

  it("keeps hostile choice labels and explanation lines inert", () => {
    const view = planView({
      proposal: proposalView({ choices: [HOSTILE, "No"] }),
      members: [memberView({ line: HOSTILE })],
    });
    const text = allText(planMessages(view, BEFORE));
    expect(text).not.toMatch(/@everyone|<@&|<@123456789012345678>/);
  });

  it("shows the pooled split and who put in what, private members only as a sum", () => {
    const pooledMembers = members.slice(0, 3);
    const pooled = poolDecisions(
      pooledMembers.map((m, i) => ({
        memberId: `m${i}`,
        votingPower: BigInt(m.votingPower ?? "0"),
        decision: { outcome: m.outcome, choice: m.choice, votingType: "single-choice" },
      })),
      { votingType: "single-choice" },
    );
    const { contributions: _, ...combined } = pooled;
    const messages = planMessages(planView({ votingMode: "pooled", members: pooledMembers, pooled: combined }), BEFORE);
    expect(description(messages)).toContain("**Pooled:** one delegate votes for all members together");
    const field = messages[0]?.embeds[0]?.fields?.find((f) => f.name === "Pooled vote");
    expect(field?.value).toBe(
      [
        "**Pooled vote:** For",
        "• For: 2.5k EXA (83.3%)",
        "• Against: 500 EXA (16.7%)",
        "From 1 delegator with private profiles: 1k EXA in all.",
      ].join("\n"),
    );
    expect(allText(messages)).not.toContain(PRIVATE_ID);
  });

  it("lists as many members as fit and counts the rest", () => {
    const many = Array.from({ length: 5000 }, (_, i) =>
      memberView({ discordUserId: String(100000000000000000n + BigInt(i)), line: "x".repeat(200) }),
    );
    const messages = planMessages(planView({ members: many }), BEFORE);
    expect(messages.length).toBeLessThanOrEqual(PLAN_MAX_MESSAGES);
    expectWithinLimits(messages);
    const text = allText(messages);
    const shown = (text.match(/^• /gm) ?? []).length;
    expect(shown).toBeGreaterThan(50);
    expect(text).toContain(`…and ${(5000 - shown).toLocaleString("en-US")} more: see /why or the web view.`);
    expect(messages.slice(1).every((m) => m.components.length === 0)).toBe(true);
  });

  it("fits Discord's limits and the message budget for any members, and never reveals a private one", () => {
    const memberArb = fc.record({
      id: fc.bigInt({ min: 10n ** 17n, max: 10n ** 19n }),
      privacy: fc.constantFrom("public" as const, "private" as const),
      power: fc.option(fc.bigInt({ min: 0n, max: 10n ** 30n }).map(String)),
      outcome: fc.constantFrom("vote" as const, "abstain" as const, "ask" as const, "never" as const),
      choice: fc.integer({ min: 1, max: 3 }),
      line: fc.string({ maxLength: 300 }),
    });
    fc.assert(
      fc.property(
        fc.uniqueArray(memberArb, { maxLength: 400, selector: (m) => m.id }),
        fc.integer({ min: 1, max: 6 }),
        (drawn, maxMessages) => {
          const views = drawn.map((m) =>
            memberView({
              discordUserId: m.id.toString(),
              privacy: m.privacy,
              votingPower: m.power,
              outcome: m.outcome,
              choice: m.outcome === "vote" ? m.choice : null,
              line: m.line,
            }),
          );
          const messages = planMessages(planView({ members: views }), BEFORE, { maxMessages });
          expectWithinLimits(messages);
          expect(messages.length).toBeLessThanOrEqual(maxMessages);
          const text = allText(messages);
          for (const m of drawn) {
            // Another member's id may contain this one's digits: look for the id as a whole number.
            if (m.privacy === "private") expect(text).not.toMatch(new RegExp(`(?<!\\d)${m.id}(?!\\d)`));
          }
          const shown = (text.match(/^• /gm) ?? []).length;
          const more = Number(/…and ([\d,]+) more/.exec(text)?.[1]?.replace(/,/g, "") ?? "0");
          expect(shown + more).toBe(drawn.length);
        },
      ),
      { numRuns: 60 },
    );
  });
});
