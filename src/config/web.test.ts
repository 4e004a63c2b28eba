import { describe, expect, it } from "vitest";
import { ConfigError } from "./configError.js";
import { loadConfig } from "./loadConfig.js";
import { publicUrlFor } from "./web.js";

describe("web", () => {
  it("derives PUBLIC_URL from PORT", () => {
    expect(loadConfig({ PORT: "4000" }).web.publicUrl).toBe("http://localhost:4000");
  });

  it("keeps an explicit PUBLIC_URL, without its trailing slash", () => {
    expect(loadConfig({ PUBLIC_URL: "https://tribune.example.org/" }).web.publicUrl).toBe(
      "https://tribune.example.org",
    );
  });

  it("leaves the public URL to the bound port when PORT is 0", () => {
    const { web } = loadConfig({ PORT: "0" });
    expect(web.port).toBe(0);
    expect(web.publicUrl).toBeUndefined();
    expect(publicUrlFor(web, 51234)).toBe("http://localhost:51234");
    expect(publicUrlFor(loadConfig({ PORT: "4000" }).web, 51234)).toBe("http://localhost:4000");
  });

  it("accepts a long signing secret and rejects a short one without echoing it", () => {
    const secret = "0123456789abcdef0123456789abcdef";
    expect(loadConfig({ WEB_SIGNING_SECRET: secret }).web.signingSecret?.reveal()).toBe(secret);
    expect(() => loadConfig({ WEB_SIGNING_SECRET: "hunter22" })).toThrow(
      new ConfigError(["WEB_SIGNING_SECRET must be at least 32 characters, got 8 (value not shown)"]),
    );
  });
});
