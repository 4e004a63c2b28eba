import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { LlmError } from "../../src/llm/llmError.js";
import type { LlmProvider, StructuredRequest } from "../../src/llm/llmProvider.js";
import { createMessagesProvider, UnpricedModelError } from "../../src/llm/messagesProvider.js";
import { errorReply, type FakeAnthropicApi, jsonReply, startFakeAnthropicApi } from "../fakes/anthropicApi.js";

// The real @anthropic-ai/sdk against the local fake Messages API: every path below goes through the SDK's own HTTP,
// retry and timeout code.

const answerSchema = z.object({ answer: z.string().max(12), score: z.number().int().min(1).max(3) });
type Answer = z.infer<typeof answerSchema>;

const request = (overrides: Partial<StructuredRequest<Answer>> = {}): StructuredRequest<Answer> => ({
  purpose: "test",
  promptVersion: "test@1",
  system: [
    { text: "You answer in JSON.", cache: true },
    { text: "Scores run from 1 to 3.", cache: true },
  ],
  user: "<data>ˆquestionˆ</data>",
  schema: answerSchema,
  maxOutputTokens: 256,
  ...overrides,
});

let api: FakeAnthropicApi;
let provider: LlmProvider;
// A patient provider for answers that come at once (a loaded machine must not turn them into timeouts), and an
// impatient one for the timeout tests.
let impatient: LlmProvider;
const SHORT_TIMEOUT_MS = 2_500;
const SLOW_MS = 20_000;
beforeAll(async () => {
  api = await startFakeAnthropicApi();
});
afterAll(() => api.close());
beforeEach(() => {
  api.reset();
  provider = createMessagesProvider({
    kind: "anthropic",
    baseUrl: api.url,
    apiKey: "test-key",
    model: "claude-sonnet-5-5",
    timeoutMs: 10_000,
    maxRetries: 2,
    effort: "low",
  });
  impatient = createMessagesProvider({
    kind: "anthropic",
    baseUrl: api.url,
    apiKey: "test-key",
    model: "claude-sonnet-5-5",
    timeoutMs: SHORT_TIMEOUT_MS,
    maxRetries: 2,
  });
});

