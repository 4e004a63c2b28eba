// `tribune steward …` as an operator runs it: a real child process on an embedded database in a folder of its own
// (whatever engine the suite uses, the command line reads the configured database, here TRIBUNE_DATA_DIR).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Secret } from "../../src/config/secret.js";
import { migrate, readMigrations } from "../../src/db/migrate.js";
import { openPglite } from "../../src/db/openPglite.js";
import { readLoginToken } from "../../src/web/loginLink.js";
import { runTribune } from "../support/tribuneCommand.js";

const SECRET = "cli-test-signing-secret-0123456789abcdef";
const USER = "80351110224678912";
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "tribune-steward-cli-"));
  const db = await openPglite(dataDir);
  try {
    await migrate(db.sql, await readMigrations(resolve("prisma/migrations")));
    await db.prisma.space.create({ data: { kind: "snapshot", externalId: "cli.eth", name: "CLI DAO", taxonomy: [] } });
  } finally {
    await db.close();
  }
}, 120_000);
afterAll(() => rm(dataDir, { recursive: true, force: true }));

const tribune = (...args: string[]) =>
  runTribune(args, {
    TRIBUNE_DATA_DIR: dataDir,
    WEB_SIGNING_SECRET: SECRET,
    PUBLIC_URL: "https://tribune.example.org",
  });

describe("tribune steward", () => {
  it("grants a steward (audited), lists them, and prints a sign-in link only for a steward", async () => {
    const refused = await tribune("steward", "link", USER);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("stewards no space");
    expect(refused.stdout).toBe("");

    const granted = await tribune("steward", "grant", USER, "cli.eth");
    expect(granted.code).toBe(0);
    expect(granted.stdout).toContain(`${USER} is a steward of CLI DAO`);

    const listed = await tribune("steward", "list");
    expect(listed.stdout).toMatch(new RegExp(`CLI DAO \\(.+\\)  ${USER}  granted by cli`));

    const linked = await tribune("steward", "link", USER);
    expect(linked.code).toBe(0);
    const url = new URL(linked.stdout.trim());
    expect(url.origin + url.pathname).toBe("https://tribune.example.org/login");
    expect(readLoginToken(new Secret(SECRET), url.searchParams.get("link") ?? "")).toMatchObject({
      ok: true,
      discordUserId: USER,
    });
    expect(linked.stderr).toContain("Works once, for 10 minutes, for CLI DAO");
    expect(linked.stdout + linked.stderr).not.toContain(SECRET);

    const db = await openPglite(dataDir);
    try {
      const entries = await db.prisma.auditEntry.findMany({ where: { action: "steward.granted" } });
      expect(entries).toHaveLength(1);
      expect(JSON.parse(entries[0]?.canonical ?? "{}")).toMatchObject({ actor: "cli", data: { discordUserId: USER } });
    } finally {
      await db.close();
    }
  }, 300_000);

  it("refuses an unknown space and a malformed user id with a hint", async () => {
    const unknown = await tribune("steward", "grant", USER, "nowhere.eth");
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No space "nowhere.eth"');
    const bad = await tribune("steward", "grant", "not-a-user", "cli.eth");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("is not a Discord user id");
  }, 300_000);
});
