import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Secret } from "../../../src/config/secret.js";
import { createTallyClient, type TallyClient, tallyGovernorId } from "../../../src/sources/tally/tallyClient.js";
import {
  TallyAuthError,
  TallyInvalidAnswerError,
  TallyRateLimitedError,
  TallyUnavailableError,
} from "../../../src/sources/tally/tallyErrors.js";
import { FakeTallyApi } from "../../fakes/tallyApi.js";

// The real graphql-request client against a local GraphQL server speaking Tally's schema.

const KEY = "tally-test-key";
const GOVERNOR = tallyGovernorId(1, "0x408ED6354d4973f66138C91495F2f2FCbd8724C3");
let api: FakeTallyApi;
let url: string;
let waits: number[];

const client = (apiKey = KEY): TallyClient =>
  createTallyClient({
    url,
    apiKey: new Secret(apiKey),
    timeoutMs: 2_000,
    sleep: async (ms) => {
      waits.push(ms);
    },
  });

beforeAll(async () => {
  api = new FakeTallyApi(KEY);
  url = await api.listen();
  // 45 proposals with ids past 2^53, so a JSON number would have lost their last digits.
  for (let i = 0; i < 45; i += 1) {
    api.proposals.push({
      id: (2216829196431228800n + BigInt(i)).toString(),
      governorId: GOVERNOR,
      onchainId: String(i + 1),
      status: i % 2 === 0 ? "executed" : "active",
      title: `Proposal ${i + 1}`,
      description: `# Proposal ${i + 1}\n\nBody.`,
      start: new Date(Date.UTC(2026, 0, 1 + i)),
      end: new Date(Date.UTC(2026, 0, 8 + i)),
      proposer: "0x00000000000000000000000000000000000000aa",
    });
  }
  api.delegatesPerPage = 1;
});

afterAll(async () => {
  await api.close();
});

beforeEach(() => {
  waits = [];
  api.requests.length = 0;
});

describe("the Tally client", () => {
  it("pages with cursors, 20 at most, newest first, sending the Api-Key header", async () => {
    const c = client();
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await c.proposalsPage({ governorId: GOVERNOR, afterCursor: cursor, limit: 50 });
      seen.push(...page.proposals.map((p) => p.id));
      cursor = page.lastCursor;
    } while (cursor !== null);
    expect(seen).toHaveLength(45);
    expect(seen[0]).toBe("2216829196431228844");
    expect(seen.at(-1)).toBe("2216829196431228800");
    expect(new Set(seen).size).toBe(45);
    expect(api.requests.map((r) => r.apiKey)).toEqual([KEY, KEY, KEY]);
    expect(api.requests[0]?.variables).toEqual({
      input: {
        filters: { governorId: GOVERNOR },
        page: { limit: 20 },
        sort: { sortBy: "id", isDescending: true },
      },
    });
  });

  it("keeps 64-bit ids as strings and skips nodes that are not proposals", async () => {
    const page = await client().proposalsPage({ governorId: GOVERNOR, limit: 2 });
    expect(page.proposals.map((p) => p.id)).toEqual(["2216829196431228844", "2216829196431228843"]);
    expect(typeof page.proposals[0]?.id).toBe("string");
  });

  it("waits out a 429's Retry-After, then succeeds", async () => {
    api.fail({ kind: "429", retryAfterSeconds: 3 });
    const page = await client().proposalsPage({ governorId: GOVERNOR, limit: 1 });
    expect(page.proposals).toHaveLength(1);
    expect(waits).toEqual([3_000]);
    expect(api.requests).toHaveLength(2);
  });

  it("gives up after its bounded retries with a typed error", async () => {
    api.fail({ kind: "429", retryAfterSeconds: 1 });
    api.fail({ kind: "429", retryAfterSeconds: 1 });
    api.fail({ kind: "429", retryAfterSeconds: 1 });
    const error = await client()
      .proposalsPage({ governorId: GOVERNOR })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TallyRateLimitedError);
    expect((error as TallyRateLimitedError).retryAfterMs).toBe(1_000);
    expect(api.requests).toHaveLength(3);

    api.fail({ kind: "500" });
    api.fail({ kind: "500" });
    api.fail({ kind: "500" });
    await expect(client().proposalsPage({ governorId: GOVERNOR })).rejects.toBeInstanceOf(TallyUnavailableError);
  });

  it("refuses a malformed answer with a typed error, without retrying", async () => {
    api.fail({ kind: "malformed" });
    const error = await client()
      .proposalsPage({ governorId: GOVERNOR })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TallyInvalidAnswerError);
    expect(api.requests).toHaveLength(1);
  });

  it("names a refused key, without retrying", async () => {
    await expect(client("wrong").proposalsPage({ governorId: GOVERNOR })).rejects.toBeInstanceOf(TallyAuthError);
    expect(api.requests).toHaveLength(1);
  });
});
