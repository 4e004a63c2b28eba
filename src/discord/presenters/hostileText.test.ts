import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  maskedLink,
  neutraliseMentions,
  quoteBlock,
  safeInline,
  safeText,
  safeUrl,
  userMention,
} from "./hostileText.js";

describe("hostile text", () => {
  it.each([
    ["@everyone look", "@\u200beveryone look"],
    ["@HERE now", "@\u200bHERE now"],
    ["<@&123456789012345678>", "<\u200b@&123456789012345678>"],
    ["<@!123456789012345678>", "<\u200b@!123456789012345678>"],
    ["<#123456789012345678>", "<\u200b#123456789012345678>"],
    ["</vote:123456789012345678>", "<\u200b/vote:123456789012345678>"],
  ])("breaks the mention in %j", (text, expected) => {
    expect(neutraliseMentions(text)).toBe(expected);
  });

  it.each([
    ["**bold** _it_ ~~gone~~ ||spoiler||", "\\*\\*bold\\*\\* \\_it\\_ \\~\\~gone\\~\\~ \\|\\|spoiler\\|\\|"],
    ["# Heading", "\\# Heading"],
    ["> quoted", "\\> quoted"],
    ["-# small print", "\\-# small print"],
    ["- item", "\\- item"],
    ["1. first", "1\\. first"],
    ["[click](https://evil.example)", "\\[click](https://evil.example)"],
    ["`code`", "\\`code\\`"],
    ["a \\ b", "a \\\\ b"],
    ["left\u202eright", "leftright"],
  ])("escapes the markdown in %j", (text, expected) => {
    expect(safeText(text)).toBe(expected);
  });

  it("never leaves a mention that could ping or render, whatever the text", () => {
    fc.assert(
      fc.property(
        fc
          .array(
            fc.oneof(fc.constantFrom("@", "<", ">", "&", "#", "!", "/", "everyone", "here", "\n", " "), fc.string()),
          )
          .map((p) => p.join("")),
        (text) => {
          for (const out of [safeText(text), safeInline(text), quoteBlock(text)]) {
            expect(out).not.toMatch(/@(everyone|here)/i);
            expect(out).not.toMatch(/<[@#/]/);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it("puts inline text on one line and quotes every line of a block", () => {
    expect(safeInline("  a\n\n b\tc ")).toBe("a b c");
    expect(quoteBlock("one\ntwo")).toBe("> one\n> two");
  });

  it("links only http(s) URLs, with parentheses encoded so the link cannot end early", () => {
    expect(safeUrl("javascript:alert(1)")).toBeNull();
    expect(safeUrl("not a url")).toBeNull();
    expect(safeUrl(null)).toBeNull();
    expect(safeUrl("https://example.org/a(b)")).toBe("https://example.org/a%28b%29");
    expect(maskedLink("post [1]", "https://example.org/p")).toBe("[post \\[1\\]](https://example.org/p)");
    expect(maskedLink("post", "https://example.org/p", true)).toBe("[post](<https://example.org/p>)");
    expect(maskedLink("post", "ftp://example.org/p")).toBe("post");
  });

  it("mentions only snowflakes", () => {
    expect(userMention("123456789012345678")).toBe("<@123456789012345678>");
    expect(userMention("12> @everyone <@1")).toBeNull();
  });
});
