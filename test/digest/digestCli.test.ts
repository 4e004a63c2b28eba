import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { digestFindingsSchema } from "../../src/digest/digestFindings.js";
import { digestSchema } from "../../src/digest/digestSchema.js";
import { type FakeAnthropicApi, jsonReply, startFakeAnthropicApi } from "../fakes/anthropicApi.js";
import { runTribune } from "../support/tribuneCommand.js";
import { fixturePath } from "./support/fixtures.js";

// `npx tribune digest` as a user runs it: a child process through bin/tribune.mjs, offline by default, or against the
// local fake Messages API with the real SDK.

const tribune = (args: string[], env: Record<string, string> = {}) => runTribune(["digest", ...args], env);

let api: FakeAnthropicApi;
beforeAll(async () => {
  api = await startFakeAnthropicApi();
});
afterAll(() => api.close());

// Each run starts a TypeScript process; on a busy machine that takes seconds.
describe("tribune digest", { timeout: 90_000 }, () => {
  it("prints the offline digest of the real YIP-63 file, byte-identical from run to run", async () => {
    const file = fixturePath("proposals", "snapshotjs-yip-63");
    const [first, second] = await Promise.all([tribune([file]), tribune([file])]);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect(second.stdout).toBe(first.stdout);
    const output = JSON.parse(first.stdout);
    expect(output.proposal).toMatchObject({
      id: "draft",
      title: "YIP-63:  Add 20,000 $YAM tokens to the general expense fund.",
      link: null,
    });
    expect(output.producer).toMatchObject({ provider: "offline", model: "tribune-extractive", taxonomyVersion: 1 });
    expect(digestSchema.parse(output.digest).extractive).toBe(true);
    expect(digestFindingsSchema.parse(output.findings).screen).toEqual([]);
    expect(output.assessment).toEqual({ confidence: 0.3, flagged: false, unreliable: false });
    expect(output.noDigest).toBeNull();
  });

  it("reads the forum debate given with --forum and links the proposal on Snapshot", async () => {
    const result = await tribune([
      fixturePath("proposals", "lumen-lip-17"),
      "--forum",
      fixturePath("forum", "lumen-lip-17"),
    ]);
    expect(result.code).toBe(0);
    const output = JSON.parse(result.stdout);
    expect(output.proposal.link).toBe(
      "https://snapshot.org/#/lumenfi.eth/proposal/0x8b2e4d6f0a1c3e5b7d9f2a4c6e8b0d1f3a5c7e9b2d4f6a8c0e1b3d5f7a9c2e4b",
    );
    const quotedPosts = [...output.digest.arguments.for, ...output.digest.arguments.against].map(
      (a: { evidence: { source: { url?: string } } }) => a.evidence.source.url,
    );
    expect(quotedPosts).toContain("https://gov.lumen.example/t/lip-17-wsteth-ltv/1430/3");
  });

  it("uses the configured Anthropic-compatible server through the real SDK", async () => {
    api.script(jsonReply(JSON.parse(readFileSync(fixturePath("recorded", "lumen-lip-17"), "utf8"))));
    const result = await tribune(
      [fixturePath("proposals", "lumen-lip-17"), "--forum", fixturePath("forum", "lumen-lip-17")],
      {
        LLM_PROVIDER: "anthropic",
        ANTHROPIC_API_KEY: "sk-test-key-not-real",
        ANTHROPIC_BASE_URL: api.url,
      },
    );
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const output = JSON.parse(result.stdout);
    expect(output.producer).toMatchObject({ provider: "anthropic", model: "claude-sonnet-5-5" });
    expect(output.digest.extractive).toBe(false);
    expect(output.usage.costUsd).toBeGreaterThan(0);
  });

  it("exits 3 with the reason when the model gives no digest", async () => {
    api.script(jsonReply({}, "refusal"));
    const result = await tribune([fixturePath("proposals", "lumen-lip-17")], {
      LLM_PROVIDER: "anthropic",
      ANTHROPIC_API_KEY: "sk-test-key-not-real",
      ANTHROPIC_BASE_URL: api.url,
    });
    expect(result.code).toBe(3);
    expect(JSON.parse(result.stdout)).toMatchObject({ digest: null, noDigest: { reason: "refusal" } });
  });

  it("explains a bad invocation, a missing file and a malformed proposal", async () => {
    const [usage, missing, malformed] = await Promise.all([
      tribune([]),
      tribune(["/nonexistent/proposal.json"]),
      tribune([fixturePath("forum", "lumen-lip-17")]),
    ]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("Usage: npx tribune digest <proposal.json>");
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("Cannot read the proposal file /nonexistent/proposal.json");
    expect(malformed.code).toBe(1);
    expect(malformed.stderr).toContain("does not have the expected shape");
  });
});
