import type { ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { type Address, type Hex, parseAbiItem, parseEther } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AuditLog, createAuditLog } from "../../src/audit/auditLog.js";
import type { Database } from "../../src/db/database.js";
import { createChainClient } from "../../src/sources/governor/chainClient.js";
import { governorAbi } from "../../src/sources/governor/governorAbi.js";
import { createCastingSwitch } from "../../src/spaces/castingSwitch.js";
import { drainDueCasts } from "../../src/voting/castJob.js";
import { createCastOutbox } from "../../src/voting/castOutbox.js";
import { decodeGovernorCall } from "../../src/voting/governor/onChainVote.js";
import { createGovernorCastRunner } from "../../src/voting/governorCastRunner.js";
import { createOverrideStore } from "../../src/voting/overrideStore.js";
import { FakeJsonRpcServer } from "../fakes/jsonRpcServer.js";
import { DEV_KEYS } from "../support/evm/testChain.js";
import { seededRandom } from "../support/seededRandom.js";
import { createTestDatabase, type TestDatabase } from "../support/testDatabase.js";
import { seedDigest, seedProfile } from "../values/seed.js";
import { type CrashWorker, drainUntilSettled, startCrashWorker } from "./support/crashWorkers.js";
import {
  DEV_PHRASE,
  type GovernorRunnerHarness,
  startGovernorRunner,
  tokens,
} from "./support/governorRunnerHarness.js";
import { type ProxiedSend, RpcFaultProxy, type SendAction } from "./support/rpcFaultProxy.js";

// Crash safety on a Governor: a casting worker in its own process is killed with SIGKILL while it casts, then a fresh
// worker (new outbox, runner and caster on their own database connections, in the test's process) finishes the job.
// One chain and one OpenZeppelin Governor for the file, a fresh proposal per run. The seed picks the run: who pays
// (the relayer submits the agents' signed votes, …BySig, or each agent sends and pays itself), how blocks come (the
// node mines each transaction as it arrives, or transactions wait in the mempool for the next block, so a worker can
// die with its vote pending), and how the worker dies: after a random delay; right after the node took the k-th send
// ("on-wire-lands"); or with the k-th send at the endpoint, never forwarded ("on-wire-lost"). When the dead worker's
// vote is left pending, the node mines it just as recovery simulates the same vote ("race at simulate": a relayed
// vote's signature then names a used nonce) or just as recovery's replacement reaches the endpoint ("race at send":
// the node refuses the replacement, its nonce is used). After every run each agent has voted once on chain, no vote
// was sent twice where it could land, the outbox names the transaction that carried each vote, and the outbox and the
// audit log agree. Seeds are printed; rerun one with GOV_CAST_CRASH_SEED=<seed> GOV_CAST_CRASH_RUNS=1.
// GOV_CAST_CRASH_RUNS sets the number of runs (50 by default).

const RUNS = Number(process.env.GOV_CAST_CRASH_RUNS ?? 50);
const FIRST_SEED = Number(process.env.GOV_CAST_CRASH_SEED ?? Date.now() % 1_000_000);
const CHAIN_ID = 31_383;
const AGENT_INDEXES = [8100, 8101, 8102, 8103, 8104];
const MEMBERS = AGENT_INDEXES.length;
// Only a dead worker's rows wait for their lease (a worker claims again only once its batch is done), so it is short:
// recovery starts that long after the kill.
const LEASE_MS = 400;
// A block every 150 ms when the node does not mine on arrival: sends wait in the mempool about as long as reads take.
const BLOCK_MS = 150;
// A random-delay kill falls within the time a worker takes to cast the five votes (or just after).
const MAX_KILL_DELAY_MS = 1_500;
// With blocks, the node stops mining for a while after a kill: a vote the dead worker left in the mempool lands before
// recovery looks, or is still pending when it does (recovery replaces it at its nonce, or waits for it). After a send
// that landed, the hold outlasts the lease, so recovery meets it pending.
const MAX_MEMPOOL_HOLD_MS = 900;
// Workers loading ahead of their run: loading one takes seconds, longer than a run's own work.
const WORKERS_AHEAD = 2;

const voteCast = parseAbiItem(
  "event VoteCast(address indexed voter, uint256 proposalId, uint8 support, uint256 weight, string reason)",
);

