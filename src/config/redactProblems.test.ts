import { describe, expect, it } from "vitest";
import { redactProblems } from "./redactProblems.js";

describe("redactProblems", () => {
  it("replaces a whole secret, a cut-off start of one, and its JSON-escaped form", () => {
    expect(
      redactProblems(
        ['A got "xx-secret-value-yy"', 'B got "prefix-secret-val…"', 'C got "quote\\"secret"'],
        ["secret-value", 'quote"secret'],
      ),
    ).toEqual(['A got "xx-[redacted]-yy"', 'B got "prefix-[redacted]…"', 'C got "[redacted]"']);
  });

  it("keeps the scheme that a bad secret URL is deliberately echoed by", () => {
    expect(redactProblems(['DATABASE_URL got "mysql://…"'], ["mysql://root:pw@db/app"])).toEqual([
      'DATABASE_URL got "mysql://…"',
    ]);
  });

  it("leaves secrets too short to match safely", () => {
    expect(redactProblems(["PORT must be an integer"], ["in"])).toEqual(["PORT must be an integer"]);
  });
});
