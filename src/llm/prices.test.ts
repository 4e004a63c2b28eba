import { describe, expect, it } from "vitest";
import { costOf, PRICES_READ_ON, priceOf } from "./prices.js";

describe("price table", () => {
  it("prices a Sonnet call from usage, cache writes at 1.25× and reads at 0.1× the input price", () => {
    const price = priceOf("claude-sonnet-5-5");
    // 3,000 × $2/M + 1,000 × $2.5/M + 2,000 × $0.2/M + 800 × $10/M = 0.006 + 0.0025 + 0.0004 + 0.008
    expect(
      costOf({ inputTokens: 3_000, outputTokens: 800, cacheReadTokens: 2_000, cacheWriteTokens: 1_000 }, price),
    ).toBe(0.0169);
  });

  it("gives dated snapshots their family's price and unknown models none", () => {
    expect(priceOf("claude-opus-5-5-20261001")).toEqual({ inputPerMillion: 4, outputPerMillion: 20 });
    expect(priceOf("llama3.1:8b")).toBeNull();
    expect(costOf({ inputTokens: 10_000, outputTokens: 10_000, cacheReadTokens: 0, cacheWriteTokens: 0 }, null)).toBe(
      0,
    );
  });

  it("says when it was read", () => {
    expect(PRICES_READ_ON).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });
});