type PaidBy = "relayer" | "self";
type Mining = "automine" | "blocks";
type KillKind = "delay" | "on-wire-lands" | "on-wire-lost";
const KILL_KINDS: readonly KillKind[] = ["delay", "on-wire-lands", "on-wire-lost"];

/** What a seed makes of a run; consecutive seeds go through every combination in 24 runs. */
function scenario(seed: number) {
  const random = seededRandom(seed);
  const kill = KILL_KINDS[Math.floor(seed / 2) % 3] as KillKind;
  const mining: Mining = Math.floor(seed / 6) % 2 === 0 ? "automine" : "blocks";
  return {
    random,
    paidBy: (seed % 2 === 0 ? "relayer" : "self") as PaidBy,
    kill,
    mining,
    killAfterMs: Math.floor(random() * MAX_KILL_DELAY_MS),
    killAtSend: 1 + Math.floor(random() * MEMBERS),
    race:
      kill === "on-wire-lands" && mining === "blocks"
        ? ((Math.floor(seed / 12) % 2 === 0 ? "at-send" : "at-simulate") as "at-send" | "at-simulate")
        : null,
    holdMempoolMs: Math.floor(random() * MAX_MEMPOOL_HOLD_MS) + (kill === "on-wire-lands" ? LEASE_MS + 300 : 0),
  };
}

let t: TestDatabase;
let h: GovernorRunnerHarness;
let upstream: FakeJsonRpcServer;
let proxy: RpcFaultProxy;
let proxyUrl: string;
let audit: AuditLog;
let recoveryDb: Database | undefined;
let miner: NodeJS.Timeout | undefined;
let minerHeldUntil = 0;
const workers = new Set<ChildProcess>();
const members: { id: string; index: number; agent: Address; profileId?: string }[] = [];

beforeAll(async () => {
  t = await createTestDatabase();
  h = await startGovernorRunner(t, CHAIN_ID);
  // The workers reach the node through the proxy, the proxy through an endpoint of its own (not the harness's).
  upstream = new FakeJsonRpcServer(h.chain.provider);
  proxy = new RpcFaultProxy(await upstream.listen());
  // Reads as a hosted endpoint serves them: a vote waiting in the mempool is not counted yet, so recovery replaces it.
  proxy.readLatest = true;
  proxyUrl = await proxy.listen();
  audit = createAuditLog({ prisma: t.db.prisma });
  for (const [i, index] of AGENT_INDEXES.entries()) {
    const agent = h.keyring.address(index) as Address;
    // A holder's tokens delegated to the agent: the agent votes with delegated power, as a member's does.
    await h.holder(h.simple, tokens(100 + 10 * i), agent);
    // Gas for the runs where the agent sends its own vote.
    const hash = await h.chain.client.sendTransaction({
      account: h.chain.deployer.address,
      chain: null,
      to: agent,
      value: parseEther("1"),
    });
    await h.chain.client.waitForTransactionReceipt({ hash, pollingInterval: 5 });
    const member = await t.db.prisma.member.create({
      data: { discordUserId: `gov-crash-${i}-${randomUUID()}`, agentIndex: index, agentAddress: agent },
    });
    members.push({ id: member.id, index, agent });
  }
}, 120_000);
afterAll(async () => {
  for (const child of workers) child.kill("SIGKILL");
  clearInterval(miner);
  await proxy?.close();
  await upstream?.close();
  await h?.close();
  await t?.drop();
});

/** How the node mines: each transaction as it arrives, or a block every BLOCK_MS (sends wait in the mempool). */
async function setMining(mining: Mining): Promise<void> {
  clearInterval(miner);
  miner = undefined;
  const request = (method: string, params: unknown[]) =>
    h.chain.provider.request({ method, params } as never) as Promise<unknown>;
  await request("evm_setAutomine", [mining === "automine"]);
  // Whatever waits in the mempool lands now: the checks count every transaction the node took.
  await request("evm_mine", []);
  if (mining === "blocks") {
    miner = setInterval(() => {
      if (Date.now() < minerHeldUntil) return;
      request("evm_mine", []).catch(() => undefined);
    }, BLOCK_MS);
  }
}

