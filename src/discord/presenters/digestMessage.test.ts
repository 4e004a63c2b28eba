import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { digestSchema } from "../../digest/digestSchema.js";
import { digestMessages, NO_AUTOMATIC_VOTE } from "./digestMessage.js";
import { allText, digestView, END_AT, expectWithinLimits, HOSTILE, proposalView } from "./viewFixtures.js";

const unix = END_AT.getTime() / 1000;

describe("the digest message", () => {
  it("links the title to the proposal on Snapshot and shows the digest's parts", () => {
    const messages = digestMessages(proposalView(), digestView());
    expect(messages).toHaveLength(1);
    const embed = messages[0]?.embeds[0];
    expect(embed?.title).toBe("Fund the grants council for 2027");
    expect(embed?.url).toBe("https://snapshot.box/#/s:example.eth/proposal/0xabc123");
    expect(embed?.description).toContain("**TL;DR** Moves 250,000 USDC from the treasury");
    const fields = Object.fromEntries((embed?.fields ?? []).map((f) => [f.name, f.value]));
    expect(fields["What changes"]).toBe("• Creates a grants council of five members\n• Council reports quarterly");
    expect(fields.Money).toBe("• Out of the treasury: 250,000 USDC → Grants council multisig (≈ $250,000)");
    expect(fields.Risks).toBe("• The council could fund low-value projects");
    expect(fields["Voting ends"]).toBe(`<t:${unix}:F> (<t:${unix}:R>)`);
    expect(fields["Voting: Single choice"]).toBe("1. For\n2. Against\n3. Abstain");
    expect(fields.Discussion).toBe("[Forum thread](https://forum.example.org/t/grants-council/42)");
    expect(embed?.footer?.text).toBe(
      "Example DAO · digest by anthropic:claude-sonnet-4-5 · prompt digest-v3 · confidence 0.78 · grant",
    );
    expect(messages[0]?.allowedMentions).toEqual({ parse: [], users: [] });
  });

  it("links a Governor proposal to its given page, and to nothing when there is none", () => {
    const governor = (url: string | null) =>
      digestMessages(
        proposalView({ source: { kind: "governor", chainId: 1, proposalId: "42", url }, votingType: "basic" }),
        digestView(),
      )[0]?.embeds[0];
    expect(governor("https://www.tally.xyz/gov/example/proposal/42")?.url).toBe(
      "https://www.tally.xyz/gov/example/proposal/42",
    );
    expect(governor(null)?.url).toBeUndefined();
    expect(governor("javascript:alert(1)")?.url).toBeUndefined();
  });

  it("warns first, in words, when the injection screen fired or the evidence check failed", () => {
    const flagged = digestMessages(
      proposalView(),
      digestView({
        assessment: { confidence: 0.4, flagged: true, unreliable: true },
        screen: [
          { family: "ignore_previous", source: { kind: "proposal", field: "body" } },
          { family: "addressed_to_ai", source: { kind: "forum", url: "https://forum.example.org/t/x/1/3" } },
        ],
        evidenceCheck: { claims: 8, failures: 5 },
      }),
    );
    const description = flagged[0]?.embeds[0]?.description ?? "";
    expect(description.startsWith(`⚠️ **${NO_AUTOMATIC_VOTE}**`)).toBe(true);
    expect(description).toContain(
      "The injection screen found orders to ignore earlier instructions, text addressed to an AI in the proposal's " +
        "body, [a forum post](https://forum.example.org/t/x/1/3).",
    );
    expect(description).toContain("Too many of the digest's claims failed the evidence check (5 of 8).");
    expect(flagged[0]?.embeds[0]?.color).toBe(0xf0b232);
    const clean = digestMessages(proposalView(), digestView())[0]?.embeds[0]?.description ?? "";
    expect(clean).not.toContain(NO_AUTOMATIC_VOTE);
  });

  it("says an offline digest is extractive and who made it", () => {
    const base = digestView();
    const offline = digestMessages(
      proposalView(),
      digestView({ provider: "offline", model: "lexicon", content: { ...base.content, extractive: true } }),
    );
    expect(offline[0]?.embeds[0]?.description).toContain("_Extractive summary by the offline summariser");
    expect(offline[0]?.embeds[0]?.footer?.text).toContain("digest by the offline summariser");
  });

  it("keeps the proposal's hostile text inert", () => {
    const base = digestView();
    const messages = digestMessages(
      proposalView({ title: HOSTILE, choices: [HOSTILE, "No"], author: HOSTILE }),
      digestView({
        content: { ...base.content, tldr: HOSTILE, risks: [HOSTILE], whatChanges: [`# ${HOSTILE}`] },
      }),
    );
    const text = allText(messages);
    expect(text).not.toMatch(/@everyone|<@&|<@1/);
    expect(text).not.toContain("**bold**");
    expect(text).not.toMatch(/(?<!\\)\[click\]\(/);
    expect(text).toContain("\\[click](https://evil.example)");
  });

  it("fits Discord's limits for the largest digest the schema allows, over several messages when needed", () => {
    const long = (n: number) => `${"word ".repeat(Math.floor(n / 5))}`.slice(0, n).trim() || "w";
    const content = digestSchema.parse({
      ...digestView().content,
      tldr: long(280),
      whatChanges: Array.from({ length: 10 }, () => `*${long(299)}`),
      risks: Array.from({ length: 10 }, () => `_${long(299)}`),
      money: Array.from({ length: 20 }, () => ({
        amount: "9".repeat(60),
        token: "T".repeat(20),
        recipient: "r".repeat(120),
        direction: "outflow",
        usdEstimate: 1e15,
      })),
    });
    const messages = digestMessages(
      proposalView({ title: "t".repeat(600), choices: Array.from({ length: 200 }, () => long(300)) }),
      digestView({ content }),
    );
    expect(messages.length).toBeGreaterThan(1);
    expectWithinLimits(messages);
    const text = allText(messages);
    for (const change of content.whatChanges) expect(text).toContain(change.replace("*", "\\*"));
  });

  it("fits Discord's limits for any digest", () => {
    const textArb = fc.string({ minLength: 1, maxLength: 300 });
    fc.assert(
      fc.property(
        fc.record({
          tldr: fc.string({ minLength: 1, maxLength: 280 }),
          whatChanges: fc.array(textArb, { maxLength: 10 }),
          risks: fc.array(textArb, { maxLength: 10 }),
          title: fc.string({ maxLength: 500 }),
          choices: fc.array(fc.string({ maxLength: 200 }), { maxLength: 40 }),
        }),
        (r) => {
          const base = digestView();
          const messages = digestMessages(
            proposalView({ title: r.title, choices: r.choices }),
            digestView({ content: { ...base.content, tldr: r.tldr, whatChanges: r.whatChanges, risks: r.risks } }),
          );
          expectWithinLimits(messages);
        },
      ),
      { numRuns: 100 },
    );
  });
});
