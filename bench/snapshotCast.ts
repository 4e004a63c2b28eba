// Signing and submitting 10,000 personal-agent votes to the local sequencer (goal: at least 200 votes/s), and the
// memory it takes. The sequencer (verifying each signature with snapshot.js, signing receipts) runs in a child
// process, as the real one is another machine; this process does what Tribune does: derive the agents, sign with
// snapshot.js's Client712, POST, read the answer. BENCH_CAST_VOTES (default 10000) and BENCH_CAST_CONCURRENCY
// (default 16: votes in flight at once) change the run.
import { type ChildProcess, fork } from "node:child_process";
import { randomBytes } from "node:crypto";
import os from "node:os";
import v8 from "node:v8";
import vm from "node:vm";
import { entropyToMnemonic } from "@ethersproject/hdnode";
import { Secret } from "../src/config/secret.js";
import { createKeyring, type Keyring } from "../src/voting/keyring.js";
import { createSnapshotCaster, type SnapshotCastOutcome } from "../src/voting/snapshot/snapshotCaster.js";
import { snapshotVoteReason } from "../src/voting/snapshot/voteMessage.js";

const SPACE = "bench.eth";

/** Prints derivation, signing and casting throughput, and memory. */
export async function run(): Promise<void> {
  const votes = Number(process.env.BENCH_CAST_VOTES ?? 10_000);
  const concurrency = Number(process.env.BENCH_CAST_CONCURRENCY ?? 16);
  console.log(`  load average ${os.loadavg()[0]?.toFixed(1)} on ${os.availableParallelism()} cores`);
  const warmUp = 50;
  const keyring = createKeyring(new Secret(entropyToMnemonic(randomBytes(16))), { cacheSize: votes + warmUp });

  let started = performance.now();
  const voters = Array.from({ length: votes + warmUp }, (_, i) => keyring.address(i));
  const deriveMs = performance.now() - started;
  console.log(
    `  derived ${votes.toLocaleString("en-US")} agents in ${ms(deriveMs)} (${((deriveMs * 1000) / voters.length).toFixed(0)} µs each, once per agent; kept in the keyring's cache)`,
  );

  const child = fork(new URL("./snapshotSequencerProcess.ts", import.meta.url), [], {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  try {
    const { url, proposal } = await ask<{ url: string; proposal: string }>(child, { space: SPACE, voters });
    const caster = createSnapshotCaster({ keyring, sequencerUrl: url });
    const ballot = (i: number) => ({
      space: SPACE,
      proposal,
      votingType: "basic" as const,
      privacy: "",
      choice: 1 + (i % 3),
      reason: snapshotVoteReason("Security and treasury prudence decided it: +1.8 against −0.6.", "ab".repeat(32)),
      digestHash: "cd".repeat(32),
    });
    // Warm-up on agents outside the measured set: JIT, the connection pool, the sequencer's first verify.
    for (let i = 0; i < warmUp; i++) await caster.cast(votes + i, ballot(i));

    const retainedBefore = heapAfterGc();
    const memory = sampleMemory();
    const cpu = process.cpuUsage();
    started = performance.now();
    const kinds = new Map<string, number>();
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < votes; i = next++) {
        const outcome: SnapshotCastOutcome = await caster.cast(i, ballot(i));
        const key = outcome.kind === "accepted" ? "accepted" : `${outcome.kind}:${outcome.code}`;
        kinds.set(key, (kinds.get(key) ?? 0) + 1);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    const wallMs = performance.now() - started;
    const used = process.cpuUsage(cpu);
    const peak = memory.stop();
    const server = await ask<{ stored: number; votesOnHub: number; cpuMs: number }>(child, "count");
    const retainedAfter = heapAfterGc();
    const cpuPerVoteMs = (used.user + used.system) / 1000 / votes;

    console.log(
      `  ${votes.toLocaleString("en-US")} votes signed and submitted in ${ms(wallMs)}: ` +
        `${((votes * 1000) / wallMs).toFixed(0)} votes/s (goal ≥ 200), ${concurrency} in flight; ` +
        `Tribune's CPU ${ms((used.user + used.system) / 1000)} (${(cpuPerVoteMs * 1000).toFixed(0)} µs a vote: ` +
        `${(1000 / cpuPerVoteMs).toFixed(0)} votes/s per core on Tribune's side)`,
    );
    console.log(
      `  outcomes ${JSON.stringify(Object.fromEntries(kinds))}; the sequencer stored ${server.stored.toLocaleString("en-US")} ` +
        `messages (${server.votesOnHub.toLocaleString("en-US")} votes on the hub, warm-up included), its CPU ${ms(server.cpuMs)} in all`,
    );
    console.log(
      `  memory: heap peak ${mb(peak.heapPeak)}, rss peak ${mb(peak.rssPeak)}; live heap after GC ${mb(retainedBefore)} ` +
        `before the run, ${mb(retainedAfter)} after (${(((retainedAfter - retainedBefore) / votes) * 1).toFixed(0)} bytes kept a vote; ` +
        `the keyring's ${(votes + warmUp).toLocaleString("en-US")} cached signers were already there)`,
    );
    await measureSigningAlone(keyring, proposal);
  } finally {
    child.send("stop");
  }
}

/** Signing alone, without the network: what each vote costs this process before it is sent. */
async function measureSigningAlone(keyring: Keyring, proposal: string): Promise<void> {
  const n = 2_000;
  const domain = { name: "snapshot", version: "0.1.4" };
  const field = (name: string, type: string) => ({ name, type });
  // snapshot.js's `voteTypes` (src/sign/types.ts), which Client712 signs basic votes with.
  const types = {
    Vote: [
      field("from", "string"),
      field("space", "string"),
      field("timestamp", "uint64"),
      field("proposal", "string"),
      field("choice", "uint32"),
      field("reason", "string"),
      field("app", "string"),
      field("metadata", "string"),
    ],
  };
  const started = performance.now();
  for (let i = 0; i < n; i++) {
    const signer = keyring.signer(i);
    const message = {
      from: signer.address,
      space: SPACE,
      timestamp: 1,
      proposal,
      choice: 1,
      reason: "",
      app: "tribune",
      metadata: "{}",
    };
    await signer._signTypedData(domain, types, message);
  }
  const elapsed = performance.now() - started;
  console.log(
    `  signing alone (EIP-712 with ethers v5, no network): ${((n * 1000) / elapsed).toFixed(0)} signatures/s on one core`,
  );
}

function ask<T>(child: ChildProcess, message: unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    child.once("message", (answer) => resolve(answer as T));
    child.once("exit", (code) => reject(new Error(`the sequencer process exited (${code})`)));
    child.send(message as never);
  });
}

// Live memory, not garbage waiting for collection: a full GC first (exposed at run time, as tsx runs without the flag).
v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;
function heapAfterGc(): number {
  gc();
  return process.memoryUsage().heapUsed;
}

function sampleMemory(): { stop(): { heapStart: number; heapPeak: number; rssPeak: number } } {
  const heapStart = process.memoryUsage().heapUsed;
  let heapPeak = heapStart;
  let rssPeak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    const now = process.memoryUsage();
    heapPeak = Math.max(heapPeak, now.heapUsed);
    rssPeak = Math.max(rssPeak, now.rss);
  }, 50);
  return {
    stop() {
      clearInterval(timer);
      return { heapStart, heapPeak, rssPeak };
    },
  };
}

const ms = (value: number) => (value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${value.toFixed(0)} ms`);
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
