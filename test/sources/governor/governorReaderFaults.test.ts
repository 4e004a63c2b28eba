import type { Address } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createChainClient } from "../../../src/sources/governor/chainClient.js";
import {
  ChainInvalidAnswerError,
  ChainRateLimitedError,
  ChainTimeoutError,
} from "../../../src/sources/governor/chainErrors.js";
import { governorRawSchema } from "../../../src/sources/governor/governorProposal.js";
import { type Dao, deployDao, tokens } from "../../support/evm/governorDao.js";
import {
  type ChainUnderTest,
  createGovernorHarness,
  type GovernorHarness,
  startChain,
  stopChain,
} from "./governorHarness.js";

let h: GovernorHarness;
let a: ChainUnderTest;
let b: ChainUnderTest;
let onA: Dao;
let timed: Dao;
let onB: Dao;

beforeAll(async () => {
  h = await createGovernorHarness();
  [a, b] = await Promise.all([startChain(31_340), startChain(10)]);
  onA = await deployDao(a.chain, { symbol: "AAA" });
  timed = await deployDao(a.chain, { symbol: "TMS", clock: "timestamp", votingDelay: 3_600, votingPeriod: 86_400 });
  onB = await deployDao(b.chain, { symbol: "BBB" });
});

afterAll(async () => {
  await Promise.all([stopChain(a), stopChain(b)]);
  await h.close();
});

const target = (chainId: number, dao: Dao) => ({ chainId, address: dao.governor.toLowerCase() as Address });

describe("the Governor reader against a faulty endpoint", () => {
  it("watches several chains at once, and keeps a timestamp clock's window exact", async () => {
    const recipient = a.chain.accounts[3]?.address as Address;
    const idA = await onA.propose([onA.transferCall(recipient, tokens(1))], "On chain A");
    const idT = await timed.propose([timed.transferCall(recipient, tokens(2))], "Timestamp clock");
    const idB = await onB.propose([onB.transferCall(recipient, tokens(3))], "On chain B");
    await Promise.all([a.chain.mine(3), b.chain.mine(3)]);
    const watcher = h.watcher(
      [target(31_340, onA), target(31_340, timed), target(10, onB)],
      new Map([
        [31_340, a.client()],
        [10, b.client()],
      ]),
    );
    const report = await watcher.pollOnce();
    expect(report.failures).toEqual([]);
    expect(report.created).toBe(3);
    const spaces = await h.t.db.prisma.space.findMany({ where: { kind: "governor" }, orderBy: { externalId: "asc" } });
    expect(spaces.map((s) => s.externalId).sort()).toEqual(
      [`10:${onB.governor}`, `31340:${onA.governor}`, `31340:${timed.governor}`].map((s) => s.toLowerCase()).sort(),
    );
    const t = await h.t.db.prisma.proposal.findFirstOrThrow({ where: { externalId: idT.toString() } });
    const raw = governorRawSchema.parse(t.raw);
    expect(raw.clockMode).toBe("timestamp");
    expect(t.startAt.getTime()).toBe(Number(raw.status.snapshot) * 1000);
    expect(t.endAt.getTime() - t.startAt.getTime()).toBe(86_400_000);
    for (const id of [idA, idB])
      expect(await h.t.db.prisma.proposal.count({ where: { externalId: id.toString() } })).toBe(1);
  });

  it("splits a range the endpoint refuses and retries 5xx answers, 429s and timeouts", async () => {
    const recipient = a.chain.accounts[3]?.address as Address;
    await a.chain.mine(300);
    const id = await onA.propose([onA.transferCall(recipient, tokens(4))], "After many blocks");
    await a.chain.mine(3);
    a.rpc.maxLogRange = 100;
    a.rpc.failNext("eth_blockNumber", { kind: "http", status: 503 });
    a.rpc.failNext("eth_getLogs", { kind: "http", status: 429, retryAfter: "1" });
    a.rpc.failNext("eth_call", { kind: "slow", ms: 1_500 });
    const watcher = h.watcher([target(31_340, onA)], new Map([[31_340, a.client({ timeoutMs: 500 })]]), {
      blockRange: 1_000,
      delegations: false,
    });
    const report = await watcher.pollOnce();
    a.rpc.maxLogRange = undefined;
    expect(report.failures).toEqual([]);
    expect(report.created).toBe(1);
    expect(await h.t.db.prisma.proposal.count({ where: { externalId: id.toString() } })).toBe(1);
  });

  it("types each failure a caller must tell apart", async () => {
    const client = createChainClient({ chainId: 31_340, url: a.url, timeoutMs: 300, sleep: async () => undefined });
    // Faults aimed at eth_chainId (the first call a new client makes, once per attempt), so no other request to the
    // shared endpoint can use one up and let an attempt through.
    a.rpc.failNext("eth_chainId", { kind: "slow", ms: 1_000 }, 3);
    await expect(client.head()).rejects.toBeInstanceOf(ChainTimeoutError);
    a.rpc.failNext("eth_chainId", { kind: "http", status: 429 }, 3);
    await expect(client.head()).rejects.toBeInstanceOf(ChainRateLimitedError);
    // A URL for another chain is refused before anything is read from it.
    const wrong = createChainClient({ chainId: 1, url: a.url, sleep: async () => undefined });
    await expect(wrong.head()).rejects.toBeInstanceOf(ChainInvalidAnswerError);
  });

  it("logs a failing endpoint as a warning that names the fault and what to do, with no stack", async () => {
    const lines: { level: string; fields: Record<string, unknown>; message: string }[] = [];
    const capture = (level: string) => (fields: unknown, message?: string) => {
      lines.push({ level, fields: fields as Record<string, unknown>, message: message ?? "" });
    };
    // A URL that answers for another chain: the reader refuses it, as it would a wrongly configured RPC_URL_<id>.
    const wrong = createChainClient({ chainId: 31_341, url: a.url, sleep: async () => undefined });
    const watcher = h.watcher([target(31_341, onA)], new Map([[31_341, wrong]]), {
      delegations: false,
      logger: { info: capture("info"), warn: capture("warn"), error: capture("error") },
    });
    const report = await watcher.pollOnce();
    expect(report.failures).toHaveLength(1);
    const failed = lines.filter((line) => line.message.startsWith("Governor poll failed"));
    expect(failed).toHaveLength(1);
    expect(failed[0]?.level).toBe("warn");
    expect(failed[0]?.fields).toMatchObject({ code: expect.stringMatching(/^governor\./), hint: expect.any(String) });
    expect(failed[0]?.fields).not.toHaveProperty("err");
  });
});
