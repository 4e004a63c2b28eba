import { afterEach, describe, expect, it } from "vitest";
import { createLoadGauge, type LoadGauge } from "./loadGauge.js";

let gauge: LoadGauge | undefined;
afterEach(() => gauge?.stop());

describe("the load gauge", () => {
  it("reads busy from the number of interactions in flight, each counted once", () => {
    let now = 1_000;
    gauge = createLoadGauge({ maxInFlight: 2, now: () => now });
    expect(gauge.busy(now)).toBe(false);
    const first = gauge.enter();
    expect(gauge.busy(now)).toBe(false);
    const second = gauge.enter();
    expect(gauge.busy(now)).toBe(true);
    second();
    second();
    expect(gauge.reading().inFlight).toBe(1);
    expect(gauge.busy(now)).toBe(false);
    // Counted already, an interaction is not busy by itself; with more than 2 in flight it is.
    expect(gauge.busySince()).toBe(false);
    const third = gauge.enter();
    const fourth = gauge.enter();
    expect(gauge.busySince()).toBe(true);
    third();
    fourth();
    first();
    now += 5;
    expect(gauge.reading()).toEqual({ inFlight: 0, lagMs: 0 });
  });

  it("reads busy when an interaction arrives old: it already waited in a queue", () => {
    const now = 10_000;
    gauge = createLoadGauge({ maxAgeMs: 200, now: () => now });
    expect(gauge.busy(now - 199)).toBe(false);
    expect(gauge.busy(now - 200)).toBe(true);
  });

  it("reads busy while the event loop is late: the probe's tick is overdue", () => {
    let now = 0;
    gauge = createLoadGauge({ maxLagMs: 40, probeMs: 20, now: () => now });
    expect(gauge.busy(now)).toBe(false);
    now = 30;
    expect(gauge.busy(now)).toBe(false);
    // Nothing ran for 100 ms (the clock moved, the probe's timer could not): the loop is 80 ms late.
    now = 100;
    expect(gauge.reading().lagMs).toBe(80);
    expect(gauge.busy(now)).toBe(true);
  });
});
