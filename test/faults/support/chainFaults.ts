import type { PrismaClient } from "../../../src/generated/prisma/client.js";
import type { FakeJsonRpcServer } from "../../fakes/jsonRpcServer.js";

// The chain RPC's faults in the fault suite, in two waves. The first meets the watcher as it reads the new Governor
// proposal: 429s, 503s on eth_getLogs, a proxy's HTML page instead of JSON, a result of the wrong shape, a head read
// that answers past Tribune's RPC timeout. The second meets the casters as the Governor votes come due: an outage of
// the whole endpoint, then a vote's transaction whose send answers only after the timeout (the node took it: the
// retry must find it, not send another), 429s and a wrong-shaped result on calls, a receipt that is not JSON.

/** GOVERNOR_RPC_TIMEOUT_MS is 3 s in the fault world: these answers come too late. */
const PAST_TIMEOUT_MS = 4_500;
const OUTAGE_MS = 8_000;
/** How long the outage may be held past its 8 s for a first request to meet it. */
const HOLD_MAX_MS = 60_000;

/** Queues the faults the watcher meets reading a new proposal; returns how many were queued. */
export function queueReadingFaults(rpc: FakeJsonRpcServer): number {
  rpc.failNext(null, { kind: "http", status: 429, retryAfter: "1" }, 2);
  rpc.failNext("eth_getLogs", { kind: "http", status: 503 }, 2);
  rpc.failNext("eth_getLogs", { kind: "malformed", shape: "not-json" });
  rpc.failNext("eth_call", { kind: "malformed", shape: "wrong-result" });
  rpc.failNext("eth_blockNumber", { kind: "slow", ms: PAST_TIMEOUT_MS });
  return 7;
}

export interface CastingFaults {
  /** Requests refused during the outage. */
  outage: number;
  /** How long the endpoint was down, in ms: 8 s, or longer when it was held for a first request. */
  downMs: number;
  /** Counted faults queued after it. */
  queued: number;
}

/**
 * Waits until the first Governor vote of `spaceId` is about to come due (its veto window ending), then takes the
 * endpoint down for 8 s and queues the casting faults. Reads of the database that fail (PostgreSQL restarting under
 * the suite) are read again.
 */
export async function faultCasting(
  rpc: FakeJsonRpcServer,
  prisma: PrismaClient,
  spaceId: string,
  options: { timeoutMs: number; step: (what: string) => void },
): Promise<CastingFaults> {
  const deadline = Date.now() + options.timeoutMs;
  let due: Date | null = null;
  while (!due) {
    if (Date.now() > deadline) throw new Error("no Governor vote was announced in time");
    const row = await prisma.cast
      .findFirst({
        where: { spaceId, dueAt: { not: null }, state: { in: ["announced", "due", "signing", "submitted"] } },
        orderBy: { dueAt: "asc" },
      })
      .catch(() => null);
    due = row?.dueAt ?? null;
    if (!due) await sleep(250);
  }
  // Down 3 s before the first vote is due: the casting faults queued after the outage must meet the sends, so no
  // vote may go out before it begins, even when this process's timers run late.
  await sleep(Math.max(0, due.getTime() - Date.now() - 3_000));
  const before = rpc.served.get("http 503") ?? 0;
  const refused = () => (rpc.served.get("http 503") ?? 0) - before;
  const down = { kind: "http", status: 503 } as const;
  options.step("chain RPC down for 8 s as the Governor votes come due");
  const began = Date.now();
  rpc.failFor(OUTAGE_MS, down);
  await sleep(OUTAGE_MS);
  // 8 s can pass without a single request: the workers enqueue casting every 15 s, and the gateway (whose watcher
  // polls the chain every 2 s) may be restarting after its SIGKILL. The endpoint then stays down, in short
  // extensions, until a request has met it, so every run tests the outage.
  const holdUntil = Date.now() + HOLD_MAX_MS;
  const EXTENSION_MS = 500;
  let held = false;
  while (refused() === 0 && Date.now() < holdUntil) {
    held = true;
    rpc.failFor(EXTENSION_MS, down);
    await sleep(100);
  }
  if (held) await sleep(EXTENSION_MS);
  const outage = refused();
  const downMs = Date.now() - began;
  options.step(
    `chain RPC up again after ${(downMs / 1000).toFixed(1)} s (${outage} requests refused); casting faults queued`,
  );
  rpc.failNext("eth_sendRawTransaction", { kind: "slow", ms: PAST_TIMEOUT_MS });
  rpc.failNext("eth_call", { kind: "http", status: 429, retryAfter: "1" }, 2);
  rpc.failNext("eth_call", { kind: "malformed", shape: "wrong-result" });
  rpc.failNext("eth_getTransactionReceipt", { kind: "malformed", shape: "not-json" });
  return { outage, downMs, queued: 5 };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
