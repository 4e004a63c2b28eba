import { describe, expect, it } from "vitest";
import { byRank, rankSentences, splitSentences } from "./sentences.js";

const text = [
  "## Summary",
  "",
  "The treasury funds a security review program for the vault contracts. The program reviews every vault upgrade.",
  "- The security review program publishes every report on the forum.",
  "![chart](https://example.org/chart.png)",
  "",
  "**Risks**",
  "Reviews of vault contracts cost money even when no upgrade ships.",
  "Short line.",
].join("\n");

describe("sentences", () => {
  it("splits on line breaks and sentence ends, keeps offsets verbatim, and records the heading", () => {
    const sentences = splitSentences(text);
    expect(sentences.map((s) => s.text)).toEqual([
      "The treasury funds a security review program for the vault contracts.",
      "The program reviews every vault upgrade.",
      "The security review program publishes every report on the forum.",
      "Reviews of vault contracts cost money even when no upgrade ships.",
    ]);
    for (const s of sentences) expect(text.slice(s.start, s.end)).toBe(s.text);
    expect(sentences.map((s) => s.section)).toEqual(["Summary", "Summary", "Summary", "Risks"]);
  });

  it("lowers the bar for short forum replies when asked", () => {
    expect(splitSentences("I support this.", { minChars: 12, minWords: 2 }).map((s) => s.text)).toEqual([
      "I support this.",
    ]);
  });

  it("ranks a sentence that shares nothing with the others last, the same way every time", () => {
    const sentences = splitSentences(`${text}\nBananas grow quickly in warm humid climates today.`);
    const scores = rankSentences(sentences);
    expect(byRank(scores).at(-1)).toBe(sentences.length - 1);
    expect(scores.at(-1)).toBeCloseTo(0.15, 10);
    expect(rankSentences(sentences)).toEqual(scores);
  });
});
