import type { APIEmbed } from "discord.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  EMBED_DESCRIPTION_MAX,
  EMBED_FIELD_VALUE_MAX,
  EMBED_FIELDS_MAX,
  EMBEDS_PER_MESSAGE_MAX,
  EMBEDS_TOTAL_MAX,
  embedLength,
  layoutEmbeds,
  packBlocks,
  packEmbeds,
  splitText,
} from "./limits.js";
import { limitProblems, presentMessage } from "./presentedMessage.js";

/** Finds each piece in the text in order; returns the gaps between them (and before the first, after the last). */
function gaps(text: string, pieces: readonly string[]): string[] {
  const found: string[] = [];
  let at = 0;
  for (const piece of pieces) {
    const i = text.indexOf(piece, at);
    if (i < 0) throw new Error(`piece not found in order: ${JSON.stringify(piece.slice(0, 40))}`);
    found.push(text.slice(at, i));
    at = i + piece.length;
  }
  found.push(text.slice(at));
  return found;
}

// Text with every kind of boundary, long words, emoji (surrogate pairs) and escapes.
const textArb = fc
  .array(
    fc.oneof(
      { weight: 6, arbitrary: fc.stringMatching(/^[a-zé]{1,12}$/) },
      { weight: 1, arbitrary: fc.stringMatching(/^[a-z]{20,90}$/) },
      { weight: 1, arbitrary: fc.constantFrom("🗳️", "\\*", "\\\\", "👍🏽") },
      { weight: 4, arbitrary: fc.constantFrom(" ", " ", ". ", "! ", "\n", "\n\n", "\n \n", "  ", "\t") },
    ),
    { maxLength: 400 },
  )
  .map((parts) => parts.join(""));

describe("splitText", () => {
  it("keeps every piece within max, loses and reorders nothing, and drops only whitespace", () => {
    fc.assert(
      fc.property(textArb, fc.integer({ min: 2, max: 120 }), (text, max) => {
        const pieces = splitText(text, max);
        for (const piece of pieces) {
          expect(piece.length).toBeLessThanOrEqual(max);
          expect(piece.trim()).toBe(piece);
          expect(piece.length).toBeGreaterThan(0);
        }
        for (const gap of gaps(text, pieces)) expect(gap.trim()).toBe("");
        expect(pieces.join("").replace(/\s/g, "")).toBe(text.replace(/\s/g, ""));
      }),
      { numRuns: 400 },
    );
  });

  it("cuts inside a word only when that word alone is longer than max", () => {
    fc.assert(
      fc.property(textArb, fc.integer({ min: 2, max: 120 }), (text, max) => {
        const pieces = splitText(text, max);
        let at = 0;
        for (let i = 0; i < pieces.length - 1; i++) {
          const piece = pieces[i] as string;
          const start = text.indexOf(piece, at);
          const end = start + piece.length;
          at = end;
          if (/\s/.test(text[end] ?? " ")) continue;
          // A cut with no whitespace: the word it cuts through is longer than max.
          const before = text.slice(0, end).match(/\S*$/)?.[0] ?? "";
          const after = text.slice(end).match(/^\S*/)?.[0] ?? "";
          expect(before.length + after.length).toBeGreaterThan(max);
        }
      }),
      { numRuns: 400 },
    );
  });

  it("prefers paragraphs, then lines, then sentences, then words", () => {
    const para = `${"a".repeat(30)} ${"b".repeat(20)}\n${"c".repeat(10)}\n\n${"d".repeat(30)}`;
    expect(splitText(para, 70)).toEqual([`${"a".repeat(30)} ${"b".repeat(20)}\n${"c".repeat(10)}`, "d".repeat(30)]);
    expect(splitText("First sentence here. Second one, longer than the rest of it.", 40)).toEqual([
      "First sentence here.",
      "Second one, longer than the rest of it.",
    ]);
    expect(splitText("one two three four", 9)).toEqual(["one two", "three", "four"]);
    expect(splitText("line one\nline two", 12)).toEqual(["line one", "line two"]);
  });

  it("never separates an escape from what it escapes, nor the halves of an emoji", () => {
    expect(splitText("abc\\*def", 4)).toEqual(["abc", "\\*de", "f"]);
    expect(splitText("ab🗳cd", 3)).toEqual(["ab", "🗳c", "d"]);
  });

  it("returns nothing for blank text and the text itself when it fits", () => {
    expect(splitText("  \n ", 10)).toEqual([]);
    expect(splitText("  short  ", 10)).toEqual(["short"]);
  });

  it("refuses a max below 2", () => {
    expect(() => splitText("abc", 1)).toThrow(RangeError);
  });
});

