import { describe, expect, it } from "vitest";
import { auditViewParams, parseAuditView, parseUtc, searchQuery } from "../../src/web/auditFilter.js";

describe("audit view parameters", () => {
  it("reads every filter and the position, and writes them back the same", () => {
    const params = new URLSearchParams(
      "space=s1&proposal=p1&member=m1&action=cast.confirmed&from=2026-11-01T10:30&until=2026-11-02&q=treasury%20usdc&before=900",
    );
    const view = parseAuditView(params);
    expect(view.problems).toEqual([]);
    expect(view.filter).toEqual({
      spaceId: "s1",
      proposalId: "p1",
      memberId: "m1",
      action: "cast.confirmed",
      from: new Date("2026-11-01T10:30:00.000Z"),
      until: new Date("2026-11-02T00:00:00.000Z"),
      q: "treasury usdc",
    });
    expect(view.position).toEqual({ before: 900 });
    expect(parseAuditView(auditViewParams(view.filter, view.position))).toEqual(view);
  });

  it("ignores what it cannot read and says so", () => {
    const view = parseAuditView(new URLSearchParams(`from=yesterday&member=${"x".repeat(300)}&before=-3&q=%21%21%21`));
    expect(view.filter.from).toBeNull();
    expect(view.filter.memberId).toBeNull();
    expect(view.filter.q).toBeNull();
    expect(view.position).toBeNull();
    expect(view.problems).toHaveLength(3);
  });

  it("takes times without a zone as UTC and honours an explicit zone", () => {
    expect(parseUtc("2026-11-24T18:30")?.toISOString()).toBe("2026-11-24T18:30:00.000Z");
    expect(parseUtc("2026-11-24T18:30:05.5+02:00")?.toISOString()).toBe("2026-11-24T16:30:05.500Z");
    expect(parseUtc("2026-13-01")).toBeNull();
  });

  it("turns a search into prefix words that cannot be read as tsquery syntax", () => {
    expect(searchQuery("Treasury 0xAbC digest.created")).toBe("'treasury':* & '0xabc':* & 'digest.created':*");
    expect(searchQuery("a' | b:* & !(c)")).toBe("'a':* & 'b':* & 'c':*");
    expect(searchQuery("' & | ! ( ) :*")).toBeNull();
  });
});
