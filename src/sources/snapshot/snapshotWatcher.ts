import type { AuditLog } from "../../audit/auditLog.js";
import type { PrismaClient } from "../../generated/prisma/client.js";
import type { Logger } from "../../log/logger.js";
import type { DigestJobs } from "../digestQueueing.js";
import { createProposalStore, type SavedProposal } from "../proposalStore.js";
import { createSnapshotCursors } from "./cursorStore.js";
import { applyFeedPage } from "./feedPage.js";
import type { HubClient } from "./hubClient.js";
import { HubRateLimitedError } from "./hubErrors.js";
import { chunk, hubLimits } from "./hubLimits.js";
import { proposalFeedRequest } from "./operations/proposalFeed.js";
import { proposalsWhereRequest } from "./operations/proposalsWhere.js";
import { type ProposalRecord, snapshotState } from "./proposalRecord.js";
import { realSleep, type Sleep } from "./rateLimiter.js";
import { backfillNewSpaces } from "./spaceBackfill.js";
import { ensureSnapshotSpaces } from "./spaceRegistry.js";
import { type EndingSoon, sweepProposalStates, WATCHER_ACTOR } from "./stateSweep.js";
import {
  type ApplyReport,
  addReports,
  applyHubProposals,
  emptyApplyReport,
  type WatchContext,
} from "./watchContext.js";

export interface SnapshotWatcherOptions {
  hub: HubClient;
  prisma: PrismaClient;
  audit: AuditLog;
  /** The job queue (only `enqueue` is used): each new proposal version gets a `digest.proposal` job. */
  jobs: DigestJobs;
  /** SNAPSHOT_SPACES. */
  spaces: readonly string[];
  /**
   * Read before every poll: spaces stewards added (and minus those they removed) since start-up, so `/space add`
   * takes effect at the next poll without a restart. The watched set is `spaces` plus these.
   */
  dynamicSpaces?: () => Promise<{ added: readonly string[]; removed: readonly string[] }>;
  now?: () => Date;
  sleep?: Sleep;
  logger?: Pick<Logger, "info" | "warn" | "error">;
  /** How long before its end an active proposal is announced as ending soon (default 24 h). */
  endingSoonWindowSeconds?: number;
  /** Receives ending-soon proposals, at least once each (see {@link sweepProposalStates}). */
  onEndingSoon?: (events: readonly EndingSoon[]) => Promise<void>;
  /** Called after proposals are saved (e.g. to read their forum debate); must not throw. */
  onSaved?: (saved: readonly SavedProposal[]) => void;
  /** Proposals are asked for from this long before the cursor's time: the sequencer accepts clocks 300 s fast. */
  overlapSeconds?: number;
  /** How long a message whose proposal the hub does not return is asked about again (default 15 min). */
  giveUpSeconds?: number;
  /** Log pages read per poll at most, so catching up after downtime cannot starve other work. */
  maxPagesPerPoll?: number;
  /** Proposals per database transaction. */
  chunkSize?: number;
}

export interface PollReport extends ApplyReport {
  backfilledSpaces: number;
  messages: number;
  deleted: number;
  waiting: number;
  stateChanges: number;
  endingSoon: number;
}

/** Watches Snapshot spaces: new proposals, edits, deletions, state changes and proposals ending soon. */
export interface SnapshotWatcher {
  /** One poll: backfill new spaces, read the log to its end (or the page cap), then sweep states. */
  pollOnce(signal?: AbortSignal): Promise<PollReport>;
  /**
   * A hint (from the webhook) that these proposals changed: they are fetched from the hub at once. Hints arriving
   * while one is fetched are gathered into the next fetch. Resolves when the hinted proposals are written.
   */
  hint(proposalId: string): Promise<void>;
  /** Polls every `intervalSeconds` until `stop()`; failures are logged and the next poll tries again. */
  start(intervalSeconds: number): void;
  stop(): Promise<void>;
}

