// A casting worker as its own process, for the crash test: the production parts (outbox, runner, caster, hub reader)
// on the test's database, hub and sequencer. It loads and connects first and prints READY (loading snapshot.js takes
// seconds, so the test starts the next run's worker while it checks the last one); on "GO <proposal id>" on stdin it
// drains due votes until the proposal's rows are all settled, then prints DONE. The test kills it at a random moment.
import { createInterface } from "node:readline";
import { createAuditLog } from "../../../src/audit/auditLog.js";
import { Secret } from "../../../src/config/secret.js";
import { openPostgres } from "../../../src/db/openPostgres.js";
import { createHubClient } from "../../../src/sources/snapshot/hubClient.js";
import { createRateLimiter } from "../../../src/sources/snapshot/rateLimiter.js";
import { createSnapshotVoteReader } from "../../../src/sources/snapshot/voteReader.js";
import { createCastingSwitch } from "../../../src/spaces/castingSwitch.js";
import { drainDueCasts } from "../../../src/voting/castJob.js";
import { createCastOutbox } from "../../../src/voting/castOutbox.js";
import { createKeyring } from "../../../src/voting/keyring.js";
import { createSnapshotCaster } from "../../../src/voting/snapshot/snapshotCaster.js";
import { createSnapshotCastRunner } from "../../../src/voting/snapshotCastRunner.js";
import { drainUntilSettled } from "./crashWorkers.js";

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

const db = await openPostgres({ url: env("CAST_DATABASE_URL"), poolSize: 4 });
const prisma = db.prisma;
const audit = createAuditLog({ prisma });
const casting = createCastingSwitch({ prisma, audit });
const keyring = createKeyring(new Secret(env("CAST_MNEMONIC")));
const votes = createSnapshotVoteReader({
  hub: createHubClient({
    url: env("CAST_HUB_URL"),
    timeoutMs: 5_000,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.min(ms, 50))),
    rateLimiter: createRateLimiter({ requests: 100_000 }),
  }),
});
const outbox = createCastOutbox({ prisma, sql: db.sql, audit, leaseMs: Number(env("CAST_LEASE_MS")) });
const runner = createSnapshotCastRunner({
  prisma,
  sql: db.sql,
  outbox,
  votes,
  caster: createSnapshotCaster({ keyring, sequencerUrl: env("CAST_SEQUENCER_URL"), timeoutMs: 5_000 }),
  safetyMarginSeconds: 600,
  baseDelayMs: 50,
  maxDelayMs: 200,
  maxAttempts: 50,
});
// Warm up what the first cast would otherwise wait for: the pool's connections, the agents' keys.
await prisma.$queryRaw`SELECT 1`;
await casting.state();
for (let i = 0; i < Number(env("CAST_AGENTS")); i++) keyring.signer(i);
await keyring
  .signer(0)
  ._signTypedData(
    { name: "snapshot", version: "0.1.4" },
    { Vote: [{ name: "from", type: "string" }] },
    { from: keyring.address(0) },
  );
await votes.votesBy({ voters: [keyring.address(0)], proposals: ["0xwarmup"] });
await prisma.cast.count({ where: { state: "due" } });
process.stdout.write("READY\n");
const lines = createInterface({ input: process.stdin });
const proposalId = await new Promise<string>((resolve) => {
  lines.once("line", (line) => resolve(line.replace(/^GO /, "").trim()));
});
lines.close();

await drainUntilSettled(prisma, proposalId, () =>
  drainDueCasts({ outbox, runner, casting, batchSize: 3, concurrency: 3 }),
);
process.stdout.write("DONE\n");
await db.close();
