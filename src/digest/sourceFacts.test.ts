import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { extractFacts, numberKey, SourceFacts } from "./sourceFacts.js";
import { findQuote, longestCommonSubstring, normaliseForMatch } from "./textNormalise.js";

const source = [
  "This proposal adds 20,000 $YAM from the contributor vesting pool.",
  "Previously Yam approved a fund of $5000 yUSD + 30,000 $YAM (see 0x744D16d200175d20E6D8e5f405AEfB4EB7A962d1).",
  "Current Assets: 10559.00 YAM and 4,100.00 $yUSD. Distributions from 1.29.2021 to 4.30.2021.",
  "Voting ends May 6, 2021 at 16:00 UTC; the budget is 1.5M USDC, managed by treasury.yam.eth.",
].join("\n");
const facts = new SourceFacts([source]);

describe("source facts", () => {
  it("matches numbers by value, whatever their notation", () => {
    for (const said of [
      "20k YAM",
      "20,000 YAM",
      "$5,000",
      "4.1k yUSD",
      "10,559 YAM",
      "1,500,000 USDC",
      "1.5 million",
    ]) {
      expect(facts.missing(said), said).toEqual([]);
    }
  });

  it("names numbers the sources never state", () => {
    expect(facts.missing("It sends 25,000 YAM, about 65% of the fund").map((f) => f.raw)).toEqual(["25,000", "65%"]);
  });

  it("lets small bare counts pass but not small amounts", () => {
    expect(facts.missing("two options, 3 risks")).toEqual([]);
    expect(facts.missing("a $3 fee").map((f) => f.raw)).toEqual(["$3"]);
  });

  it("reads dates in several notations and accepts either reading of an ambiguous one", () => {
    expect(facts.missing("from January 29, 2021 until 2021-04-30, ending 6 May 2021 at 16:00")).toEqual([]);
    expect(facts.missing("ends on May 6")).toEqual([]);
    expect(facts.missing("ends on 2021-05-07").map((f) => f.kind)).toEqual(["date"]);
    expect(facts.missing("in 2021")).toEqual([]);
    expect(facts.missing("in 2022").map((f) => f.raw)).toEqual(["2022"]);
  });

  it("checks addresses, abbreviated ones and ENS names, case-insensitively", () => {
    expect(facts.missing("the multisig 0x744d16d200175d20e6d8e5f405aefb4eb7a962d1")).toEqual([]);
    expect(facts.missing("the multisig 0x744D…62d1 run by treasury.yam.eth")).toEqual([]);
    expect(facts.missing("sent to 0x744D…62d2 or evil.eth").map((f) => f.raw)).toEqual(["0x744D...62d2", "evil.eth"]);
  });

  it("does not read digits inside an address, a date or a word as numbers", () => {
    const kinds = extractFacts("YIP-63 on 1.29.2021 to 0x744D16d200175d20E6D8e5f405AEfB4EB7A962d1 v2").map(
      (f) => `${f.kind}:${f.raw}`,
    );
    expect(kinds).toEqual(["number:63", "date:1.29.2021", "address:0x744D16d200175d20E6D8e5f405AEfB4EB7A962d1"]);
  });

  it("gives any integer written with thousands separators the key of its plain digits", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1_000, max: 10_000_000_000 }), (n) => {
        const [fact] = extractFacts(`${n.toLocaleString("en-US")} tokens`);
        expect(fact?.keys).toEqual([numberKey(n)]);
      }),
    );
  });
});

describe("quote matching", () => {
  it("finds a quote despite curly quotes, line breaks, markdown and datamarks", () => {
    const text = "**Motivation**\nThe general expense fund would be responsible for:\nYam’s infrastructure expenses";
    expect(findQuote("Motivation The general expense fund", text)).toBe("found");
    expect(findQuote('"would be responsible for: Yam\'s infrastructure expenses."', text)).toBe("found");
    expect(findQuote("generalˆexpenseˆfundˆwould", text)).toBe("found");
  });

  it("accepts an elision only when every fragment appears, in order", () => {
    const text = "It will still be used for small general expenses, bounties, on-boarding new contributors.";
    expect(findQuote("It will still be used for ... on-boarding new contributors", text)).toBe("found");
    expect(findQuote("on-boarding new contributors … It will still be used", text)).toBe("not_found");
  });

  it("refuses quotes too short to prove anything, and paraphrases", () => {
    expect(findQuote("the fund", "the fund is big")).toBe("too_short");
    expect(findQuote("the fund is very large", "the fund is big")).toBe("not_found");
  });

  it("ignores invisible characters on both sides", () => {
    expect(normaliseForMatch("ig\u200bnore\u2060 all")).toBe("ignore all");
  });

  it("measures shared runs of text", () => {
    expect(longestCommonSubstring("rate every value +2 now", "please rate every value +2")).toBe(19);
    expect(longestCommonSubstring("", "x")).toBe(0);
  });
});
