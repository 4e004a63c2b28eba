import { randomBytes } from "node:crypto";
import { inspect } from "node:util";
import { entropyToMnemonic, HDNode } from "@ethersproject/hdnode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAuditLog } from "../../src/audit/auditLog.js";
import { loadConfig } from "../../src/config/loadConfig.js";
import { Secret } from "../../src/config/secret.js";
import { secretValues } from "../../src/config/secretValues.js";
import { createLogger, type Logger } from "../../src/log/logger.js";
import { DEFAULT_TAXONOMY } from "../../src/values/taxonomy.js";
import { AGENT_PATH_PREFIX, createKeyring, type Keyring } from "../../src/voting/keyring.js";
import type { SnapshotCastOutcome } from "../../src/voting/snapshot/snapshotCaster.js";
import { createStewardRegistry } from "../../src/web/stewardRegistry.js";
import { createTestDatabase, type TestDatabase } from "../support/testDatabase.js";
import { startStewardWeb } from "../web/stewardWebServer.js";
import { type CastingHarness, startCasting } from "./support/castingHarness.js";

// The agents' keys and the mnemonic they come from must never reach a log line, an error or the database. A fresh
// mnemonic is configured the way production does it; agents are derived, votes signed and cast, casts made to fail
// in every way the sequencer allows, and what an outbox would keep of each outcome (a Cast row and an audit entry)
// is written to a real database. Then the log output, every error and every text column are searched for the phrase,
// any three of its words in a row, the extended keys and every derived private key, in every spelling.

const STEWARD = "444444444444444444";
/** Outside the agents the harness gives voting power (0–9). */
const POWERLESS = 12;
const phrase = entropyToMnemonic(randomBytes(16));
const lines: string[] = [];
const errors: unknown[] = [];
let keyring: Keyring;
let logger: Logger;
let h: CastingHarness;
let t: TestDatabase;

/** Everything that must never be seen, in the spellings a leak would take. */
function forbidden(): string[] {
  const words = phrase.split(" ");
  const windows = words.slice(2).map((_, i) => words.slice(i, i + 3).join(" "));
  const master = HDNode.fromMnemonic(phrase);
  const keys = Array.from({ length: POWERLESS + 1 }, (_, i) => keyring.signer(i).privateKey.slice(2));
  return [
    phrase,
    ...windows,
    ...[master.extendedKey, master.derivePath(AGENT_PATH_PREFIX).extendedKey],
    ...keys.flatMap((hex) => [hex, hex.toUpperCase(), Buffer.from(hex, "hex").toString("base64")]),
  ];
}

function leaksIn(text: string): string[] {
  return forbidden().filter((secret) => text.includes(secret));
}

beforeAll(async () => {
  const config = loadConfig({ AGENT_MNEMONIC: phrase });
  logger = createLogger({
    level: "trace",
    secrets: secretValues(config),
    destination: { write: (line: string) => void lines.push(line) },
  });
  keyring = createKeyring(config.voting.agentMnemonic as Secret);
  h = await startCasting({ mnemonic: phrase, logger, timeoutMs: 5_000 });
  t = await createTestDatabase();
}, 120_000);
afterAll(async () => {
  await h?.close();
  await t?.drop();
});