describe("messages provider (real SDK, fake API)", () => {
  it("returns a valid structured answer with its usage and cost, and sends cached system blocks", async () => {
    api.script(jsonReply({ answer: "yes", score: 2 }));
    const outcome = await provider.structured(request());
    expect(outcome).toMatchObject({ ok: true, value: { answer: "yes", score: 2 }, model: "claude-sonnet-5-5" });
    expect(outcome.usage.inputTokens).toBeGreaterThan(0);
    expect(outcome.usage.outputTokens).toBe(Math.ceil(JSON.stringify({ answer: "yes", score: 2 }).length / 4));
    expect(outcome.costUsd).toBeGreaterThan(0);

    const sent = api.requests[0]?.body;
    expect(sent?.system).toEqual([
      { type: "text", text: "You answer in JSON.", cache_control: { type: "ephemeral" } },
      { type: "text", text: "Scores run from 1 to 3.", cache_control: { type: "ephemeral" } },
    ]);
    expect(sent?.output_config?.effort).toBe("low");
    expect(sent?.output_config?.format?.type).toBe("json_schema");
    expect(sent?.max_tokens).toBe(256);
  });

  it("reports a schema miss when the answer breaks a constraint the API does not enforce", async () => {
    api.script(jsonReply({ answer: "far too long an answer", score: 7 }));
    const outcome = await provider.structured(request());
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.reason).toBe("schema_miss");
    expect(outcome.detail).toMatch(/answer/);
    expect(outcome.detail).toMatch(/score/);
    // The call still cost money, and says so.
    expect(outcome.costUsd).toBeGreaterThan(0);
  });

  it("reports non-JSON text as a schema miss", async () => {
    api.script({ kind: "message", text: "Sure! Here is my answer: yes" });
    await expect(provider.structured(request())).resolves.toMatchObject({ ok: false, reason: "schema_miss" });
  });

  it("treats a refusal as no answer even when its text would parse", async () => {
    api.script(jsonReply({ answer: "yes", score: 3 }, "refusal"));
    await expect(provider.structured(request())).resolves.toMatchObject({ ok: false, reason: "refusal" });
  });

  it("treats max_tokens as no answer even when the truncated text would parse", async () => {
    api.script(jsonReply({ answer: "yes", score: 3 }, "max_tokens"));
    await expect(provider.structured(request())).resolves.toMatchObject({ ok: false, reason: "max_tokens" });
  });

  it("waits out a 429 with retry-after, then succeeds", async () => {
    api.script(errorReply(429, 0.2), jsonReply({ answer: "ok", score: 1 }));
    const started = Date.now();
    await expect(provider.structured(request())).resolves.toMatchObject({ ok: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(api.requests).toHaveLength(2);
  });

  it("waits out a 529 (overloaded) with retry-after, then succeeds", async () => {
    api.script(errorReply(529, 0.1), errorReply(529, 0.1), jsonReply({ answer: "ok", score: 1 }));
    await expect(provider.structured(request())).resolves.toMatchObject({ ok: true });
    expect(api.requests).toHaveLength(3);
  });

  it("gives up after the retry bound with a transient, typed error", async () => {
    api.script(errorReply(429, 0.05), errorReply(429, 0.05), errorReply(429, 0.05));
    const error = await provider.structured(request()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LlmError);
    expect(error).toMatchObject({ kind: "rate_limited", status: 429, transient: true });
    expect(api.requests).toHaveLength(3);
  });

  it("does not retry a refused credential", async () => {
    api.script({ kind: "error", status: 401, errorType: "authentication_error", message: "invalid x-api-key" });
    const error = await provider.structured(request()).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: "auth", transient: false });
    expect(api.requests).toHaveLength(1);
  });

  it("times a slow answer out, retries, and succeeds when the next answer is prompt", async () => {
    api.script(
      { kind: "slow", delayMs: SLOW_MS, reply: jsonReply({ answer: "slow", score: 1 }) },
      jsonReply({ answer: "fast", score: 1 }),
    );
    await expect(impatient.structured(request())).resolves.toMatchObject({ ok: true, value: { answer: "fast" } });
    expect(api.requests).toHaveLength(2);
  });

  it("fails with a timeout when every attempt is too slow", async () => {
    const slow = { kind: "slow", delayMs: SLOW_MS, reply: jsonReply({ answer: "slow", score: 1 }) } as const;
    api.script(slow, slow, slow);
    const started = Date.now();
    const error = await impatient.structured(request()).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: "timeout", transient: true });
    expect(api.requests).toHaveLength(3);
    // Three attempts of 2.5 s plus two backoffs (0.5 s and 1 s at most), well before any answer would come: bounded.
    expect(Date.now() - started).toBeLessThan(SLOW_MS);
  });

  it("retries a dropped connection", async () => {
    api.script({ kind: "drop" }, jsonReply({ answer: "back", score: 2 }));
    await expect(provider.structured(request())).resolves.toMatchObject({ ok: true, value: { answer: "back" } });
    expect(api.requests).toHaveLength(2);
  });

  it("fails with a connection error when the connection keeps dropping", async () => {
    api.script({ kind: "drop" }, { kind: "drop" }, { kind: "drop" });
    await expect(provider.structured(request())).rejects.toMatchObject({ kind: "connection", transient: true });
  });

  it("stops when its job's signal aborts", async () => {
    api.script({ kind: "slow", delayMs: SLOW_MS, reply: jsonReply({ answer: "x", score: 1 }) });
    const controller = new AbortController();
    const call = provider.structured(request({ signal: controller.signal }));
    // Abort while the request is in flight (the job's timeout firing mid-call).
    while (api.requests.length === 0) await new Promise((r) => setTimeout(r, 10));
    controller.abort();
    await expect(call).rejects.toMatchObject({ kind: "aborted", transient: false });
  });

  it("refuses to run an Anthropic model it cannot price, and runs a local one for free", () => {
    expect(() =>
      createMessagesProvider({
        kind: "anthropic",
        baseUrl: api.url,
        apiKey: "k",
        model: "mystery-1",
        timeoutMs: 1,
        maxRetries: 0,
      }),
    ).toThrow(UnpricedModelError);
    const local = createMessagesProvider({
      kind: "local",
      baseUrl: api.url,
      apiKey: undefined,
      model: "llama3.1:8b",
      timeoutMs: 10_000,
      maxRetries: 0,
    });
    expect(local.needsSchemaInPrompt).toBe(true);
  });

  it("serves a local model through the same SDK, without a key, at no cost", async () => {
    const local = createMessagesProvider({
      kind: "local",
      baseUrl: api.url,
      apiKey: undefined,
      model: "llama3.1:8b",
      timeoutMs: 10_000,
      maxRetries: 0,
    });
    api.script(jsonReply({ answer: "local", score: 1 }));
    await expect(local.structured(request())).resolves.toMatchObject({ ok: true, costUsd: 0, model: "llama3.1:8b" });
  });
});
