// The operator's command line for what stewards do in Discord (`tribune space …`, `pause`, `resume`, `member profile`),
// as real child processes on an embedded database of their own: same services, same checks, same audit entries.
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate, readMigrations } from "../../src/db/migrate.js";
import { openPglite } from "../../src/db/openPglite.js";
import { LOCAL_MNEMONIC_FILE } from "../../src/voting/localMnemonic.js";
import { runTribune } from "../support/tribuneCommand.js";

let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "tribune-operator-cli-"));
  const db = await openPglite(dataDir);
  try {
    await migrate(db.sql, await readMigrations(resolve("prisma/migrations")));
  } finally {
    await db.close();
  }
}, 120_000);
afterAll(() => rm(dataDir, { recursive: true, force: true }));

const tribune = (...args: string[]) => runTribune(args, { TRIBUNE_DATA_DIR: dataDir });

async function auditActions(): Promise<string[]> {
  const db = await openPglite(dataDir);
  try {
    return (await db.prisma.auditEntry.findMany({ orderBy: { seq: "asc" } })).map((e) => e.action);
  } finally {
    await db.close();
  }
}

describe("the operator's command line", () => {
  it("adds a space, sets its veto window, refuses live mode without a configured mnemonic, and lists it", async () => {
    const added = await tribune(
      "space",
      "add",
      "Operator.eth",
      "--guild",
      "1190000000000000002",
      "--channel",
      "1190000000000000003",
    );
    expect(added).toMatchObject({ code: 0, stdout: "operator.eth: followed, in dry-run\n" });
    expect((await tribune("space", "veto-window", "operator.eth", "15m")).stdout).toBe(
      "operator.eth: veto window 15m\n",
    );
    const badWindow = await tribune("space", "veto-window", "operator.eth", "5s");
    expect(badWindow.code).toBe(1);
    expect(badWindow.stderr).toContain("A veto window of 5s is out of range");
    expect(badWindow.stderr).not.toMatch(/\n\s+at /);
    const live = await tribune("space", "mode", "operator.eth", "live");
    expect(live.code).toBe(1);
    expect(live.stderr).toContain("AGENT_MNEMONIC");
    const list = await tribune("space", "list");
    expect(list.stdout).toContain("operator.eth\tsnapshot\tdry-run\tpersonal\tveto 15m\tchannel 1190000000000000003");
    const usage = await tribune("space", "frobnicate");
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("Usage:");
  }, 300_000);

  it("pauses and resumes casting for every space, audited once per change", async () => {
    expect((await tribune("pause", "incident", "review")).stdout).toBe("Casting is paused in every space.\n");
    expect((await tribune("pause")).stdout).toBe("Casting was already paused.\n");
    expect((await tribune("resume")).stdout).toBe("Casting resumed.\n");
    const actions = await auditActions();
    expect(actions.filter((a) => a === "casting.paused")).toHaveLength(1);
    expect(actions.filter((a) => a === "casting.resumed")).toHaveLength(1);
    expect(actions).toContain("space.veto_window_changed");
  }, 300_000);

  it("seeds a member's confirmed profile with an agent from the data folder's own mnemonic", async () => {
    const seeded = await tribune(
      "member",
      "profile",
      "1190000000000000005",
      "operator.eth",
      "Security above everything; keep the treasury safe.",
    );
    expect(seeded.code).toBe(0);
    expect(seeded.stdout).toMatch(
      /Confirmed version 1 for 1190000000000000005 in operator\.eth; agent 0x[0-9a-fA-F]{40}/,
    );
    // The generated phrase lives beside the embedded database, readable by its owner only, and is never printed.
    const file = await stat(join(dataDir, LOCAL_MNEMONIC_FILE));
    expect(file.mode & 0o077).toBe(0);
    const empty = await tribune("member", "profile", "1190000000000000006", "operator.eth", "   ");
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatch(/tribune member: .+/);
  }, 300_000);
});
