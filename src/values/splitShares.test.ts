import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { splitBigByLargestRemainder, splitByLargestRemainder } from "./splitShares.js";

describe("largest-remainder splits", () => {
  it("sum exactly to the total and stay within one unit of each exact quota", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        (parts, total) => {
          const shares = splitByLargestRemainder(parts, total);
          const sum = parts.reduce((a, b) => a + b, 0);
          if (sum === 0) {
            expect(shares.every((s) => s === 0)).toBe(true);
            return;
          }
          expect(shares.reduce((a, b) => a + b, 0)).toBe(total);
          parts.forEach((part, i) => {
            expect(Math.abs((shares[i] as number) - (part / sum) * total)).toBeLessThan(1 + 1e-6);
            if (part === 0) expect(shares[i]).toBe(0);
          });
        },
      ),
      { numRuns: 500 },
    );
  });

  it("sum exactly on bigints larger than any float can hold", () => {
    fc.assert(
      fc.property(
        fc.array(fc.bigInt({ min: 0n, max: 10n ** 30n }), { minLength: 1, maxLength: 20 }),
        fc.bigInt({ min: 0n, max: 10n ** 27n }),
        (parts, total) => {
          const shares = splitBigByLargestRemainder(parts, total);
          if (parts.every((p) => p === 0n)) {
            expect(shares.every((s) => s === 0n)).toBe(true);
            return;
          }
          expect(shares.reduce((a, b) => a + b, 0n)).toBe(total);
          parts.forEach((part, i) => {
            if (part === 0n) expect(shares[i]).toBe(0n);
          });
        },
      ),
      { numRuns: 500 },
    );
  });

  it("gives the leftover units to the largest remainders, ties to the earlier part", () => {
    expect(splitByLargestRemainder([1, 1, 1], 100)).toEqual([34, 33, 33]);
    expect(splitByLargestRemainder([2, 1], 100)).toEqual([67, 33]);
    expect(splitBigByLargestRemainder([1n, 1n, 1n], 100n)).toEqual([34n, 33n, 33n]);
    expect(splitBigByLargestRemainder([0n, 5n, 5n], 3n)).toEqual([0n, 2n, 1n]);
  });
});
