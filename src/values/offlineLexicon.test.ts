import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ABSTAIN_WORDS, AGAINST_WORDS, FOR_WORDS } from "./choiceLabels.js";
import * as lexicon from "./offlineLexicon.js";

// The lexicon is documented for members and stewards; this keeps the documentation from drifting from the code.
describe("the offline lexicon", () => {
  const readme = readFileSync(join(import.meta.dirname, "README.md"), "utf8");
  const cues = [
    ...Object.values(lexicon.DIMENSION_CUES).flatMap((c) => [...c.value, ...c.concern, ...(c.indifference ?? [])]),
    ...lexicon.INTENSITY_CUES.flatMap((c) => c.cues),
    ...lexicon.INDIFFERENCE_CUES,
    ...lexicon.OPPOSE_CUES,
    ...lexicon.WORRY_CUES,
    ...lexicon.MORE_THAN_CUES,
    ...lexicon.LESS_THAN_CUES,
    ...lexicon.RULE_ACTION_CUES.flatMap((c) => c.cues),
    ...Object.values(lexicon.CATEGORY_CUES).flat(),
    ...Object.values(lexicon.VOTING_TYPE_CUES).flat(),
    ...Object.values(lexicon.FLAG_CUES).flat(),
    ...lexicon.AMOUNT_ABOVE_CUES,
    ...lexicon.EVERY_PROPOSAL_CUES,
    ...lexicon.UNSURE_CUES,
  ];

  it("is documented cue by cue in README.md", () => {
    expect(cues.length).toBeGreaterThan(300);
    expect(cues.filter((cue) => !readme.includes(`\`${cue}\``))).toEqual([]);
  });

  it("documents the words that make a choice For, Against or Abstain", () => {
    const words = [...FOR_WORDS, ...AGAINST_WORDS, ...ABSTAIN_WORDS];
    expect(words.filter((word) => !readme.includes(`\`${word}\``))).toEqual([]);
  });

  it("names its version in the documentation", () => {
    expect(readme).toContain(`(offline compiler, \`${lexicon.LEXICON_VERSION}\`)`);
  });
});