describe("packBlocks", () => {
  it("keeps blocks whole when they fit, in order, within max", () => {
    fc.assert(
      fc.property(fc.array(textArb, { maxLength: 30 }), fc.integer({ min: 10, max: 300 }), (blocks, max) => {
        const texts = packBlocks(blocks, max, "\n\n");
        for (const text of texts) expect(text.length).toBeLessThanOrEqual(max);
        expect(texts.join("").replace(/\s/g, "")).toBe(blocks.join("").replace(/\s/g, ""));
        for (const block of blocks) {
          const trimmed = block.trim();
          if (trimmed && block.length <= max) expect(texts.some((t) => t.includes(block))).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });
});

const sectionArb = fc.record({
  name: fc.string({ minLength: 1, maxLength: 300 }).filter((s) => s.trim().length > 0),
  value: textArb,
  inline: fc.boolean(),
});

describe("layoutEmbeds and packEmbeds", () => {
  it("lay any draft out within every embed limit, and pack embeds into messages within every message limit", () => {
    fc.assert(
      fc.property(
        fc.record({
          title: fc.string({ maxLength: 400 }),
          description: fc.array(textArb, { maxLength: 30 }).map((p) => p.join("\n\n")),
          sections: fc.array(sectionArb, { maxLength: 40 }),
          footer: fc.string({ maxLength: 2500 }),
        }),
        (draft) => {
          const embeds = layoutEmbeds({ ...draft, url: "https://example.org", color: 1 });
          for (const embed of embeds) {
            expect(embedLength(embed)).toBeLessThanOrEqual(EMBEDS_TOTAL_MAX);
            expect(embed.description?.length ?? 0).toBeLessThanOrEqual(EMBED_DESCRIPTION_MAX);
            expect(embed.fields?.length ?? 0).toBeLessThanOrEqual(EMBED_FIELDS_MAX);
          }
          const shown = embeds.flatMap((e) => [e.description ?? "", ...(e.fields ?? []).map((f) => f.value)]).join("");
          const given = [draft.description, ...draft.sections.map((s) => s.value)].join("");
          expect(shown.replace(/\s/g, "")).toBe(given.replace(/\s/g, ""));
          for (const group of packEmbeds(embeds)) {
            expect(limitProblems(presentMessage({ embeds: group }))).toEqual([]);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it("continue a long section in fields named “(continued)”", () => {
    const value = Array.from({ length: 60 }, (_, i) => `• item ${i} ${"x".repeat(40)}`).join("\n");
    const [embed] = layoutEmbeds({ sections: [{ name: "Risks", value }] });
    const names = (embed?.fields ?? []).map((f) => f.name);
    expect(names[0]).toBe("Risks");
    expect(names.slice(1).every((n) => n === "Risks (continued)")).toBe(true);
    expect((embed?.fields ?? []).every((f) => f.value.length <= EMBED_FIELD_VALUE_MAX)).toBe(true);
  });

  it("put the footer on the last embed only", () => {
    const embeds = layoutEmbeds({ title: "T", description: "d ".repeat(6000), footer: "made by Tribune" });
    expect(embeds.length).toBeGreaterThan(1);
    expect(embeds.slice(0, -1).every((e) => e.footer === undefined)).toBe(true);
    expect(embeds.at(-1)?.footer?.text).toBe("made by Tribune");
    expect(embeds[0]?.title).toBe("T");
  });

  it("start a new message at 10 embeds", () => {
    const embeds: APIEmbed[] = Array.from({ length: 23 }, (_, i) => ({ description: `embed ${i}` }));
    expect(packEmbeds(embeds).map((g) => g.length)).toEqual([EMBEDS_PER_MESSAGE_MAX, EMBEDS_PER_MESSAGE_MAX, 3]);
  });
});
