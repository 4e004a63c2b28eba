import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { vetoSchedule } from "./vetoSchedule.js";

const at = (iso: string) => new Date(iso);

describe("vetoSchedule", () => {
  it("casts when the full window has passed, if the proposal is open long enough", () => {
    const s = vetoSchedule({
      announcedAt: at("2026-11-24T10:00:00Z"),
      vetoWindowSeconds: 86_400,
      endAt: at("2026-11-30T00:00:00Z"),
      safetyMarginSeconds: 600,
    });
    expect(s).toEqual({
      castsAt: at("2026-11-25T10:00:00Z"),
      lastCastAt: at("2026-11-29T23:50:00Z"),
      shrunk: false,
      tooLate: false,
    });
  });

  it("shrinks the window to what is left before the end minus the margin, and says so", () => {
    const s = vetoSchedule({
      announcedAt: at("2026-11-24T10:00:00Z"),
      vetoWindowSeconds: 86_400,
      endAt: at("2026-11-24T12:00:00Z"),
      safetyMarginSeconds: 600,
    });
    expect(s.castsAt).toEqual(at("2026-11-24T11:50:00Z"));
    expect(s.shrunk).toBe(true);
    expect(s.tooLate).toBe(false);
  });

  it("says too late when the end minus the margin is already past", () => {
    const s = vetoSchedule({
      announcedAt: at("2026-11-24T11:55:00Z"),
      vetoWindowSeconds: 30,
      endAt: at("2026-11-24T12:00:00Z"),
      safetyMarginSeconds: 600,
    });
    expect(s.tooLate).toBe(true);
    expect(s.shrunk).toBe(true);
  });

  it("never casts after the last moment and never before the announcement when there is time", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10 ** 9 }),
        fc.integer({ min: 30, max: 30 * 86_400 }),
        fc.integer({ min: 0, max: 60 * 86_400 }),
        fc.integer({ min: 0, max: 3_600 }),
        (announced, window, openFor, margin) => {
          const announcedAt = new Date(announced * 1_000);
          const s = vetoSchedule({
            announcedAt,
            vetoWindowSeconds: window,
            endAt: new Date((announced + openFor) * 1_000),
            safetyMarginSeconds: margin,
          });
          expect(s.castsAt.getTime()).toBeLessThanOrEqual(s.lastCastAt.getTime());
          if (!s.tooLate) expect(s.castsAt.getTime()).toBeGreaterThan(announcedAt.getTime());
          if (!s.shrunk) expect(s.castsAt.getTime()).toBe(announcedAt.getTime() + window * 1_000);
        },
      ),
    );
  });
});
