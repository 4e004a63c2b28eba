import { readFileSync } from "node:fs";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createLlmDigester } from "../../src/digest/llmDigester.js";
import { produceDigest } from "../../src/digest/produceDigest.js";
import { createMessagesProvider } from "../../src/llm/messagesProvider.js";
import { loadPromptSet, type PromptSet } from "../../src/llm/promptFiles.js";
import { DATAMARK } from "../../src/llm/spotlight.js";
import { type FakeAnthropicApi, jsonReply, startFakeAnthropicApi } from "../fakes/anthropicApi.js";
import { type FixtureName, fixtureInput, fixturePath } from "./support/fixtures.js";

// The digest over a model: the real SDK, the real prompts, the local fake Messages API answering with recorded
// digests (or with broken ones).

const recorded = (name: FixtureName) =>
  JSON.parse(readFileSync(fixturePath("recorded", name), "utf8")) as Record<string, unknown>;

let api: FakeAnthropicApi;
let prompt: PromptSet;
const anthropic = () =>
  createMessagesProvider({
    kind: "anthropic",
    baseUrl: api.url,
    apiKey: "k",
    model: "claude-sonnet-5-5",
    timeoutMs: 10_000,
    maxRetries: 0,
  });

beforeAll(async () => {
  api = await startFakeAnthropicApi();
  prompt = await loadPromptSet("digest", "v1");
});
afterAll(() => api.close());
beforeEach(() => {
  api.reset();
});

describe("LLM digester", () => {
  it("sends instructions in the cached system prompt and the proposal as delimited, datamarked data", async () => {
    const input = fixtureInput("harbor-hip-42");
    api.script(jsonReply(recorded("harbor-hip-42")));
    const outcome = await produceDigest(createLlmDigester({ llm: anthropic(), prompt }), input);
    expect(outcome).toMatchObject({ ok: true, assessment: { flagged: false, unreliable: false, confidence: 0.8 } });

    const [request] = api.requests;
    const system = request?.body.system as { text: string; cache_control?: unknown }[];
    expect(system).toHaveLength(2);
    expect(system.every((b) => b.cache_control !== undefined)).toBe(true);
    expect(system[0]?.text).toBe(readFileSync("prompts/digest/v1/system.md", "utf8"));
    for (const dimension of input.taxonomy) expect(system[1]?.text).toContain(`\`${dimension.id}\``);

    const user = request?.userText ?? "";
    const nonce = /<proposal-([0-9a-f]{12})>/.exec(user)?.[1];
    expect(user).toContain(`</proposal-${nonce}>`);
    expect(user).toContain(`<forum-${nonce}>`);
    expect(user).not.toContain("This proposal funds a standing");
    expect(user).toContain(["This", "proposal", "funds", "a", "standing"].join(DATAMARK));
    expect(user).toContain(`url="https://forum.harbor.example/t/hip-42-standing-security-reviews/812/2"`);
    // The structured-output schema pins dimensions to the space's taxonomy.
    expect(JSON.stringify(request?.body.output_config?.format?.schema)).toContain('"enum":["decentralization"');
  });

  it("reads the cached prefix on the next proposal of the same space", async () => {
    const digester = createLlmDigester({ llm: anthropic(), prompt });
    api.script(jsonReply(recorded("lumen-lip-17")), jsonReply(recorded("snapshotjs-yip-63")));
    await produceDigest(digester, fixtureInput("lumen-lip-17"));
    const second = await produceDigest(digester, fixtureInput("snapshotjs-yip-63"));
    expect(second.usage.cacheReadTokens).toBeGreaterThan(1_000);
    expect(second.usage.cacheWriteTokens).toBe(0);
  });

  it("gives no digest, never a default, for a refusal, a truncated answer or a schema miss", async () => {
    const digester = createLlmDigester({ llm: anthropic(), prompt });
    const input = fixtureInput("lumen-lip-17");
    const good = recorded("lumen-lip-17");
    api.script(
      jsonReply(good, "refusal"),
      jsonReply(good, "max_tokens"),
      jsonReply({ ...good, tldr: "x".repeat(281) }),
      jsonReply({ ...good, impacts: [{ choice: 1, dimension: "vibes", impact: 2, reason: "r", evidence: null }] }),
      jsonReply({ ...good, extractive: true, confidence: 2 }),
    );
    const reasons = [];
    for (let i = 0; i < 5; i++) {
      const outcome = await produceDigest(digester, input);
      expect(outcome.ok).toBe(false);
      if (!outcome.ok) reasons.push(outcome.reason);
      expect(outcome.usage.outputTokens).toBeGreaterThan(0);
    }
    expect(reasons).toEqual(["refusal", "max_tokens", "schema_miss", "schema_miss", "schema_miss"]);
  });

  it("drops an impact on a choice that does not exist, keeping the rest of the answer", async () => {
    const good = recorded("lumen-lip-17");
    const impacts = [
      ...(good.impacts as object[]),
      { choice: 7, dimension: "security_risk", impact: 2, reason: "r", evidence: null },
    ];
    api.script(jsonReply({ ...good, impacts }));
    const outcome = await produceDigest(createLlmDigester({ llm: anthropic(), prompt }), fixtureInput("lumen-lip-17"));
    expect(outcome.ok && outcome.findings.evidence).toEqual([
      { path: "impacts[4]", problem: "invalid_choice", detail: "choice 7", action: "dropped" },
    ]);
  });

  it("tells a local model the schema in the prompt, and costs nothing", async () => {
    const llm = createMessagesProvider({
      kind: "local",
      baseUrl: api.url,
      apiKey: undefined,
      model: "llama3.1:8b",
      timeoutMs: 10_000,
      maxRetries: 0,
    });
    api.script(jsonReply(recorded("lumen-lip-17")));
    const outcome = await produceDigest(createLlmDigester({ llm, prompt }), fixtureInput("lumen-lip-17"));
    expect(outcome).toMatchObject({ ok: true, costUsd: 0, producer: { provider: "local", model: "llama3.1:8b" } });
    expect(api.requests[0]?.userText).toContain("It must match this JSON Schema:");
  });

  it("reads a bounded amount of a very long proposal, says so, and is less sure", async () => {
    const input = fixtureInput("lumen-lip-17");
    api.script(jsonReply(recorded("lumen-lip-17")));
    const digester = createLlmDigester({ llm: anthropic(), prompt, maxBodyChars: 800 });
    const outcome = await produceDigest(digester, input);
    expect(outcome.findings.notes).toEqual([
      `body_truncated: the model read 800 of ${input.proposal.body.length} characters`,
    ]);
    expect(outcome.ok && outcome.assessment.confidence).toBeCloseTo(0.75 * 0.8, 6);
  });
});
