import { describe, expect, it } from "vitest";
import { createScrubber } from "./scrubSecrets.js";

describe("createScrubber", () => {
  it("replaces a longer secret whole even when a shorter one is inside it", () => {
    const scrub = createScrubber(["abcd", "xxabcdxx"]);
    expect(scrub('{"a":"xxabcdxx","b":"-abcd-"}')).toBe('{"a":"[redacted]","b":"-[redacted]-"}');
  });

  it("treats regular-expression characters in secrets literally", () => {
    expect(createScrubber(["a.b*c(d)"])("x a.b*c(d) aXbbc")).toBe("x [redacted] aXbbc");
  });

  it("scrubs URL passwords for any scheme, leaving URLs without one alone", () => {
    const scrub = createScrubber([]);
    expect(scrub("redis://:s3cret-pw@cache:6379 and https://example.org/a:b@c")).toBe(
      "redis://:[redacted]@cache:6379 and https://example.org/a:b@c",
    );
  });

  it("ignores secrets too short to replace safely", () => {
    expect(createScrubber(["ab", ""])("about a tab")).toBe("about a tab");
  });
});