/** A fresh proposal on the Governor (open for votes) and one announced row per member, due now. */
async function dueProposal(): Promise<{ proposalId: string; onChainId: bigint; createdIn: bigint }> {
  const prisma = t.db.prisma;
  const createdIn = await h.chain.blockNumber();
  const p = await h.proposal(h.simple);
  const proposal = await prisma.proposal.findUniqueOrThrow({ where: { id: p.proposalId } });
  const digest = await seedDigest(prisma, proposal, p.versionId, {});
  for (const [i, m] of members.entries()) {
    m.profileId ??= (await seedProfile(prisma, m.id, p.spaceId, {})).id;
    const reason = `Reason ${i}.`;
    const decision = await prisma.decision.create({
      data: {
        proposalId: proposal.id,
        memberId: m.id,
        digestId: digest.id,
        profileId: m.profileId,
        taxonomyVersion: 1,
        outcome: "vote",
        choice: (i % 3) + 1,
        utilities: {},
        contributions: {},
        rulesFired: [],
        explanation: { line: reason, threadLine: reason, paragraph: reason, reason },
      },
    });
    // As the announcer leaves it: announced more than the 30 s veto window ago, due now.
    await prisma.cast.create({
      data: {
        proposalId: proposal.id,
        spaceId: p.spaceId,
        voterAddress: m.agent,
        voterKind: "personal",
        memberId: m.id,
        decisionId: decision.id,
        announcedDecisionId: decision.id,
        agentIndex: m.index,
        choice: (i % 3) + 1,
        state: "announced",
        announcedAt: new Date(Date.now() - 31_000),
        dueAt: new Date(Date.now() - 1_000),
        dryRun: false,
      },
    });
  }
  return { proposalId: proposal.id, onChainId: p.onChainId, createdIn };
}

/** Starts a worker process; it loads, connects and says READY, then waits for "GO <proposal id> <payer>". */
function startWorker(): CrashWorker {
  const worker = startCrashWorker("test/voting/support/governorCastWorkerProcess.ts", {
    CAST_DATABASE_URL: t.url as string,
    CAST_RPC_URL: proxyUrl,
    CAST_CHAIN_ID: String(CHAIN_ID),
    CAST_MNEMONIC: DEV_PHRASE,
    CAST_RELAYER_KEY: DEV_KEYS[4],
    CAST_LEASE_MS: String(LEASE_MS),
    CAST_AGENTS: AGENT_INDEXES.join(","),
  });
  workers.add(worker.child);
  worker.child.once("exit", () => workers.delete(worker.child));
  return worker;
}

/** The restarted worker: a fresh outbox, runner and caster on their own connections, draining until all is settled. */
async function recover(proposalId: string, paidBy: PaidBy): Promise<void> {
  // Its own pool, opened once for all runs (a pool per run would exhaust the server's connections).
  recoveryDb ??= await t.connect(4);
  const prisma = recoveryDb.prisma;
  const recoveryAudit = createAuditLog({ prisma });
  const casting = createCastingSwitch({ prisma, audit: recoveryAudit });
  const outbox = createCastOutbox({ prisma, sql: recoveryDb.sql, audit: recoveryAudit, leaseMs: LEASE_MS });
  const chain = createChainClient({
    chainId: CHAIN_ID,
    url: proxyUrl,
    timeoutMs: 5_000,
    retry: { attempts: 3, baseDelayMs: 10, maxDelayMs: 50, maxRetryAfterMs: 50 },
  });
  const runner = createGovernorCastRunner({
    prisma,
    outbox,
    casting,
    overrides: createOverrideStore({ prisma, audit: recoveryAudit }),
    chains: (id) => (id === CHAIN_ID ? chain : undefined),
    keyring: h.keyring,
    relayer: paidBy === "relayer" ? h.relayer : null,
    safetyMarginSeconds: 600,
    baseDelayMs: 50,
    maxDelayMs: 200,
    maxAttempts: 50,
    receiptTimeoutMs: 10_000,
  });
  await drainUntilSettled(
    prisma,
    proposalId,
    () => drainDueCasts({ outbox, runners: { governor: runner }, casting, batchSize: 5, concurrency: 3 }),
    60_000,
  );
}

