import { describe, expect, it } from "vitest";
import { loadConfig } from "./loadConfig.js";
import { secretValues } from "./secretValues.js";

describe("secretValues", () => {
  it("is empty when no secret is set", () => {
    expect(secretValues(loadConfig({}))).toEqual([]);
  });

  it("lists every secret set, and a database URL's password raw and decoded", () => {
    const config = loadConfig({
      DATABASE_URL: "postgres://tribune:p%40ss-word@db.internal/tribune",
      DISCORD_TOKEN: "discord-token-value",
      SNAPSHOT_WEBHOOK_SECRET: "webhook-secret-value",
      RELAYER_PRIVATE_KEY: `0x${"ab".repeat(32)}`,
    });
    expect(secretValues(config).sort()).toEqual(
      [
        "postgres://tribune:p%40ss-word@db.internal/tribune",
        "p%40ss-word",
        "p@ss-word",
        "discord-token-value",
        "webhook-secret-value",
        `0x${"ab".repeat(32)}`,
      ].sort(),
    );
  });
});
