import { describe, expect, it } from "vitest";
import { demoSchema, isDemo, whyNotDemo } from "../../src/config/demo.js";
import { loadConfig } from "../../src/config/loadConfig.js";

const inputs = (env: Record<string, string>) => {
  const config = loadConfig(env);
  const demo = demoSchema.safeParse(env);
  if (!demo.success) throw new Error(demo.error.message);
  return { database: config.database, sources: config.sources, demo: demo.data };
};

describe("when it is the demo", () => {
  it("is the demo with nothing configured, and not once anything real is", () => {
    expect(isDemo(inputs({}))).toBe(true);
    expect(whyNotDemo(inputs({}))).toBeNull();
    // Discord, an LLM or a port do not make real work: the demo still runs (and posts threads with a token).
    expect(isDemo(inputs({ ANTHROPIC_API_KEY: "sk-ant-test", PORT: "0", LOG_LEVEL: "debug" }))).toBe(true);
    for (const [env, why] of [
      [{ DEMO: "false" }, "DEMO=false"],
      [{ DATABASE_URL: "postgres://db.internal/tribune" }, "DATABASE_URL"],
      [{ SNAPSHOT_SPACES: "aave.eth" }, "SNAPSHOT_SPACES"],
      [{ GOVERNORS: "1:0x408ED6354d4973f66138C91495F2f2FCbd8724C3", RPC_URL_1: "http://127.0.0.1:8545" }, "GOVERNORS"],
      [{ TALLY_API_KEY: "tally-key" }, "TALLY_API_KEY"],
    ] as const) {
      expect(isDemo(inputs(env))).toBe(false);
      expect(whyNotDemo(inputs(env))).toContain(why);
    }
  });

  it("reads DEMO as a boolean and refuses anything else", () => {
    expect(demoSchema.parse({ DEMO: "no" })).toEqual({ allowed: false });
    expect(demoSchema.parse({ DEMO: "" })).toEqual({ allowed: true });
    expect(demoSchema.safeParse({ DEMO: "maybe" }).success).toBe(false);
  });
});
