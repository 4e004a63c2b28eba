import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatCount, formatPower, formatShare, POWER_SCALE, parsePower } from "./powerAmounts.js";

const TOKEN = { decimals: 18, symbol: "EXA" };
const SNAPSHOT = { decimals: 0, symbol: null };
const one = 10n ** BigInt(POWER_SCALE);

describe("voting power amounts", () => {
  it.each([
    ["1500000000000000000000", TOKEN, 1500n * one],
    ["1", TOKEN, 1n],
    ["1234.5", SNAPSHOT, 12345n * 10n ** 17n],
    ["1.2e+21", SNAPSHOT, 12n * 10n ** 20n * one],
    ["1e-7", SNAPSHOT, 10n ** 11n],
    ["0", SNAPSHOT, 0n],
  ])("parse %s exactly", (text, unit, expected) => {
    expect(parsePower(text, unit)).toBe(expected);
  });

  it.each(["", "-5", "abc", "1e999", "0x10", "1,000"])("refuse %j", (text) => {
    expect(parsePower(text, SNAPSHOT)).toBeNull();
  });

  it("sum amounts past 2^53 without losing a unit", () => {
    fc.assert(
      fc.property(fc.array(fc.bigInt({ min: 0n, max: 10n ** 30n }), { maxLength: 50 }), (raws) => {
        const sum = raws.reduce((a, b) => a + (parsePower(b.toString(), TOKEN) ?? 0n), 0n);
        expect(sum).toBe(raws.reduce((a, b) => a + b, 0n));
      }),
    );
  });

  it.each([
    [0n, "0"],
    [1500n * one, "1.5k"],
    [999_960n * one, "1M"],
    [12_345_678n * one, "12.3M"],
    [987_654n * one, "988k"],
    [98765n * (one / 100n), "987.65"],
    [999_999n * (one / 1000n), "1k"],
    [12n * (one / 10_000n), "0.0012"],
    [1n, "<0.0001"],
    [10n ** 30n * one, "1000000000000000000T"],
  ])("format %s as %s", (scaled, text) => {
    expect(formatPower(scaled)).toBe(text);
  });

  it("format shares and counts", () => {
    expect(formatShare(623n, 1000n)).toBe("62.3%");
    expect(formatShare(1n, 3n)).toBe("33.3%");
    expect(formatShare(1n, 100_000n)).toBe("<0.1%");
    expect(formatShare(0n, 0n)).toBe("0%");
    expect(formatShare(5n, 5n)).toBe("100%");
    expect(formatCount(1234567)).toBe("1,234,567");
    expect(formatCount(12)).toBe("12");
  });
});
