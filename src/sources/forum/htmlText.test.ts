import { describe, expect, it } from "vitest";
import { htmlToText } from "./htmlText.js";

describe("htmlToText", () => {
  it("keeps paragraphs and list items as lines, drops tags and scripts, decodes entities", () => {
    const cooked =
      "<p>We ask for <strong>20,000 $YAM</strong> &amp; a 2&#8209;of&#x2011;3 multisig.</p><ul><li>Gas</li><li>Tools</li></ul>" +
      '<script>alert("x")</script><p>Thanks &lt;3&nbsp;all</p>';
    expect(htmlToText(cooked)).toBe("We ask for 20,000 $YAM & a 2‑of‑3 multisig.\nGas\nTools\nThanks <3 all");
  });

  it("stays fast on hostile input", () => {
    const hostile = `${"<".repeat(50_000)}${"&#".repeat(50_000)}<script>${"a".repeat(100_000)}`;
    const started = performance.now();
    htmlToText(hostile);
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});
