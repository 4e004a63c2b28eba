import { MessageFlags } from "discord.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  digest,
  digestArb,
  impact,
  OPTIONS,
  profile,
  proposal,
  proposalArb,
  rulesArb,
  weightsArb,
} from "../../../test/values/digestFixtures.js";
import type { Impact } from "../../digest/digestSchema.js";
import { type Decision, decideVote } from "../../values/decideVote.js";
import type { HardRule } from "../../values/hardRules.js";
import { DEFAULT_TAXONOMY } from "../../values/taxonomy.js";
import { decisionMessages } from "./decisionMessage.js";
import { safeText } from "./hostileText.js";
import { allText, END_AT, expectWithinLimits, proposalView } from "./viewFixtures.js";
import type { DecisionView } from "./views.js";

const choices = ["Fund the council", "Do not fund", "Abstain"];
const impacts: Impact[] = [
  {
    ...impact(1, "treasury_prudence", -2),
    evidence: { quote: "transfer 2,000,000 USDC to the council", source: { kind: "proposal" } },
  },
  {
    ...impact(2, "treasury_prudence", 1),
    evidence: {
      quote: "we can wait a year",
      source: { kind: "forum", url: "https://forum.example.org/t/x/9/2", author: "bob" },
    },
  },
  impact(1, "public_goods_community", 2),
];
const castsAt = new Date(END_AT.getTime() - 3_600_000);
const BEFORE = new Date("2026-11-30T00:00:00Z");

/** The view the loader would build from a real decision of the engine. */
function viewOf(decision: Decision, rules: HardRule[], overrides: Partial<DecisionView> = {}): DecisionView {
  return {
    purpose: "why",
    proposal: proposalView({ choices, votingType: decision.votingType }),
    decision: {
      ...decision,
      paragraph: decision.explanation.paragraph,
      profileVersion: decision.versions.profileVersion,
    },
    taxonomy: DEFAULT_TAXONOMY,
    rules,
    impacts,
    override: null,
    castsAt,
    mode: "live",
    paused: false,
    ...overrides,
  };
}

function decide(rules: HardRule[] = [], privacy: "public" | "private" = "private") {
  return decideVote(
    proposal("single-choice", choices),
    digest({ impacts }),
    profile({ treasury_prudence: 5, public_goods_community: 1 }, rules, "ask", privacy),
    OPTIONS,
  );
}

function fields(messages: ReturnType<typeof decisionMessages>): Record<string, string> {
  return Object.fromEntries((messages[0]?.embeds.flatMap((e) => e.fields ?? []) ?? []).map((f) => [f.name, f.value]));
}

describe("a member's own decision", () => {
  it("shows the full explanation, the numbers and the evidence, to the member alone, whatever their privacy", () => {
    const decision = decide();
    const messages = decisionMessages(viewOf(decision, []), BEFORE);
    expect(messages).toHaveLength(1);
    expect(messages[0]?.flags).toBe(MessageFlags.Ephemeral);
    const embed = messages[0]?.embeds[0];
    expect(embed?.title).toBe("Your vote on Fund the grants council for 2027");
    expect(embed?.description).toContain("**Tribune votes Do not fund for you.**");
    expect(embed?.description).toContain(
      `Cast <t:${castsAt.getTime() / 1000}:F> (<t:${castsAt.getTime() / 1000}:R>) unless you change or veto it.`,
    );
    expect(embed?.description).toContain(safeText(decision.explanation.paragraph));
    expect(fields(messages)).toMatchObject({
      "Scores per choice (weight × impact)": "Fund the council: -8\nDo not fund: +5\nAbstain: 0",
      "What each of your values contributed":
        "**Treasury prudence**: Do not fund +5 · Abstain 0 · Fund the council -10\n" +
        "**Public goods and community**: Do not fund 0 · Abstain 0 · Fund the council +2",
      "Evidence: Treasury prudence":
        "Impact +1 on Do not fund: choice 2 moves treasury\\_prudence by 1\n> we can wait a year\n" +
        "— [forum post by bob](https://forum.example.org/t/x/9/2)",
    });
    expect(embed?.footer?.text).toMatch(/^Decision confidence \d\.\d\d · decided by weights · profile version 1$/);
  });

  it("names the rules that fired in plain words", () => {
    const rules: HardRule[] = [
      { id: "grants", when: [{ kind: "category", in: ["grant"] }], action: { kind: "abstain" } },
      { id: "always-ask", when: [], action: { kind: "ask" } },
    ];
    const decision = decide(rules);
    const messages = decisionMessages(viewOf(decision, rules), BEFORE);
    expect(messages[0]?.embeds[0]?.description).toContain("**Tribune is asking for your word");
    expect(fields(messages)["Your rules that fired"]).toBe(
      [
        "• **grants** (outranked by another rule): When the proposal is a grant, Tribune will abstain.",
        "• **always-ask** (applied): On every proposal, Tribune will ask you instead of voting.",
      ].join("\n"),
    );
  });

  it("says whether the member's own word replaced it, and when nothing is announced yet", () => {
    const decision = decide();
    const text = (overrides: Partial<DecisionView>) =>
      decisionMessages(viewOf(decision, [], overrides), BEFORE)[0]?.embeds[0]?.description ?? "";
    expect(text({ override: { kind: "veto" } })).toContain("You vetoed this vote: nothing is cast for you.");
    expect(text({ override: { kind: "veto" } })).not.toContain("unless you change");
    expect(text({ override: { kind: "choice", choice: 1 } })).toContain(
      "You overrode it: Tribune casts **Fund the council** for you instead.",
    );
    expect(text({ override: { kind: "own_vote" } })).toContain("You voted yourself");
    expect(text({ castsAt: null, purpose: "preview" })).toContain("Nothing is announced yet");
    expect(decisionMessages(viewOf(decision, [], { purpose: "preview" }), BEFORE)[0]?.embeds[0]?.title).toBe(
      "Preview: how your agent would vote on Fund the grants council for 2027",
    );
    expect(text({ mode: "dry_run", paused: true })).toContain(
      "⏸️ Casting is paused by a steward; nothing is cast until it resumes.\n" +
        "This space is in dry run: nothing is actually cast.",
    );
    const after = decisionMessages(viewOf(decision, []), new Date(castsAt.getTime() + 1));
    expect(after[0]?.embeds[0]?.description).toContain("The veto window closed");
  });

  it("fits Discord's limits for any decision the engine makes", () => {
    fc.assert(
      fc.property(
        proposalArb.chain((p) =>
          fc.tuple(fc.constant(p), digestArb(p.choices.length), weightsArb, rulesArb, fc.boolean()),
        ),
        ([p, d, weights, rules, pub]) => {
          const decision = decideVote(p, d, profile(weights, rules, "ask", pub ? "public" : "private"), OPTIONS);
          const view = viewOf(decision, rules, {
            proposal: proposalView({ choices: [...p.choices], votingType: p.votingType }),
            impacts: d.content.impacts,
          });
          const messages = decisionMessages(view, BEFORE);
          expectWithinLimits(messages);
          expect(allText(messages)).not.toMatch(/@everyone/);
        },
      ),
      { numRuns: 150 },
    );
  });
});
