import { describe, expect, it } from "vitest";
import { problemsOf } from "../../test/support/configProblems.js";
import { loadConfig } from "./loadConfig.js";

describe("llm", () => {
  it("defaults to offline without a key", () => {
    expect(loadConfig({}).llm).toEqual({
      provider: "offline",
      model: "claude-sonnet-5-5",
      timeoutMs: 60_000,
      maxRetries: 2,
    });
  });

  it("defaults to anthropic when a key is set", () => {
    const { llm } = loadConfig({ ANTHROPIC_API_KEY: "sk-ant-test-0123456789" });
    expect(llm.provider).toBe("anthropic");
    if (llm.provider !== "anthropic") return;
    expect(llm.apiKey.reveal()).toBe("sk-ant-test-0123456789");
    expect(llm.baseUrl).toBe("https://api.anthropic.com");
  });

  it("takes ANTHROPIC_BASE_URL, model, timeout and retries", () => {
    const { llm } = loadConfig({
      ANTHROPIC_API_KEY: "sk-ant-test-0123456789",
      ANTHROPIC_BASE_URL: "http://127.0.0.1:4040/",
      LLM_MODEL: "claude-haiku-4-5",
      LLM_TIMEOUT_MS: "500",
      LLM_MAX_RETRIES: "0",
    });
    expect(llm).toMatchObject({
      provider: "anthropic",
      baseUrl: "http://127.0.0.1:4040",
      model: "claude-haiku-4-5",
      timeoutMs: 500,
      maxRetries: 0,
    });
  });

  it("takes LLM_EFFORT from its fixed words and names the variable otherwise", () => {
    expect(loadConfig({ LLM_EFFORT: "high" }).llm.effort).toBe("high");
    expect(loadConfig({}).llm.effort).toBeUndefined();
    expect(problemsOf({ LLM_EFFORT: "extreme" })).toEqual([
      'LLM_EFFORT must be one of low, medium, high, xhigh, max, got "extreme"',
    ]);
  });

  it("stays offline when asked to, even with a key", () => {
    expect(loadConfig({ LLM_PROVIDER: "offline", ANTHROPIC_API_KEY: "sk-ant-test-0123456789" }).llm.provider).toBe(
      "offline",
    );
  });

  it("uses LLM_BASE_URL for a local server, with the key optional", () => {
    const { llm } = loadConfig({ LLM_PROVIDER: "local", LLM_BASE_URL: "http://127.0.0.1:8080" });
    expect(llm).toMatchObject({ provider: "local", baseUrl: "http://127.0.0.1:8080", apiKey: undefined });
  });

  it("requires a key for anthropic and a base URL for local", () => {
    expect(problemsOf({ LLM_PROVIDER: "anthropic" })).toEqual([
      "ANTHROPIC_API_KEY is required when LLM_PROVIDER is anthropic (or set ANTHROPIC_API_KEY_FILE)",
    ]);
    expect(problemsOf({ LLM_PROVIDER: "local" })).toEqual([
      "LLM_BASE_URL is required when LLM_PROVIDER is local (the Anthropic-compatible server's base URL)",
    ]);
  });
});