/** Builds the watcher; nothing runs until `pollOnce`, `hint` or `start` is called. */
export function createSnapshotWatcher(options: SnapshotWatcherOptions): SnapshotWatcher {
  const now = options.now ?? (() => new Date());
  const sleep = options.sleep ?? realSleep;
  const logger = options.logger ?? { info: () => undefined, warn: () => undefined, error: () => undefined };
  let spaces = [...new Set(options.spaces)];
  let spaceBatches = chunk(spaces, hubLimits.proposalSpaceIn);
  const store = createProposalStore<ProposalRecord>({
    prisma: options.prisma,
    audit: options.audit,
    source: "snapshot",
    actor: WATCHER_ACTOR,
    stateOf: (record, at) => snapshotState(record.startAt, record.endAt, at),
    now,
    chunkSize: options.chunkSize,
  });
  const cursors = createSnapshotCursors(options.prisma);
  let context: WatchContext | null = null;
  let allBackfilled = false;

  // Polls and webhook fetches write the same rows; running them one at a time keeps each one's reads current.
  let tail: Promise<unknown> = Promise.resolve();
  function serial<T>(task: () => Promise<T>): Promise<T> {
    const run = tail.then(task, task);
    tail = run.catch(() => undefined);
    return run;
  }

  async function ctx(): Promise<WatchContext> {
    context ??= {
      hub: options.hub,
      prisma: options.prisma,
      store,
      jobs: options.jobs,
      spaceIds: await ensureSnapshotSpaces(options.prisma, spaces),
      now,
      logger,
      onSaved: options.onSaved,
    };
    return context;
  }

  /** Brings the watched set up to date; a change re-reads the space rows and backfills the new spaces. */
  async function refreshSpaces(): Promise<void> {
    if (!options.dynamicSpaces) return;
    const { added, removed } = await options.dynamicSpaces();
    const gone = new Set(removed);
    const next = [...new Set([...options.spaces, ...added])].filter((space) => !gone.has(space)).sort();
    if (next.join("\n") === [...spaces].sort().join("\n")) return;
    spaces = next;
    spaceBatches = chunk(spaces, hubLimits.proposalSpaceIn);
    context = null;
    allBackfilled = false;
  }

  async function poll(signal?: AbortSignal): Promise<PollReport> {
    await refreshSpaces();
    if (spaces.length === 0) {
      return {
        ...emptyApplyReport(),
        backfilledSpaces: 0,
        messages: 0,
        deleted: 0,
        waiting: 0,
        stateChanges: 0,
        endingSoon: 0,
      };
    }
    const c = await ctx();
    const report: PollReport = {
      ...emptyApplyReport(),
      backfilledSpaces: 0,
      messages: 0,
      deleted: 0,
      waiting: 0,
      stateChanges: 0,
      endingSoon: 0,
    };
    if (!allBackfilled) {
      const backfill = await backfillNewSpaces(c, cursors, spaces, signal);
      report.backfilledSpaces = backfill.spaces;
      addReports(report, backfill.report);
      allBackfilled = true;
    }
    const maxPages = options.maxPagesPerPoll ?? 20;
    for (let page = 0; page < maxPages; page += 1) {
      const cursor = await cursors.readFeed();
      if (!cursor) throw new Error("The feed cursor is missing after the backfill wrote it");
      const since = Math.max(1, cursor.timestamp - (options.overlapSeconds ?? 300));
      const { feed, recent } = await c.hub.send(
        proposalFeedRequest({ afterMci: cursor.mci, spaceBatches, since }),
        signal,
      );
      const outcome = await applyFeedPage(
        c,
        { messages: feed, recent, waiting: cursor.waiting, giveUpSeconds: options.giveUpSeconds ?? 900 },
        signal,
      );
      const last = feed[feed.length - 1];
      // Only now, with every row of the page committed and its jobs queued, does the cursor move past it.
      await cursors.writeFeed({
        mci: last?.mci ?? cursor.mci,
        timestamp: last?.timestamp ?? cursor.timestamp,
        waiting: outcome.waiting,
      });
      addReports(report, outcome);
      report.messages += feed.length;
      report.deleted += outcome.deleted;
      report.waiting = outcome.waiting.length;
      if (feed.length < hubLimits.first) break;
    }
    const sweep = await sweepProposalStates({
      prisma: options.prisma,
      audit: options.audit,
      now: now(),
      endingSoonWindowMs: (options.endingSoonWindowSeconds ?? 86_400) * 1000,
      onEndingSoon: options.onEndingSoon,
    });
    report.stateChanges = sweep.stateChanges;
    report.endingSoon = sweep.endingSoon.length;
    return report;
  }

  async function refresh(ids: readonly string[], signal?: AbortSignal): Promise<void> {
    const c = await ctx();
    for (const group of chunk(chunk(ids, hubLimits.inList), hubLimits.rootFields)) {
      const answers = await c.hub.send(
        proposalsWhereRequest(
          "proposalRefresh",
          group.map((part) => ({ where: { id_in: part }, first: hubLimits.inList })),
        ),
        signal,
      );
      const found = answers.flat();
      await applyHubProposals(c, found);
      // A proposal Tribune stored that the hub no longer has is gone, whatever the hint said.
      const foundIds = new Set(found.map((p) => p.id));
      const stored = await options.prisma.proposal.findMany({
        where: {
          source: "snapshot",
          externalId: { in: group.flat().filter((id) => !foundIds.has(id)) },
          deletedAt: null,
        },
        select: { id: true },
      });
      await store.markDeleted(
        stored.map((s) => s.id),
        "the hub no longer returns it (checked after a webhook)",
      );
    }
  }

  let pendingHints = new Set<string>();
  let flush: Promise<void> | null = null;
  let loop: { controller: AbortController; done: Promise<void> } | null = null;

  return {
    pollOnce: (signal) => serial(() => poll(signal)),

    hint(proposalId) {
      pendingHints.add(proposalId);
      flush ??= serial(async () => {
        const ids = [...pendingHints];
        pendingHints = new Set();
        flush = null;
        await refresh(ids);
      });
      return flush;
    },

    start(intervalSeconds) {
      if (loop) return;
      const controller = new AbortController();
      const run = async () => {
        while (!controller.signal.aborted) {
          const started = Date.now();
          let waitMs = intervalSeconds * 1000;
          try {
            const report = await serial(() => poll(controller.signal));
            logger.info({ ...report }, "Snapshot poll done");
          } catch (error) {
            if (controller.signal.aborted) break;
            if (error instanceof HubRateLimitedError) waitMs = Math.max(waitMs, error.retryAfterMs);
            logger.error({ err: error }, "Snapshot poll failed; the next poll tries again from the same cursor");
          }
          await sleep(Math.max(0, waitMs - (Date.now() - started)), controller.signal).catch(() => undefined);
        }
      };
      loop = { controller, done: run() };
    },

    async stop() {
      if (!loop) return;
      loop.controller.abort();
      await loop.done;
      loop = null;
    },
  };
}
