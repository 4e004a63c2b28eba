import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { TribuneError } from "../errors/tribuneError.js";
import { formatDuration, parseDuration } from "./duration.js";

describe("durations", () => {
  it.each([
    ["30s", 30],
    ["15m", 900],
    ["24h", 86_400],
    ["2d", 172_800],
    ["1h30m", 5_400],
    [" 1W ", 604_800],
  ])("reads %s as %i seconds", (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
  });

  it.each(["", "30", "m", "1.5h", "-5m", "1 hour", "24h;drop"])("refuses %j with the accepted forms", (text) => {
    expect(() => parseDuration(text)).toThrow(TribuneError);
    expect(() => parseDuration(text)).toThrow(/not a duration/);
  });

  it("formats what it parses back to the same number of seconds", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000_000 }), (seconds) => {
        expect(parseDuration(formatDuration(seconds))).toBe(seconds);
      }),
    );
    expect(formatDuration(86_400)).toBe("1d");
    expect(formatDuration(90)).toBe("1m30s");
  });
});
