import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_TAXONOMY } from "../../src/values/taxonomy.js";
import { type FakeAnthropicApi, jsonReply, startFakeAnthropicApi } from "../fakes/anthropicApi.js";
import { runTribune } from "../support/tribuneCommand.js";

// `tribune profile compile` with an Anthropic key configured: the real entry point in a child process, the real SDK
// inside it, talking to the local fake API in this process.

let api: FakeAnthropicApi;
beforeAll(async () => {
  api = await startFakeAnthropicApi();
});
afterAll(() => api.close());

const tribune = (...args: string[]) =>
  runTribune(args, { ANTHROPIC_API_KEY: "sk-ant-fake", ANTHROPIC_BASE_URL: api.url, LLM_MAX_RETRIES: "0" });

const weights = Object.fromEntries(DEFAULT_TAXONOMY.map((d) => [d.id, d.id === "security_risk" ? 5 : 0]));
const good = {
  weights,
  because: [{ dimension: "security_risk", words: "Security above all" }],
  rules: [],
  whenUnsure: "ask",
  contradictions: [],
  notes: [],
};

// Each run starts Node with tsx and loads every command: seconds apiece.
describe("tribune profile compile with a model configured", { timeout: 120_000 }, () => {
  it("compiles with the model and prints the profile decide reads", async () => {
    api.reset();
    api.script(jsonReply(good));
    const run = await tribune("profile", "compile", "Security above all.");
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      ok: true,
      compiledBy: "anthropic:claude-sonnet-5-5@profile/v1",
      profile: { weights, rules: { rules: [], whenUnsure: "ask" } },
      because: { security_risk: ["Security above all"] },
    });
    expect(api.requests).toHaveLength(1);
  });

  it("prints a clear failure when the model refuses", async () => {
    api.reset();
    api.script(jsonReply(good, "refusal"));
    const run = await tribune("profile", "compile", "Security above all.");
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: false, problem: "invalid_output" });
    expect(run.stderr).toMatch(/^tribune profile: The language model declined/);
  });
});
