import type { AuditLog } from "../../audit/auditLog.js";
import type { GovernorTarget } from "../../config/sources.js";
import type { PrismaClient } from "../../generated/prisma/client.js";
import type { ProposalState } from "../../generated/prisma/enums.js";
import type { Logger } from "../../log/logger.js";
import { DEFAULT_TAXONOMY } from "../../values/taxonomy.js";
import { type DigestJobs, queueMissingDigests } from "../digestQueueing.js";
import { governorSpaceId } from "../governor/governorProposal.js";
import { createPollLoop } from "../pollLoop.js";
import { createProposalStore, type SavedProposal } from "../proposalStore.js";
import { realSleep, type Sleep } from "../snapshot/rateLimiter.js";
import { type TallyClient, tallyGovernorId } from "./tallyClient.js";
import { TallyRateLimitedError } from "./tallyErrors.js";
import { type TallyProposalRecord, tallyState, toTallyRecord } from "./tallyProposal.js";

// The optional Tally adapter behind the same interface as the chain reader: it fills the same Governor spaces
// ("<chainId>:<address>") with proposals of source "tally" through the same store, digest jobs and audit entries.
// Tally has no status filter, so the filter is applied here; pages go newest first and reading stops at the first
// page with nothing left to learn, so a poll costs one request per governor once caught up (free keys: ~1 req/s).

export const TALLY_WATCHER_ACTOR = "tally-watcher";

/** States after which a Tally proposal no longer changes. */
const FINAL: ReadonlySet<ProposalState> = new Set(["canceled", "defeated", "expired", "executed", "closed"]);

export interface TallyWatcherOptions {
  prisma: PrismaClient;
  audit: AuditLog;
  jobs: DigestJobs;
  client: TallyClient;
  /** The Governors to read from Tally (GOVERNORS, or a subset the chain reader does not cover). */
  governors: readonly GovernorTarget[];
  /**
   * The client-side status filter: a proposal Tribune has not stored yet is stored only in one of these states
   * (default: every state). Proposals already stored are always updated, so their state changes are followed.
   */
  states?: readonly ProposalState[];
  /** Pages (of up to 20) read per governor per poll at most. */
  maxPagesPerPoll?: number;
  pageSize?: number;
  now?: () => Date;
  sleep?: Sleep;
  logger?: Pick<Logger, "info" | "warn" | "error">;
  onSaved?: (saved: readonly SavedProposal[]) => void;
}

export interface TallyPollReport {
  created: number;
  edited: number;
  unchanged: number;
  digestsQueued: number;
  pages: number;
  /** Proposals Tally returned that the status filter left out. */
  filteredOut: number;
  failures: { governor: string; error: unknown }[];
}

export interface TallyWatcher {
  pollOnce(signal?: AbortSignal): Promise<TallyPollReport>;
  start(intervalSeconds: number): void;
  stop(): Promise<void>;
}

/** Builds the Tally watcher; nothing runs until `pollOnce` or `start`. */
export function createTallyWatcher(options: TallyWatcherOptions): TallyWatcher {
  const now = options.now ?? (() => new Date());
  const sleep = options.sleep ?? realSleep;
  const logger = options.logger ?? { info: () => undefined, warn: () => undefined, error: () => undefined };
  const keep = options.states ? new Set(options.states) : null;
  const maxPages = options.maxPagesPerPoll ?? 5;
  const store = createProposalStore<TallyProposalRecord>({
    prisma: options.prisma,
    audit: options.audit,
    source: "tally",
    actor: TALLY_WATCHER_ACTOR,
    stateOf: (record) => record.state,
    now,
  });

  async function spaceOf(target: GovernorTarget): Promise<string> {
    const externalId = governorSpaceId(target.chainId, target.address);
    const row = await options.prisma.space.upsert({
      where: { kind_externalId: { kind: "governor", externalId } },
      create: {
        kind: "governor",
        externalId,
        name: tallyGovernorId(target.chainId, target.address),
        chainId: target.chainId,
        taxonomy: DEFAULT_TAXONOMY,
      },
      // The chain reader or a steward owns the name and token; Tally does not overwrite them.
      update: {},
      select: { id: true },
    });
    return row.id;
  }

  async function pollGovernor(target: GovernorTarget, report: TallyPollReport, signal?: AbortSignal) {
    const spaceId = await spaceOf(target);
    const ids = new Map([[governorSpaceId(target.chainId, target.address), spaceId]]);
    let cursor: string | null = null;
    for (let page = 0; page < maxPages; page += 1) {
      const answer = await options.client.proposalsPage(
        { governorId: tallyGovernorId(target.chainId, target.address), afterCursor: cursor, limit: options.pageSize },
        signal,
      );
      report.pages += 1;
      const stored = await options.prisma.proposal.findMany({
        where: { source: "tally", spaceId, externalId: { in: answer.proposals.map((p) => p.id) } },
        select: { externalId: true, state: true },
      });
      const known = new Map(stored.map((s) => [s.externalId, s.state]));
      const records: TallyProposalRecord[] = [];
      for (const proposal of answer.proposals) {
        const state = tallyState(proposal.status);
        if (state === null || (keep && !keep.has(state) && !known.has(proposal.id))) {
          report.filteredOut += 1;
          continue;
        }
        records.push(toTallyRecord(target.chainId, target.address, proposal, state));
      }
      if (records.length > 0) {
        const saved = await store.save(records, ids);
        for (const s of saved) report[s.change] += 1;
        report.digestsQueued += await queueMissingDigests(options.prisma, options.jobs, saved);
        if (saved.length > 0) options.onSaved?.(saved);
      }
      // Newest first: a page where every proposal is final and nothing was new or changed says nothing new about the
      // older ones either (Tally ids grow), so reading stops there.
      const settled = answer.proposals.every((p) => {
        const state = tallyState(p.status);
        if (state === null) return true;
        const before = known.get(p.id);
        const kept = !keep || keep.has(state) || before !== undefined;
        return FINAL.has(state) && (kept ? before === state : true);
      });
      cursor = answer.lastCursor;
      if (cursor === null || answer.proposals.length === 0 || settled) break;
    }
  }

  async function poll(signal?: AbortSignal): Promise<TallyPollReport> {
    const report: TallyPollReport = {
      created: 0,
      edited: 0,
      unchanged: 0,
      digestsQueued: 0,
      pages: 0,
      filteredOut: 0,
      failures: [],
    };
    // One governor after another: Tally's rate limit is per key, not per governor.
    for (const target of options.governors) {
      try {
        await pollGovernor(target, report, signal);
      } catch (error) {
        if (signal?.aborted) throw error;
        const governor = governorSpaceId(target.chainId, target.address);
        report.failures.push({ governor, error });
        logger.error({ err: error, governor }, "Tally poll failed; the next poll tries again");
      }
    }
    return report;
  }

  return createPollLoop({
    poll,
    name: "Tally",
    sleep,
    logger,
    retryAfterMs: (report) =>
      Math.max(
        0,
        ...report.failures.flatMap((f) =>
          f.error instanceof TallyRateLimitedError && f.error.retryAfterMs ? [f.error.retryAfterMs] : [],
        ),
      ),
  });
}
