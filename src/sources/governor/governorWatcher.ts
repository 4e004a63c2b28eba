import type { Address } from "viem";
import type { AuditLog } from "../../audit/auditLog.js";
import type { GovernorTarget } from "../../config/sources.js";
import type { PrismaClient } from "../../generated/prisma/client.js";
import type { Logger } from "../../log/logger.js";
import { type DigestJobs, queueMissingDigests } from "../digestQueueing.js";
import { announceEndingSoon, type EndingSoon } from "../endingSoon.js";
import { createPollLoop } from "../pollLoop.js";
import { createProposalStore, type SavedProposal, type SpaceIds } from "../proposalStore.js";
import { realSleep, type Sleep } from "../snapshot/rateLimiter.js";
import type { BlockInfo, ChainClient } from "./chainClient.js";
import { ChainError, ChainRateLimitedError } from "./chainErrors.js";
import { indexDelegations } from "./delegations.js";
import { FINAL_STATES, GOVERNOR_STATES } from "./governorAbi.js";
import { type ChainPace, measurePace } from "./governorClock.js";
import { createBlockCursors, ensureGovernorSpaces } from "./governorCursors.js";
import { readProposalCreated } from "./governorLogs.js";
import {
  decodeCalls,
  type GovernorInfo,
  type GovernorProposalRecord,
  governorRawSchema,
  governorSpaceId,
  readGovernorInfo,
  readProposalStatus,
  storedEvent,
  toGovernorRecord,
} from "./governorProposal.js";
import type { TokenInfo } from "./proposalCalls.js";

export const GOVERNOR_WATCHER_ACTOR = "governor-watcher";
const CURSOR_SOURCE = "governor";
const DELEGATION_CURSOR_SOURCE = "governor.delegations";

export interface GovernorWatcherOptions {
  prisma: PrismaClient;
  audit: AuditLog;
  /** Only `enqueue` is used: each new proposal version gets a `digest.proposal` job. */
  jobs: DigestJobs;
  /** GOVERNORS. */
  governors: readonly GovernorTarget[];
  /** One client per chain id the governors name. */
  clients: ReadonlyMap<number, ChainClient>;
  /** Blocks behind the head that are read (GOVERNOR_CONFIRMATIONS): a reorg shallower than this is never seen. */
  confirmations?: number;
  /** Blocks per eth_getLogs (GOVERNOR_BLOCK_RANGE); halved by itself when the endpoint refuses a range. */
  blockRange?: number;
  /** How far back a Governor seen for the first time is read (GOVERNOR_LOOKBACK_BLOCKS). */
  lookbackBlocks?: number;
  /** Ranges read per Governor per poll at most, so catching up after downtime cannot starve other work. */
  maxRangesPerPoll?: number;
  /** How far back reading starts again when a checkpoint's block hash changed (a reorg deeper than confirmations). */
  reorgRewindBlocks?: number;
  now?: () => Date;
  sleep?: Sleep;
  logger?: Pick<Logger, "info" | "warn" | "error">;
  /** Called after proposals are saved and their digests queued (e.g. to read their forum debate); must not throw. */
  onSaved?: (saved: readonly SavedProposal[]) => void;
  /** Proposals per database transaction. */
  chunkSize?: number;
  /** Index DelegateChanged on each Governor's token for Tribune's agent addresses (default true). */
  delegations?: boolean;
  /** How long before its (estimated) deadline an active proposal counts as ending soon (default one day). */
  endingSoonWindowSeconds?: number;
  /**
   * Receives each batch of newly ending-soon Governor proposals inside the transaction that records them (audit
   * `governor.proposal.ending_soon`): a throw rolls it back and the next poll offers them again. Queue a keyed job here.
   */
  onEndingSoon?: (events: readonly EndingSoon[]) => Promise<void>;
}

