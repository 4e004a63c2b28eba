import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Argument, digestSchema } from "../../digest/digestSchema.js";
import { argumentsMessages } from "./argumentsMessage.js";
import { safeText } from "./hostileText.js";
import { allText, digestView, expectWithinLimits, HOSTILE, proposalView } from "./viewFixtures.js";

function withArguments(forArgs: Argument[], against: Argument[]) {
  const base = digestView();
  return digestView({ content: digestSchema.parse({ ...base.content, arguments: { for: forArgs, against } }) });
}

describe("the argument map", () => {
  it("shows each argument with its verbatim quote and where it comes from", () => {
    const messages = argumentsMessages(proposalView(), digestView());
    expect(messages).toHaveLength(1);
    const [forEmbed, againstEmbed] = messages[0]?.embeds ?? [];
    expect(forEmbed?.title).toBe("Arguments for (1)");
    expect(forEmbed?.url).toBe("https://snapshot.box/#/s:example.eth/proposal/0xabc123");
    expect(forEmbed?.description).toBe(
      "**1.** Grants bring new builders\n> the last round onboarded 40 teams\n— the proposal",
    );
    expect(againstEmbed?.title).toBe("Arguments against (1)");
    expect(againstEmbed?.description).toBe(
      "**1.** Too expensive for one year\n> 250k is more than the whole 2026 budget\n" +
        "— [forum post by alice](https://forum.example.org/t/grants-council/42/7)",
    );
  });

  it("says when a side has no argument", () => {
    const [embedFor] = argumentsMessages(proposalView(), withArguments([], []))[0]?.embeds ?? [];
    expect(embedFor?.description).toBe("_None found in the proposal or its debate._");
  });

  it("keeps quotes inert and every line of a multi-line quote quoted", () => {
    const quote = `${HOSTILE}\n# second line`;
    const messages = argumentsMessages(
      proposalView(),
      withArguments([{ claim: HOSTILE, evidence: { quote, source: { kind: "proposal" } } }], []),
    );
    const description = messages[0]?.embeds[0]?.description ?? "";
    expect(description).toContain(`> ${safeText(HOSTILE)}\n> \\# second line`);
    expect(description).not.toMatch(/@everyone|<@/);
  });

  it("splits many long arguments across embeds and messages, never losing or splitting one", () => {
    const argumentArb = fc.record({
      claim: fc.string({ minLength: 1, maxLength: 400 }).filter((s) => s.trim().length > 0),
      evidence: fc.record({
        quote: fc.string({ minLength: 1, maxLength: 600 }),
        source: fc.oneof(
          fc.constant({ kind: "proposal" as const }),
          fc.record({
            kind: fc.constant("forum" as const),
            url: fc.constant("https://forum.example.org/t/x/1/2"),
            author: fc.option(fc.string({ maxLength: 100 })),
          }),
        ),
      }),
    });
    fc.assert(
      fc.property(
        fc.array(argumentArb, { maxLength: 10 }),
        fc.array(argumentArb, { maxLength: 10 }),
        (forArgs, against) => {
          const messages = argumentsMessages(proposalView(), withArguments(forArgs, against));
          expectWithinLimits(messages);
          const text = allText(messages);
          for (const argument of [...forArgs, ...against]) expect(text).toContain(safeText(argument.claim));
        },
      ),
      { numRuns: 100 },
    );
  });

  it("takes several messages for the longest map the schema allows", () => {
    const long: Argument = {
      claim: "c ".repeat(200).trim(),
      evidence: { quote: "q ".repeat(300).trim(), source: { kind: "proposal" } },
    };
    const messages = argumentsMessages(proposalView(), withArguments(Array(10).fill(long), Array(10).fill(long)));
    expect(messages.length).toBeGreaterThan(1);
    expectWithinLimits(messages);
    expect(allText(messages).match(/\*\*\d+\.\*\* c c/g)).toHaveLength(20);
  });
});
