import { describe, expect, it } from "vitest";
import { canonicalJson } from "./canonicalJson.js";

describe("canonicalJson", () => {
  it("sorts keys at every depth and drops whitespace", () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: true, y: null }], c: "x" } })).toBe(
      '{"a":{"c":"x","d":[3,{"y":null,"z":true}]},"b":1}',
    );
  });

  it("gives the same bytes whatever order the keys were written in", () => {
    expect(canonicalJson({ x: 1, y: 2, nested: { q: 1, p: 2 } })).toBe(
      canonicalJson({ nested: { p: 2, q: 1 }, y: 2, x: 1 }),
    );
  });

  it("leaves out undefined fields but keeps nulls", () => {
    expect(canonicalJson({ a: undefined, b: null })).toBe('{"b":null}');
  });

  it("writes dates as ISO strings and escapes strings as JSON does", () => {
    expect(canonicalJson({ at: new Date("2026-01-02T03:04:05.678Z"), s: 'quote " and \u2028' })).toBe(
      `{"at":"2026-01-02T03:04:05.678Z","s":${JSON.stringify('quote " and \u2028')}}`,
    );
  });

  it("refuses values JSON cannot hold, naming where they are", () => {
    expect(() => canonicalJson({ a: [1, Number.NaN] })).toThrow("$.a[1] is NaN");
    expect(() => canonicalJson({ big: 10n })).toThrow("$.big is a bigint");
    expect(() => canonicalJson({ m: new Map() })).toThrow("$.m is a Map");
  });
});
