import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { webSchema } from "../../src/config/web.js";
import { LOCAL_SIGNING_SECRET_FILE, loadOrCreateLocalSigningSecret } from "../../src/demo/localSigningSecret.js";

let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), "tribune-secret-"));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

describe("the demo's local signing secret", () => {
  it("is made once per data folder, readable only by its owner, and strong enough for WEB_SIGNING_SECRET", () => {
    const made = loadOrCreateLocalSigningSecret(join(dataDir, "nested"));
    expect(made.created).toBe(true);
    expect(statSync(made.path).mode & 0o777).toBe(0o600);
    const again = loadOrCreateLocalSigningSecret(join(dataDir, "nested"));
    expect(again.created).toBe(false);
    expect(again.secret.reveal()).toBe(made.secret.reveal());
    expect(webSchema.safeParse({ WEB_SIGNING_SECRET: made.secret.reveal() }).success).toBe(true);
  });

  it("replaces a file cut short instead of signing with it", () => {
    writeFileSync(join(dataDir, LOCAL_SIGNING_SECRET_FILE), "abc\n");
    const read = loadOrCreateLocalSigningSecret(dataDir);
    expect(read.created).toBe(true);
    expect(read.secret.reveal()).toMatch(/^[0-9a-f]{64}$/);
  });
});
