import { describe, expect, it } from "vitest";
import { compileOffline, OFFLINE_COMPILER_ID, offlineProfileCompiler, splitClauses } from "./offlineCompiler.js";
import { type CompileResult, compileStatement } from "./profileCompiler.js";
import { DEFAULT_TAXONOMY } from "./taxonomy.js";

const compile = (statement: string) => compileStatement(statement, DEFAULT_TAXONOMY, offlineProfileCompiler);

/** The non-zero weights, for short expectations. */
function weighted(result: CompileResult): Record<string, number> {
  if (!result.ok) throw new Error(`expected a profile, got ${result.problem}: ${result.message}`);
  return Object.fromEntries(Object.entries(result.profile.weights).filter(([, w]) => w > 0));
}

describe("offline profile compiler: statements of differing style", () => {
  it.each([
    [
      "prose with intensities",
      "Security above all. I also care about decentralization, and treasury prudence matters a lot.",
      { security_risk: 5, decentralization: 3, treasury_prudence: 4 },
    ],
    [
      "a bare list of values",
      "security, decentralization, transparency",
      {
        security_risk: 3,
        decentralization: 3,
        transparency_accountability: 3,
      },
    ],
    [
      "a numbered priority list",
      "1. Security\n2. Decentralization\n3. Growth\n4. Token price",
      {
        security_risk: 5,
        decentralization: 4,
        growth_adoption: 3,
        tokenholder_value: 2,
      },
    ],
    [
      "explicit numbers",
      "security: 5, growth 2/5, treasury = 4",
      {
        security_risk: 5,
        growth_adoption: 2,
        treasury_prudence: 4,
      },
    ],
    [
      "opposing what a value guards against",
      "I'm against wasteful spending and I hate whales controlling everything.",
      {
        treasury_prudence: 3,
        decentralization: 3,
      },
    ],
    ["a comparison", "I value security more than growth.", { security_risk: 4, growth_adoption: 2 }],
    [
      "a downtoner qualifies the clause",
      "Treasury prudence matters somewhat; transparency is very important.",
      {
        treasury_prudence: 2,
        transparency_accountability: 4,
      },
    ],
    ["'nothing but' is one strong value", "Honestly I don't care about anything but security", { security_risk: 5 }],
    [
      "casual and lower-case",
      "ship fast, cut the red tape, fund public goods + open source devs lol",
      {
        operational_pragmatism: 3,
        public_goods_community: 3,
      },
    ],
    [
      "a bulleted list",
      "- Decentralization\n- Avoid exploits and bad debt\n- More users",
      {
        decentralization: 3,
        security_risk: 3,
        growth_adoption: 3,
      },
    ],
  ])("%s", async (_, statement, expected) => {
    expect(weighted(await compile(statement))).toEqual(expected);
  });

  it("reads rules: against, never, ask, with dollar thresholds and authors", async () => {
    const result = await compile(
      "Always vote against grants over $1M. Never vote on elections. " +
        "Ask me about anything from 0x1234567890abcdef1234567890abcdef12345678. I care about security.",
    );
    if (!result.ok) throw new Error(result.message);
    expect(result.profile.rules.rules).toEqual([
      {
        id: "r1",
        when: [
          { kind: "treasury_outflow_above", usd: 1_000_000 },
          { kind: "category", in: ["grant"] },
        ],
        action: { kind: "vote", choice: { intent: "against" } },
      },
      { id: "r2", when: [{ kind: "category", in: ["election"] }], action: { kind: "never" } },
      {
        id: "r3",
        when: [{ kind: "author", in: ["0x1234567890abcdef1234567890abcdef12345678"] }],
        action: { kind: "ask" },
      },
    ]);
    expect(result.profile.ruleSources.r2).toBe("never vote on elections");
    expect(weighted(result)).toEqual({ security_risk: 3 });
  });

  it("reads what to do when unsure, and every-proposal rules only for cautious actions", async () => {
    const unsure = await compile("When in doubt, abstain. Transparency matters.");
    expect(unsure.ok && unsure.profile.rules.whenUnsure).toBe("abstain");
    const always = await compile(
      "Ask me before every vote on quadratic proposals. Abstain on partnerships worth more than 250k USD.",
    );
    expect(always.ok && always.profile.rules.rules).toEqual([
      { id: "r1", when: [{ kind: "voting_type", in: ["quadratic"] }], action: { kind: "ask" } },
      {
        id: "r2",
        when: [
          { kind: "treasury_outflow_above", usd: 250_000 },
          { kind: "category", in: ["partnership"] },
        ],
        action: { kind: "abstain" },
      },
    ]);
  });

  it("says what it could not turn into a rule instead of guessing one", async () => {
    const result = await compile(
      "Vote against anything that feels off. Reject grants over 500k UNI. Security matters.",
    );
    if (!result.ok) throw new Error(result.message);
    expect(result.profile.rules.rules).toEqual([]);
    expect(result.profile.notes).toEqual([
      'I could not make a rule of "vote against anything that feels off": a rule can only test category, a dollar outflow, digest warnings, voting type or author.',
      'I could not make a rule of "reject grants over 500k uni": rule amounts must be in US dollars ("$1M", "500k USD"); "500k uni" is not.',
    ]);
    expect(weighted(result)).toEqual({ security_risk: 4 });
  });

  it("refuses an empty statement with a clear message", async () => {
    for (const empty of ["", "   \n\t "]) {
      const result = await compile(empty);
      expect(result).toMatchObject({ ok: false, problem: "empty" });
      expect(!result.ok && result.message).toMatch(/empty/);
    }
  });

  it("refuses a statement with no values in it, naming what it did not understand", async () => {
    const result = await compile("Hello there, nice weather today.");
    expect(result).toMatchObject({ ok: false, problem: "no_values" });
    expect(!result.ok && result.details).toEqual([
      'Not understood, so not counted: "hello there, nice weather today".',
    ]);
    expect(await compile("La seguridad es lo más importante")).toMatchObject({ ok: false, problem: "no_values" });
  });

  it("refuses contradictions, quoting both sides", async () => {
    const values = await compile("Security is the most important thing. Actually I don't care about security.");
    expect(values).toMatchObject({ ok: false, problem: "contradictory" });
    expect(!values.ok && values.details).toEqual([
      'Security and risk: "security is the most important thing" but also "actually i don\'t care about security"',
    ]);
    const rules = await compile("Always vote for grants. Always vote against grants.");
    expect(rules).toMatchObject({ ok: false, problem: "contradictory" });
    const unsure = await compile("If unsure, abstain. When in doubt ask me. I like security.");
    expect(unsure).toMatchObject({ ok: false, problem: "contradictory" });
  });

  it("refuses a statement over 2,000 characters", async () => {
    expect(await compile("security ".repeat(250))).toMatchObject({ ok: false, problem: "too_long" });
  });

  it("sets a value to 0, with a note, when told to oppose the value itself", async () => {
    const result = await compile("I care about security, not growth. Token price doesn't matter.");
    if (!result.ok) throw new Error(result.message);
    expect(weighted(result)).toEqual({ security_risk: 3 });
    expect(result.profile.notes[0]).toMatch(/Weights cannot be negative/);
    expect(result.profile.because.tokenholder_value).toEqual(["token price doesn't matter"]);
  });

  it("is deterministic and records its lexicon version", async () => {
    const statement = "Decentralization first and foremost; careful spending; ask me about anything over $2.5m.";
    const first = await compile(statement);
    expect(await compile(statement)).toEqual(first);
    expect(first.ok && first.compiledBy).toBe(OFFLINE_COMPILER_ID);
    expect(first.ok && first.profile.rules.rules[0]?.when).toEqual([
      { kind: "treasury_outflow_above", usd: 2_500_000 },
    ]);
  });

  it("uses a steward's own dimension by its name", () => {
    const taxonomy = [
      ...DEFAULT_TAXONOMY,
      { id: "l2_expansion", name: "L2 expansion", meaning: "Deploying to more rollups." },
    ];
    const result = compileOffline("L2 expansion is critical.", taxonomy);
    expect(result.ok && result.profile.weights.l2_expansion).toBe(5);
  });

  it("splits clauses on sentences and contrasts but not inside amounts", () => {
    expect(splitClauses("Fund $1.5m grants. But not more; however fine").map((c) => c.text)).toEqual([
      "fund $1.5m grants",
      "not more",
      "fine",
    ]);
  });
});
