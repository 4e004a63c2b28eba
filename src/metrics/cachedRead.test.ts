import { describe, expect, it } from "vitest";
import { cachedRead, ReadTimeoutError } from "./cachedRead.js";

describe("cachedRead", () => {
  it("reuses an answer within its time to live and reads again after it", async () => {
    let clock = 0;
    let reads = 0;
    const read = cachedRead(async () => ++reads, { what: "x", ttlMs: 5_000, timeoutMs: 1_000, now: () => clock });
    expect(await read()).toBe(1);
    clock = 4_999;
    expect(await read()).toBe(1);
    clock = 5_000;
    expect(await read()).toBe(2);
  });

  it("shares one read among callers while it is in flight, even with no caching at all", async () => {
    let reads = 0;
    let finish: (value: number) => void = () => undefined;
    const read = cachedRead(
      () => {
        reads += 1;
        return new Promise<number>((resolve) => {
          finish = resolve;
        });
      },
      { what: "x", ttlMs: 0, timeoutMs: 5_000 },
    );
    const callers = [read(), read(), read()];
    finish(7);
    expect(await Promise.all(callers)).toEqual([7, 7, 7]);
    expect(reads).toBe(1);
  });

  it("gives up on a hung read with a typed error and keeps waiting on that one read, not a new one", async () => {
    let reads = 0;
    const hung = new Promise<number>(() => undefined);
    const read = cachedRead(
      async () => {
        reads += 1;
        return hung;
      },
      { what: "the test read", ttlMs: 0, timeoutMs: 20 },
    );
    await expect(read()).rejects.toThrow(new ReadTimeoutError("the test read", 20));
    await expect(read()).rejects.toBeInstanceOf(ReadTimeoutError);
    expect(reads).toBe(1);
  });

  it("tries again after a failed read", async () => {
    let reads = 0;
    const read = cachedRead(
      async () => {
        reads += 1;
        if (reads === 1) throw new Error("refused");
        return reads;
      },
      { what: "x", ttlMs: 60_000, timeoutMs: 1_000 },
    );
    await expect(read()).rejects.toThrow("refused");
    expect(await read()).toBe(2);
  });
});
