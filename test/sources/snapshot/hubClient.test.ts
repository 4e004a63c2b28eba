import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { Secret } from "../../../src/config/secret.js";
import { createHubClient, type HubClientOptions } from "../../../src/sources/snapshot/hubClient.js";
import {
  HubAuthError,
  HubInvalidAnswerError,
  HubLimitExceededError,
  HubMalformedResponseError,
  HubPartialAnswerError,
  HubQueryRejectedError,
  HubRateLimitedError,
  HubTimeoutError,
  HubUnavailableError,
} from "../../../src/sources/snapshot/hubErrors.js";
import { listQuery } from "../../../src/sources/snapshot/hubRequest.js";
import { feedHeadRequest } from "../../../src/sources/snapshot/operations/feedHead.js";
import { proposalFeedRequest } from "../../../src/sources/snapshot/operations/proposalFeed.js";
import { createRateLimiter } from "../../../src/sources/snapshot/rateLimiter.js";
import { FakeSnapshotHub } from "../../fakes/snapshotHub.js";
import { plainProposal } from "./hubFixtures.js";

let hub: FakeSnapshotHub;
let url: string;
const waits: number[] = [];

beforeEach(async () => {
  hub = new FakeSnapshotHub();
  url = await hub.listen();
  waits.length = 0;
  hub.createProposal(plainProposal("aave.eth", 1));
});
afterEach(() => hub.close());

/** A client whose waits are recorded and skipped, so retry timing is asserted exactly without slowing the suite. */
function client(options: Partial<HubClientOptions> = {}) {
  return createHubClient({
    url,
    timeoutMs: 2_000,
    sleep: async (ms) => {
      waits.push(ms);
    },
    ...options,
  });
}

const feed = () => proposalFeedRequest({ afterMci: 0, spaceBatches: [["aave.eth"], ["ens.eth"]], since: 1 });