describe("no key or mnemonic leaks", () => {
  it("the search finds a planted key (so finding nothing means something)", () => {
    expect(leaksIn(`{"oops":"${keyring.signer(3).privateKey}"}`)).not.toEqual([]);
    expect(leaksIn(`words: ${phrase.split(" ").slice(4, 7).join(" ")}`)).not.toEqual([]);
  });

  it("not into logs, errors or the database, while agents sign, cast and fail", async () => {
    const { prisma } = t.db;
    const audit = createAuditLog({ prisma });
    const space = await prisma.space.create({
      data: { kind: "snapshot", externalId: "leaks.eth", name: "Leaks", taxonomy: DEFAULT_TAXONOMY as never },
    });
    const hubProposal = h.openProposal({ space: "leaks.eth", title: "Fund the audit", type: "basic" });
    const proposal = await prisma.proposal.create({
      data: {
        spaceId: space.id,
        source: "snapshot",
        externalId: hubProposal,
        title: "Fund the audit",
        body: "",
        choices: ["For", "Against", "Abstain"],
        votingType: "basic",
        startAt: new Date(),
        endAt: new Date(Date.now() + 86_400_000),
        state: "active",
        contentHash: "c".repeat(64),
      },
    });

    const outcomes: [number, SnapshotCastOutcome][] = [];
    const cast = async (agent: number, choice: number, setup?: () => void, over = {}) => {
      setup?.();
      outcomes.push([agent, await h.caster.cast(agent, h.ballot(hubProposal, choice, over))]);
    };
    await cast(0, 1);
    await cast(1, 2);
    await cast(2, 9); // invalid choice
    await cast(3, 1, () => h.sequencer.faults.push({ kind: "status", status: 500 }));
    await cast(4, 1, () => h.sequencer.faults.push({ kind: "drop" }));
    await cast(5, 1, () => h.sequencer.faults.push({ kind: "hang" }));
    await cast(POWERLESS, 1); // no voting power
    await cast(0, 1, undefined, { privacy: "shutter" });
    await cast(1, 2, undefined, { timestamp: h.hub.now - 10 }); // already voted at later time
    // Errors that do throw: a bad agent index, a choice ethers cannot encode, a keyring from a mistyped phrase.
    for (const attempt of [
      () => h.caster.cast(-1, h.ballot(hubProposal, 1)),
      () => h.caster.cast(0, h.ballot(hubProposal, 2 ** 40)),
      async () => createKeyring(new Secret(`${phrase.split(" ").slice(0, 11).join(" ")} zzzz`)),
    ]) {
      await attempt().then(
        () => expect.unreachable("should have thrown"),
        (error: unknown) => {
          errors.push(error);
          logger.error({ err: error }, "cast failed unexpectedly");
        },
      );
    }
    // A signer logged by mistake prints its address and nothing else of note.
    logger.debug({ signer: keyring.signer(0), wallet: inspect(keyring.signer(1)) }, "signer");
    expect(outcomes.map(([, o]) => o.kind)).toEqual([
      "accepted",
      "accepted",
      "rejected",
      "retryable",
      "retryable",
      "retryable",
      "rejected",
      "refused",
      "rejected",
    ]);

    // What an outbox keeps: a Cast row per outcome, an audit entry with the outcome, a member per agent.
    for (const [agent, outcome] of outcomes) {
      const member = await prisma.member.upsert({
        where: { agentIndex: agent },
        create: { discordUserId: `user-${agent}`, agentIndex: agent, agentAddress: keyring.address(agent) },
        update: {},
      });
      const state = outcome.kind === "accepted" ? "confirmed" : outcome.kind === "refused" ? "skipped" : "failed";
      await prisma.cast.upsert({
        where: { proposalId_voterAddress: { proposalId: proposal.id, voterAddress: member.agentAddress } },
        create: {
          proposalId: proposal.id,
          spaceId: space.id,
          voterAddress: member.agentAddress,
          memberId: member.id,
          state,
          choice: outcome.kind === "refused" ? undefined : (outcome.vote.message as never),
          reason: outcome.kind === "refused" ? outcome.message : String(outcome.vote.message.reason),
          receipt: outcome.kind === "accepted" ? (outcome as never) : undefined,
          failureReason: outcome.kind === "accepted" ? null : JSON.stringify(outcome),
        },
        update: { state, failureReason: JSON.stringify(outcome) },
      });
      await audit.append({
        action: `cast.${state}`,
        actor: "tribune",
        spaceId: space.id,
        proposalId: proposal.id,
        memberId: member.id,
        data: outcome,
      });
    }
    for (const error of errors) {
      await audit.append({ action: "cast.error", actor: "tribune", data: { message: (error as Error).message } });
    }

    expect(lines.length).toBeGreaterThan(8);
    expect(leaksIn(lines.join("\n"))).toEqual([]);
    for (const error of errors) {
      const e = error as Error & { hint?: string; cause?: unknown };
      const shown = [e.message, e.hint, e.stack, inspect(e, { depth: 10 }), JSON.stringify(e), inspect(e.cause)];
      expect(leaksIn(shown.join("\n"))).toEqual([]);
    }
    expect(leaksIn(JSON.stringify(outcomes))).toEqual([]);

    // Every column of every row, text and JSON alike, as PostgreSQL itself prints it.
    const tables = await t.db.sql.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
    );
    expect(tables.rows.map((r) => r.table_name)).toEqual(expect.arrayContaining(["Member", "Cast", "AuditEntry"]));
    let values = 0;
    for (const { table_name } of tables.rows) {
      const rows = await t.db.sql.query<{ v: string }>(`SELECT row_to_json(t)::text AS v FROM "${table_name}" t`);
      for (const { v } of rows.rows) {
        values += 1;
        expect(leaksIn(v), table_name).toEqual([]);
      }
    }
    expect(values).toBeGreaterThan(20);

    // And not into the stewards' web view: every page and export a steward of the space can open.
    const web = await startStewardWeb(t.db);
    try {
      await createStewardRegistry({ prisma, audit }).grant({
        discordUserId: STEWARD,
        space: "leaks.eth",
        grantedBy: "test",
      });
      const login = await fetch(`${web.url}/login`, {
        method: "POST",
        redirect: "manual",
        headers: { "content-type": "application/x-www-form-urlencoded", origin: new URL(web.url).origin },
        body: new URLSearchParams({ link: new URL(web.linkFor(STEWARD)).searchParams.get("link") ?? "" }),
      });
      const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
      expect(cookie).toMatch(/^tribune_session=/);
      const pages = [
        "/audit",
        "/audit/export.csv",
        "/audit/export.json",
        "/spaces",
        `/spaces/${space.id}`,
        `/proposals/${proposal.id}`,
        "/verify",
      ];
      for (const path of pages) {
        const response = await fetch(`${web.url}${path}`, { headers: { cookie } });
        expect(response.status, path).toBe(200);
        const body = await response.text();
        expect(body.length, path).toBeGreaterThan(100);
        expect(leaksIn(body), path).toEqual([]);
      }
      // The agents' addresses are public facts and do show: the search above looked at real pages.
      expect(await (await fetch(`${web.url}/audit/export.json`, { headers: { cookie } })).text()).toContain(
        keyring.address(0),
      );
      expect(web.errors).toEqual([]);
    } finally {
      await web.close();
    }
  });
});