export interface GovernorPollReport {
  created: number;
  edited: number;
  unchanged: number;
  digestsQueued: number;
  /** Blocks read this poll, over all governors. */
  blocks: number;
  /** Stored open proposals whose figures were read again. */
  refreshed: number;
  /** Proposals the chain no longer knows (dropped by a reorg), marked deleted. */
  deleted: number;
  reorgs: number;
  /** Delegations to an agent found, and delegations away from one, this poll. */
  delegationsFound: number;
  delegationsRevoked: number;
  /** Active proposals announced as ending soon this poll. */
  endingSoon: number;
  /** Governors whose poll failed; the others went on. Each tries again from its cursor on the next poll. */
  failures: { governor: string; error: unknown }[];
}

/** Watches Governor contracts: new proposals, their state and tallies, proposals a reorg took away. */
export interface GovernorWatcher {
  /** One poll of every governor: new ProposalCreated logs up to the confirmed head, then the open proposals. */
  pollOnce(signal?: AbortSignal): Promise<GovernorPollReport>;
  /** Polls every `intervalSeconds` until `stop()`; failures are logged and the next poll tries again. */
  start(intervalSeconds: number): void;
  stop(): Promise<void>;
}

/** Builds the watcher; nothing runs until `pollOnce` or `start` is called. */
export function createGovernorWatcher(options: GovernorWatcherOptions): GovernorWatcher {
  const now = options.now ?? (() => new Date());
  const sleep = options.sleep ?? realSleep;
  const logger = options.logger ?? { info: () => undefined, warn: () => undefined, error: () => undefined };
  const confirmations = BigInt(options.confirmations ?? 12);
  const configuredRange = BigInt(Math.max(1, options.blockRange ?? 2_000));
  const lookback = BigInt(options.lookbackBlocks ?? 50_000);
  const maxRanges = options.maxRangesPerPoll ?? 50;
  const rewind = BigInt(options.reorgRewindBlocks ?? 256);
  const store = createProposalStore<GovernorProposalRecord>({
    prisma: options.prisma,
    audit: options.audit,
    source: "governor",
    actor: GOVERNOR_WATCHER_ACTOR,
    stateOf: (record) => record.state,
    now,
    chunkSize: options.chunkSize,
  });
  const cursors = createBlockCursors(options.prisma, CURSOR_SOURCE);
  const tokenCursors = createBlockCursors(options.prisma, DELEGATION_CURSOR_SOURCE);
  const governors = dedupe(options.governors);
  const infos = new Map<string, GovernorInfo>();
  const spaceIds = new Map<string, string>();
  const tokens = new Map<string, Promise<TokenInfo>>();

  function clientOf(chainId: number): ChainClient {
    const client = options.clients.get(chainId);
    if (!client) throw new Error(`No RPC client for chain ${chainId} (RPC_URL_${chainId} is checked at start-up)`);
    return client;
  }

  async function infoOf(target: GovernorTarget, signal?: AbortSignal): Promise<{ info: GovernorInfo; ids: SpaceIds }> {
    const key = governorSpaceId(target.chainId, target.address);
    let info = infos.get(key);
    if (!info) {
      info = await readGovernorInfo(clientOf(target.chainId), target.address, signal);
      const ids = await ensureGovernorSpaces(options.prisma, [info]);
      for (const [k, v] of ids) spaceIds.set(k, v);
      infos.set(key, info);
    }
    return { info, ids: spaceIds };
  }

  async function save(records: GovernorProposalRecord[], ids: SpaceIds, report: GovernorPollReport) {
    if (records.length === 0) return;
    const saved = await store.save(records, ids);
    for (const s of saved) report[s.change] += 1;
    // Rows first, jobs second, and only then may the cursor move.
    report.digestsQueued += await queueMissingDigests(options.prisma, options.jobs, saved);
    if (saved.length > 0) options.onSaved?.(saved);
  }

  async function pollGovernor(target: GovernorTarget, report: GovernorPollReport, signal?: AbortSignal) {
    const client = clientOf(target.chainId);
    const { info, ids } = await infoOf(target, signal);
    const key = governorSpaceId(info.chainId, info.address);
    const headNumber = await client.head(signal);
    const safe = headNumber - confirmations;
    const blocks = new Map<bigint, Promise<BlockInfo>>();
    const block = (n: bigint) => {
      let found = blocks.get(n);
      if (!found) {
        found = client.block(n, signal);
        blocks.set(n, found);
      }
      return found;
    };
    let pace: Promise<ChainPace> | null = null;
    const paceOf = () => {
      pace ??= block(headNumber).then((head) => measurePace(client, head, signal));
      return pace;
    };

    const cursor = await cursors.read(key);
    let from = cursor ? BigInt(cursor.next) : max(0n, safe - lookback + 1n);
    if (cursor?.checkpoint) {
      const point = BigInt(cursor.checkpoint.number);
      const now = point <= headNumber ? await block(point) : null;
      if (now?.hash !== cursor.checkpoint.hash) {
        // A reorg deeper than the confirmations: read the recent past again (saving is idempotent).
        from = max(0n, (point < safe ? point : safe) - rewind);
        report.reorgs += 1;
        logger.warn({ governor: key, checkpoint: cursor.checkpoint, from: String(from) }, "Governor chain reorganised");
      }
    }

    const seen = new Set<string>();
    let range = configuredRange;
    let last: bigint | null = null;
    for (let n = 0; n < maxRanges && from <= safe; n += 1) {
      const to = min(from + range - 1n, safe);
      const read = await readProposalCreated(client, info.address, from, to, signal);
      range = min(range, read.largestRange);
      const records: GovernorProposalRecord[] = [];
      for (const log of read.logs) {
        const status = await readProposalStatus(client, info.address, log.event.proposalId, signal, info.flavor);
        // Created in a confirmed block yet unknown to the contract: only a reorg past the confirmations does this.
        if (!status) continue;
        const calls = await decodeCalls(client, log.event, tokens, signal);
        records.push(
          await toGovernorRecord({
            info,
            event: log.event,
            createdIn: log.createdIn,
            calls,
            status,
            pace: await paceOf(),
            pastBlock: block,
          }),
        );
        seen.add(log.event.proposalId.toString());
      }
      await save(records, ids, report);
      await cursors.write(key, { next: String(to + 1n), checkpoint: null });
      report.blocks += Number(to - from + 1n);
      last = to;
      from = to + 1n;
    }
    if (last !== null) {
      const lastBlock = await block(last);
      await cursors.write(key, { next: String(last + 1n), checkpoint: { number: String(last), hash: lastBlock.hash } });
    }
    await refreshOpen(client, info, ids, seen, paceOf, block, report, signal);
    const spaceId = ids.get(key);
    if (options.delegations !== false && info.token && spaceId) {
      const changed = await indexDelegations({
        prisma: options.prisma,
        audit: options.audit,
        client,
        cursors: tokenCursors,
        spaceId,
        token: info.token,
        safeHead: safe,
        blockRange: configuredRange,
        firstBlock: max(0n, safe - lookback + 1n),
        now,
        signal,
      });
      report.delegationsFound += changed.found;
      report.delegationsRevoked += changed.revoked;
    }
  }

  /** Reads the figures of stored proposals that can still change; a proposal the chain no longer knows is deleted. */
  async function refreshOpen(
    client: ChainClient,
    info: GovernorInfo,
    ids: SpaceIds,
    seen: ReadonlySet<string>,
    paceOf: () => Promise<ChainPace>,
    block: (n: bigint) => Promise<BlockInfo>,
    report: GovernorPollReport,
    signal?: AbortSignal,
  ) {
    const spaceId = ids.get(governorSpaceId(info.chainId, info.address));
    if (!spaceId) return;
    const open = await options.prisma.proposal.findMany({
      where: {
        source: "governor",
        spaceId,
        deletedAt: null,
        state: { in: GOVERNOR_STATES.filter((s) => !FINAL_STATES.has(s)) },
      },
      select: { id: true, externalId: true, body: true, raw: true },
    });
    const records: GovernorProposalRecord[] = [];
    const gone: string[] = [];
    for (const row of open) {
      if (seen.has(row.externalId)) continue;
      const raw = governorRawSchema.parse(row.raw);
      const status = await readProposalStatus(
        client,
        info.address as Address,
        BigInt(raw.proposalId),
        signal,
        info.flavor,
      );
      report.refreshed += 1;
      if (!status) {
        gone.push(row.id);
        continue;
      }
      records.push(
        await toGovernorRecord({
          info,
          event: storedEvent(raw, row.body),
          createdIn: raw.createdIn,
          calls: raw.calls,
          status,
          pace: await paceOf(),
          pastBlock: block,
        }),
      );
    }
    await save(records, ids, report);
    report.deleted += await store.markDeleted(
      gone,
      "the Governor no longer knows it: the block that created it was reorganised away",
    );
  }

  async function poll(signal?: AbortSignal): Promise<GovernorPollReport> {
    const report: GovernorPollReport = {
      created: 0,
      edited: 0,
      unchanged: 0,
      digestsQueued: 0,
      blocks: 0,
      refreshed: 0,
      deleted: 0,
      reorgs: 0,
      delegationsFound: 0,
      delegationsRevoked: 0,
      endingSoon: 0,
      failures: [],
    };
    // Chains in parallel (each has its own endpoint); the governors of one chain one after another.
    const byChain = new Map<number, GovernorTarget[]>();
    for (const g of governors) byChain.set(g.chainId, [...(byChain.get(g.chainId) ?? []), g]);
    await Promise.all(
      [...byChain.values()].map(async (list) => {
        for (const target of list) {
          try {
            await pollGovernor(target, report, signal);
          } catch (error) {
            if (signal?.aborted) throw error;
            const governor = governorSpaceId(target.chainId, target.address);
            report.failures.push({ governor, error });
            // A failing endpoint is the chain's fault, expected and typed: what and what to do, without a stack.
            if (error instanceof ChainError) {
              logger.warn(
                { governor, code: error.code, reason: error.message, hint: error.hint },
                "Governor poll failed; the next poll tries again from its cursor",
              );
            } else {
              logger.error({ err: error, governor }, "Governor poll failed; the next poll tries again from its cursor");
            }
          }
        }
      }),
    );
    // After every governor's figures are fresh: a deadline estimate or state read this poll decides who is due.
    try {
      const due = await announceEndingSoon({
        prisma: options.prisma,
        audit: options.audit,
        source: "governor",
        actor: GOVERNOR_WATCHER_ACTOR,
        now: now(),
        endingSoonWindowMs: (options.endingSoonWindowSeconds ?? 86_400) * 1000,
        onEndingSoon: options.onEndingSoon,
      });
      report.endingSoon = due.length;
    } catch (error) {
      if (signal?.aborted) throw error;
      // Nothing was recorded (the announcement rolls back whole): the next poll offers the same proposals again.
      logger.error({ err: error }, "Announcing Governor proposals ending soon failed; the next poll tries again");
    }
    return report;
  }

  return createPollLoop({
    poll,
    name: "Governor",
    sleep,
    logger,
    retryAfterMs: (report) =>
      Math.max(
        0,
        ...report.failures.flatMap((f) =>
          f.error instanceof ChainRateLimitedError && f.error.retryAfterMs ? [f.error.retryAfterMs] : [],
        ),
      ),
  });
}

function dedupe(targets: readonly GovernorTarget[]): GovernorTarget[] {
  return [...new Map(targets.map((t) => [governorSpaceId(t.chainId, t.address), t])).values()];
}

const max = (a: bigint, b: bigint) => (a > b ? a : b);
const min = (a: bigint, b: bigint) => (a < b ? a : b);
