import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { Secret } from "./secret.js";

describe("Secret", () => {
  const secret = new Secret("hunter2-is-my-password");

  it("prints as [redacted] however it is printed", () => {
    expect(String(secret)).toBe("[redacted]");
    expect(`${secret}`).toBe("[redacted]");
    expect(JSON.stringify({ secret })).toBe('{"secret":"[redacted]"}');
    expect(inspect({ nested: { secret } })).toBe("{ nested: { secret: [redacted] } }");
  });

  it("gives its value only to reveal()", () => {
    expect(secret.reveal()).toBe("hunter2-is-my-password");
    expect(Object.keys(secret)).toEqual([]);
  });
});