/**
 * Mines a block (once) as recovery's first call on a vote the dead worker sent goes out: its simulation (an eth_call
 * of the vote) or its replacement (a send at the same sender and nonce).
 */
function raceOnce(
  at: "at-send" | "at-simulate",
  sentBefore: readonly ProxiedSend[],
): NonNullable<RpcFaultProxy["beforeForward"]> {
  const taken = sentBefore.filter((x) => x.outcome !== "lost");
  const voters = new Set(taken.flatMap((x) => voterOf(x)?.voter.toLowerCase() ?? []));
  let done = false;
  return async (calls, sends) => {
    if (done) return;
    const hit =
      at === "at-send"
        ? sends.some((x) => taken.some((p) => p.from === x.from && p.nonce === x.nonce && p.hash !== x.hash))
        : calls.some((c) => {
            if (c.method !== "eth_call") return false;
            const request = c.params?.[0] as { from?: Address; data?: Hex; input?: Hex } | undefined;
            const data = request?.data ?? request?.input;
            const vote = data ? voterOf({ data, from: request?.from ?? "0x" }) : null;
            return vote !== null && voters.has(vote.voter.toLowerCase());
          });
    if (!hit) return;
    done = true;
    minerHeldUntil = 0;
    await h.chain.provider.request({ method: "evm_mine", params: [] } as never);
  };
}

/** The agent a vote transaction votes for: the signer named in a …BySig call, else its sender. */
function voterOf(send: Pick<ProxiedSend, "data" | "from">): { voter: Address; proposal: bigint } | null {
  const call = decodeGovernorCall(send.data);
  if (!call?.function.startsWith("castVote")) return null;
  const voter = call.function.endsWith("BySig") ? (call.args[2] as Address) : send.from;
  return { voter, proposal: call.args[0] as bigint };
}

