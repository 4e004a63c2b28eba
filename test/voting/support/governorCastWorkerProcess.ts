// A Governor casting worker as its own process, for the crash test: the production parts (outbox, Governor runner,
// caster, chain client, override store, casting switch) on the test's database and chain endpoint (the test's fault
// proxy in front of the node). It loads, connects and warms up first, then prints READY, so the test can start the
// next run's worker while it checks the last one. On "GO <proposal id> <relayer|self>" on stdin it drains due votes,
// sent by the relayer (…BySig) or by each agent itself, until the proposal's rows are all settled, then prints DONE.
// The test kills it with SIGKILL at a moment of its choosing.
import { createInterface } from "node:readline";
import type { Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { createAuditLog } from "../../../src/audit/auditLog.js";
import { Secret } from "../../../src/config/secret.js";
import { openPostgres } from "../../../src/db/openPostgres.js";
import { createChainClient } from "../../../src/sources/governor/chainClient.js";
import { createCastingSwitch } from "../../../src/spaces/castingSwitch.js";
import { drainDueCasts } from "../../../src/voting/castJob.js";
import { createCastOutbox } from "../../../src/voting/castOutbox.js";
import { createGovernorCastRunner } from "../../../src/voting/governorCastRunner.js";
import { createKeyring } from "../../../src/voting/keyring.js";
import { createOverrideStore } from "../../../src/voting/overrideStore.js";
import { drainUntilSettled } from "./crashWorkers.js";

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

const chainId = Number(env("CAST_CHAIN_ID"));
const db = await openPostgres({ url: env("CAST_DATABASE_URL"), poolSize: 4 });
const prisma = db.prisma;
const audit = createAuditLog({ prisma });
const casting = createCastingSwitch({ prisma, audit });
const overrides = createOverrideStore({ prisma, audit });
const keyring = createKeyring(new Secret(env("CAST_MNEMONIC")));
const chain = createChainClient({
  chainId,
  url: env("CAST_RPC_URL"),
  timeoutMs: 5_000,
  retry: { attempts: 3, baseDelayMs: 10, maxDelayMs: 50, maxRetryAfterMs: 50 },
});
const outbox = createCastOutbox({ prisma, sql: db.sql, audit, leaseMs: Number(env("CAST_LEASE_MS")) });
const relayer = privateKeyToAccount(env("CAST_RELAYER_KEY") as Hex);
const runnerFor = (paidBy: "relayer" | "self") =>
  createGovernorCastRunner({
    prisma,
    outbox,
    casting,
    overrides,
    chains: (id) => (id === chainId ? chain : undefined),
    keyring,
    relayer: paidBy === "relayer" ? relayer : null,
    safetyMarginSeconds: 600,
    baseDelayMs: 50,
    maxDelayMs: 200,
    maxAttempts: 50,
    receiptTimeoutMs: 10_000,
  });
const runners = { relayer: runnerFor("relayer"), self: runnerFor("self") };

// Warm up what the first cast would otherwise wait for: the pool's connections, the endpoint's chain id check, the
// agents' keys.
await prisma.$queryRaw`SELECT 1`;
await casting.state();
await chain.head();
for (const index of env("CAST_AGENTS").split(",")) keyring.privateKey(Number(index));
await prisma.cast.count({ where: { state: "due" } });
process.stdout.write("READY\n");

const lines = createInterface({ input: process.stdin });
const [proposalId, paidBy] = await new Promise<[string, string]>((resolve) => {
  lines.once("line", (line) => {
    const [, id = "", mode = ""] = line.trim().split(/\s+/);
    resolve([id, mode]);
  });
});
lines.close();
if (paidBy !== "relayer" && paidBy !== "self") throw new Error(`unknown payer ${paidBy}`);

await drainUntilSettled(prisma, proposalId, () =>
  drainDueCasts({ outbox, runners: { governor: runners[paidBy] }, casting, batchSize: 5, concurrency: 3 }),
);
process.stdout.write("DONE\n");
await db.close();