describe("Snapshot hub client", () => {
  it("reads and validates an answer, sending the API key as x-api-key", async () => {
    hub.apiKeys = ["good-key"];
    const answer = await client({ apiKey: new Secret("good-key") }).send(feed());
    expect(answer.feed).toEqual([expect.objectContaining({ type: "proposal", space: "aave.eth", mci: 1 })]);
    expect(answer.recent.map((p) => p.title)).toEqual(["[aave.eth] Fund the grants round #1"]);
    expect(hub.requests[0]).toMatchObject({ apiKey: "good-key", operationName: "proposalFeed", status: 200 });
  });

  it("fails at once with HubAuthError on a bad key (401 invalid api key)", async () => {
    hub.apiKeys = ["good-key"];
    const error = await client({ apiKey: new Secret("stale-key") })
      .send(feedHeadRequest())
      .catch((e) => e);
    expect(error).toBeInstanceOf(HubAuthError);
    expect(error.message).toContain("invalid api key");
    expect(hub.requestCount()).toBe(1);
  });

  it("waits out a 429's Retry-After, then succeeds", async () => {
    hub.faults.push({ kind: "status", status: 429, retryAfter: "7" });
    expect(await client().send(feedHeadRequest())).toBe(1);
    expect(waits).toEqual([7_000]);
    expect(hub.requestCount()).toBe(2);
  });

  it("gives a 429 whose Retry-After is too long back to the caller, and holds the limiter meanwhile", async () => {
    let clock = 1_000_000;
    const limiter = createRateLimiter({
      requests: 60,
      now: () => clock,
      sleep: async (ms) => {
        clock += ms;
      },
    });
    hub.faults.push({ kind: "status", status: 429, retryAfter: "120" });
    const error = await client({ rateLimiter: limiter, now: () => clock })
      .send(feedHeadRequest())
      .catch((e) => e);
    expect(error).toBeInstanceOf(HubRateLimitedError);
    expect(error.retryAfterMs).toBe(120_000);
    const before = clock;
    await limiter.acquire();
    expect(clock - before).toBe(120_000);
  });

  it("retries 500s a bounded number of times with backoff", async () => {
    hub.faults.push(
      { kind: "status", status: 500, body: "oops" },
      { kind: "status", status: 502, body: "bad gateway" },
    );
    expect(await client().send(feedHeadRequest())).toBe(1);
    expect(hub.requestCount()).toBe(3);
    expect(waits).toHaveLength(2);
    expect(waits[1]).toBeGreaterThan(waits[0] as number);

    hub.faults.push(...Array.from({ length: 3 }, () => ({ kind: "status" as const, status: 503, body: "down" })));
    const error = await client()
      .send(feedHeadRequest())
      .catch((e) => e);
    expect(error).toBeInstanceOf(HubUnavailableError);
    expect(error.status).toBe(503);
    expect(hub.requestCount()).toBe(6);
  });

  it("times a slow hub out per request, retries, and reports HubTimeoutError when it stays slow", async () => {
    // 2 s per request: time enough for the prompt retry on a loaded machine, far less than the slow hub's 8 s.
    hub.faults.push({ kind: "delay", ms: 8_000 });
    expect(await client({ timeoutMs: 2_000 }).send(feedHeadRequest())).toBe(1);
    expect(hub.requestCount()).toBe(2);

    hub.faults.push(...Array.from({ length: 3 }, () => ({ kind: "delay" as const, ms: 8_000 })));
    const started = Date.now();
    const error = await client({ timeoutMs: 2_000 })
      .send(feedHeadRequest())
      .catch((e) => e);
    expect(error).toBeInstanceOf(HubTimeoutError);
    expect(error.timeoutMs).toBe(2_000);
    // Three attempts cut at two seconds each, not even one wait for the slow hub's eight seconds.
    expect(Date.now() - started).toBeLessThan(12_000);
  });

  it("turns malformed JSON into HubMalformedResponseError without retrying", async () => {
    hub.faults.push({ kind: "malformed" });
    await expect(client().send(feed())).rejects.toBeInstanceOf(HubMalformedResponseError);
    expect(hub.requestCount()).toBe(1);
  });

  it("refuses a partial answer (one root field failed) as a whole", async () => {
    hub.faults.push({ kind: "partial" });
    const error = await client()
      .send(feed())
      .catch((e) => e);
    expect(error).toBeInstanceOf(HubPartialAnswerError);
    expect(error.failedFields).toEqual(["feed"]);
  });

  it("refuses an answer of the wrong shape with HubInvalidAnswerError naming the field", async () => {
    hub.faults.push({
      kind: "tamper",
      mutate: (data) => {
        const [first] = data.created0 as Record<string, unknown>[];
        if (first) first.created = "yesterday";
      },
    });
    const error = await client()
      .send(feed())
      .catch((e) => e);
    expect(error).toBeInstanceOf(HubInvalidAnswerError);
    expect(error.issues).toContain("created0.0.created");
  });

  it("reports the hub's caps as HubLimitExceededError and a broken query as HubQueryRejectedError", async () => {
    const overCap = {
      operation: "overCap",
      ...listQuery("overCap", [
        {
          alias: "p",
          field: "proposals",
          first: 10,
          where: { id_in: Array.from({ length: 101 }, (_, i) => `0x${i}`) },
          selection: "id",
        },
      ]),
      answer: z.unknown(),
    };
    const capError = (await client()
      .send(overCap)
      .catch((e) => e)) as HubLimitExceededError;
    expect(capError).toBeInstanceOf(HubLimitExceededError);
    expect(capError.messages).toEqual(["The `id_in` argument must not be greater than 100"]);

    const typo = {
      operation: "typo",
      document: "query typo { proposals { id titel } }",
      variables: {},
      answer: z.unknown(),
    };
    const typoError = (await client()
      .send(typo)
      .catch((e) => e)) as HubQueryRejectedError;
    expect(typoError).toBeInstanceOf(HubQueryRejectedError);
    expect(typoError.status).toBe(400);
    expect(typoError.message).toContain('Cannot query field "titel"');
    expect(hub.requestCount()).toBe(2);
  });

  it("reports a hub that is not there as HubUnavailableError after its retries", async () => {
    await hub.close();
    const error = await client({ url })
      .send(feedHeadRequest())
      .catch((e) => e);
    expect(error).toBeInstanceOf(HubUnavailableError);
    expect(error.status).toBeNull();
    expect(waits).toHaveLength(2);
  });
});

describe("rate limiter", () => {
  it("never lets more than the budget through in any window, however many callers share it", async () => {
    let clock = 0;
    const limiter = createRateLimiter({
      requests: 3,
      windowMs: 1_000,
      now: () => clock,
      sleep: async (ms) => {
        clock += ms;
      },
    });
    const granted: number[] = [];
    for (let i = 0; i < 7; i += 1) {
      await limiter.acquire();
      granted.push(clock);
    }
    expect(granted).toEqual([0, 0, 0, 1_000, 1_000, 1_000, 2_000]);
    for (const t of granted) expect(granted.filter((g) => g > t - 1_000 && g <= t).length).toBeLessThanOrEqual(3);
  });
});