describe("Governor crash safety", () => {
  it(`kill -9 at random moments (${RUNS} runs): every due vote is cast once on chain, and the audit agrees`, async () => {
    const startedAt = Date.now();
    const tally = new Map<string, number>();
    const ahead: CrashWorker[] = [];
    let started = 0;
    const fill = () => {
      while (ahead.length < WORKERS_AHEAD && started < RUNS) {
        ahead.push(startWorker());
        started += 1;
      }
    };
    fill();
    for (let run = 0; run < RUNS; run++) {
      const seed = FIRST_SEED + run;
      const s = scenario(seed);
      const runAt = Date.now();
      // Printed first: a run that hangs or throws outside an assertion still names its seed.
      console.log(`governor crash run ${run} seed ${seed}: ${s.paidBy}, ${s.mining}, kill ${s.kill}`);
      await setMining("automine");
      const { proposalId, onChainId, createdIn } = await dueProposal();
      await setMining(s.mining);
      const worker = ahead.shift() as CrashWorker;
      const firstSend = proxy.sends.length;

      let killed: Promise<void> | null = null;
      const kill = () => {
        killed ??= new Promise<void>((resolve) => {
          if (worker.child.exitCode !== null || worker.child.signalCode !== null) return resolve();
          worker.child.once("exit", () => resolve());
          worker.child.kill("SIGKILL");
        });
        return killed;
      };
      let sends = 0;
      proxy.latency = () => (s.random() < 0.2 ? Math.floor(s.random() * 30) : 0);
      // The mempool is held from the moment of the cut: a block mined while the worker dies would settle its vote.
      const hold = () => {
        if (s.mining === "blocks") minerHeldUntil = Date.now() + s.holdMempoolMs;
      };
      proxy.onCut = () => {
        hold();
        return kill();
      };
      proxy.onSend = (): SendAction => {
        sends += 1;
        if (s.kill === "delay" || sends !== s.killAtSend || killed) return "forward";
        return s.kill === "on-wire-lands" ? "land-unanswered" : "lose";
      };
      await worker.saw("READY");
      worker.child.stdin?.write(`GO ${proposalId} ${s.paidBy}\n`);
      const goAt = Date.now();
      const deadline = goAt + (s.kill === "delay" ? s.killAfterMs : 20_000);
      while (!killed && Date.now() < deadline && worker.child.exitCode === null) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      const finished = worker.output().includes("DONE");
      if (!killed) hold();
      await kill();
      proxy.onSend = null;
      proxy.onCut = null;
      const how =
        s.kill === "delay"
          ? `after ${s.killAfterMs} ms`
          : `${s.kill} at send ${s.killAtSend}${sends < s.killAtSend ? ` (only ${sends} sent)` : ""}`;
      // The next runs' workers load while this run recovers and is checked.
      fill();
      const before = await t.db.prisma.cast.groupBy({ by: ["state"], where: { proposalId }, _count: { _all: true } });

      if (s.race) proxy.beforeForward = raceOnce(s.race, proxy.sends.slice(firstSend));
      const recoverAt = Date.now();
      await recover(proposalId, s.paidBy);
      const recoveryMs = Date.now() - recoverAt;
      proxy.latency = null;
      proxy.beforeForward = null;
      // Back to mining on arrival; anything still in the mempool lands now, so the counts below see it.
      await setMining("automine");

      const stateAtKill = before.map((g) => `${g.state}:${g._count._all}`).join(",");
      for (const g of before) tally.set(g.state, (tally.get(g.state) ?? 0) + g._count._all);
      const runSends = proxy.sends.slice(firstSend);
      // Sends the node took beyond one per sender and nonce: replacements of a vote left pending by the dead worker.
      const took = runSends.filter((x) => x.outcome !== "lost");
      const replaced = took.length - new Set(took.map((x) => `${x.from}:${x.nonce}`)).size;
      const held =
        s.mining === "blocks" ? `, mempool held ${s.holdMempoolMs} ms${s.race ? `, race ${s.race}` : ""}` : "";
      const label = `seed ${seed} (${s.paidBy}, ${s.mining}, kill ${how}${held})`;
      console.log(
        `governor crash run ${run} ${label}: rows at kill ${stateAtKill || "none"}${finished ? " (worker done)" : ""}; ` +
          `recovered in ${recoveryMs} ms (run ${Date.now() - runAt} ms); ` +
          `${runSends.length} sends (${runSends.map((x) => x.outcome[0]).join("")}), ${replaced} replaced`,
      );
      await checkRun({ label, proposalId, onChainId, createdIn, paidBy: s.paidBy, runSends });
    }
    expect(await audit.verify()).toMatchObject({ intact: true });
    console.log(`rows by state at the kills: ${JSON.stringify(Object.fromEntries(tally))}`);
    console.log(
      `governor crash safety: ${RUNS} runs in ${Math.round((Date.now() - startedAt) / 1000)} s (first seed ${FIRST_SEED})`,
    );
    // A guard against a hang, not a speed limit: on a 2-core CI machine both crash loops and the fault suite run at
    // once, and this loop has taken 787 s there (the Snapshot one; the Governor one 480 s).
  }, 1_800_000);
});

/** One run's outcome, from the outbox, the chain, the sends the endpoint saw and the audit log. */
async function checkRun(input: {
  label: string;
  proposalId: string;
  onChainId: bigint;
  createdIn: bigint;
  paidBy: PaidBy;
  runSends: ProxiedSend[];
}): Promise<void> {
  const { label, proposalId, onChainId } = input;
  const prisma = t.db.prisma;
  const client = h.chain.client;
  const rows = await prisma.cast.findMany({ where: { proposalId } });
  expect(
    rows.map((r) => r.state),
    label,
  ).toEqual(Array(MEMBERS).fill("confirmed"));

  const events = await client.getLogs({
    address: h.simple.governor,
    event: voteCast,
    fromBlock: input.createdIn,
    toBlock: "latest",
    strict: true,
  });
  const votes = events.filter((e) => e.args.proposalId === onChainId);
  // Only the agents voted: one event per confirmed row, none from anyone else (the relayer never votes itself).
  expect(votes, label).toHaveLength(rows.filter((r) => r.state === "confirmed").length);
  const relayerVoted = await client.readContract({
    address: h.simple.governor,
    abi: governorAbi,
    functionName: "hasVoted",
    args: [onChainId, h.relayer.address],
  });
  expect(relayerVoted, label).toBe(false);
  // Every vote transaction of the run, as the endpoint received it, with what the chain made of it.
  const voteSends = await Promise.all(
    input.runSends.flatMap((send) => {
      const call = voterOf(send);
      if (!call || call.proposal !== onChainId) return [];
      return [
        client
          .getTransactionReceipt({ hash: send.hash })
          .then((r) => r.status)
          .catch(() => "unmined" as const)
          .then((mined) => ({ ...send, voter: call.voter, mined })),
      ];
    }),
  );
  expect(
    voteSends.filter((v) => v.mined === "reverted").map((v) => v.hash),
    `${label}: a vote transaction reverted (a second send of a counted vote)`,
  ).toEqual([]);
  const sender = (row: { voterAddress: string }) =>
    (input.paidBy === "relayer" ? h.relayer.address : row.voterAddress).toLowerCase();
  for (const row of rows) {
    const agent = row.voterAddress as Address;
    const hasVoted = await client.readContract({
      address: h.simple.governor,
      abi: governorAbi,
      functionName: "hasVoted",
      args: [onChainId, agent],
    });
    expect(hasVoted, `${label}, ${agent}`).toBe(true);
    const mine = votes.filter((e) => e.args.voter.toLowerCase() === agent.toLowerCase());
    expect(mine, `${label}, ${agent}: VoteCast events`).toHaveLength(1);
    const txHash = mine[0]?.transactionHash as Hex;
    // The row names the transaction that carried the vote, and so does its receipt.
    expect(row.txHash, `${label}, ${agent}`).toBe(txHash);
    expect((row.receipt as { txHash?: string }).txHash).toBe(txHash);

    // A send the endpoint never forwarded may come again, byte for byte (the same nonce and signature): a hash is one
    // transaction however often it was sent, and the node knows only the sends that reached it.
    const ours = voteSends.filter((v) => v.voter.toLowerCase() === agent.toLowerCase());
    const reached = [...new Map(ours.filter((v) => v.outcome !== "lost").map((v) => [v.hash, v])).values()];
    const landed = reached.filter((v) => v.mined === "success");
    expect(
      landed.map((v) => v.hash),
      `${label}, ${agent}`,
    ).toEqual([txHash]);
    const carrier = landed[0] as (typeof landed)[number];
    expect(carrier.from.toLowerCase()).toBe(sender(row));
    // Any other transaction of this vote the node took is a replacement at the same sender and nonce as the one that
    // landed (a transaction left pending by the dead worker, outbid by the next): at most one of them can be mined.
    for (const other of reached) {
      expect(
        { from: other.from.toLowerCase(), nonce: other.nonce, mined: other.mined === "success" ? "success" : "no" },
        `${label}, ${agent}: ${other.hash} (${other.outcome})`,
      ).toEqual({
        from: carrier.from.toLowerCase(),
        nonce: carrier.nonce,
        mined: other.hash === carrier.hash ? "success" : "no",
      });
    }
  }
  // The vote transactions the node took (accepted, or taken just as the worker died), one per sender and nonce (a
  // replacement takes its original's place in the mempool), equal the confirmed rows: no vote went out twice.
  const taken = new Set(voteSends.filter((v) => v.outcome !== "lost").map((v) => `${v.from}:${v.nonce}`));
  expect(taken.size, label).toBe(rows.filter((r) => r.state === "confirmed").length);

  const entries = await prisma.auditEntry.findMany({
    where: { proposalId, action: { startsWith: "cast." } },
    orderBy: { seq: "asc" },
  });
  for (const row of rows) {
    const mine = entries
      .map((e) => JSON.parse(e.canonical).data as { castId?: string; from?: string; to?: string; attempts?: number })
      .filter((d) => d.castId === row.id);
    expect(
      mine.filter((d) => d.to === "confirmed"),
      label,
    ).toHaveLength(1);
    expect(mine.at(-1)).toMatchObject({ to: row.state, attempts: row.attempts });
    // Each transition starts where the previous one ended, from the state the row was seeded in: the log replays the
    // row's whole history.
    expect(mine[0]?.from, label).toBe("announced");
    for (let i = 1; i < mine.length; i++) expect(mine[i]?.from, label).toBe(mine[i - 1]?.to);
    // A transaction recorded for the row is in the log too: the log names every hash the row ever named.
    expect(JSON.stringify(mine)).toContain(row.txHash as string);
  }
}
