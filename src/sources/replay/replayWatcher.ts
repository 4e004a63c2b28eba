import type { AuditLog } from "../../audit/auditLog.js";
import type { PrismaClient } from "../../generated/prisma/client.js";
import type { Logger } from "../../log/logger.js";
import { type DigestJobs, queueMissingDigests } from "../digestQueueing.js";
import type { EndingSoon } from "../endingSoon.js";
import { createProposalStore, type SavedProposal } from "../proposalStore.js";
import { type ProposalRecord, snapshotState } from "../snapshot/proposalRecord.js";
import { realSleep, type Sleep } from "../snapshot/rateLimiter.js";
import { ensureSnapshotSpaces } from "../snapshot/spaceRegistry.js";
import { sweepProposalStates } from "../snapshot/stateSweep.js";
import { replayAnchor } from "./replayAnchor.js";
import type { ReplayBundle } from "./replayBundle.js";
import { replayForumTopic, replayRecord, replayWindow } from "./replayRecord.js";

// The replay source's watcher: on every poll it releases the bundled proposals whose vote has opened (relative to the
// stored anchor) into the same store, forum table and digest queue the Snapshot watcher writes, then moves states with
// the clock like the Snapshot watcher does. Its space is a Snapshot space, so everything downstream is the real path.

/** Who the replay's audit entries name. */
export const REPLAY_ACTOR = "replay-watcher";

export interface ReplayWatcherOptions {
  prisma: PrismaClient;
  audit: AuditLog;
  /** Only `enqueue` is used: each new proposal version gets a `digest.proposal` job. */
  jobs: DigestJobs;
  bundle: ReplayBundle;
  /** The Snapshot space id the proposals are replayed into, e.g. "tribune-demo.eth". */
  space: string;
  now?: () => Date;
  sleep?: Sleep;
  logger?: Pick<Logger, "info" | "error">;
  /** How long before its end an active proposal counts as ending soon (default 24 h). */
  endingSoonWindowSeconds?: number;
  onEndingSoon?: (events: readonly EndingSoon[]) => Promise<void>;
}

/** What one poll did. */
export interface ReplayReport {
  /** Bundled proposals whose vote has opened by now (stored, whether by this poll or an earlier one). */
  released: number;
  created: number;
  unchanged: number;
  edited: number;
  /** Forum topics written by this poll (each topic once, ever). */
  forumTopics: number;
  digestsQueued: number;
  stateChanges: number;
  /** Bundled proposals still to come, and when the next one opens. */
  upcoming: number;
  nextReleaseAt: Date | null;
  anchor: Date;
}

export interface ReplayWatcher {
  pollOnce(): Promise<ReplayReport>;
  /** Polls every `intervalSeconds` until `stop()`; a failed poll is logged and the next one tries again. */
  start(intervalSeconds: number): void;
  stop(): Promise<void>;
}

/** Builds the watcher; nothing runs until `pollOnce` or `start`. */
export function createReplayWatcher(options: ReplayWatcherOptions): ReplayWatcher {
  const { prisma, jobs, bundle, space } = options;
  const now = options.now ?? (() => new Date());
  const sleep = options.sleep ?? realSleep;
  const store = createProposalStore<ProposalRecord>({
    prisma,
    audit: options.audit,
    source: "snapshot",
    actor: REPLAY_ACTOR,
    stateOf: (record, at) => snapshotState(record.startAt, record.endAt, at),
    now,
  });
  let running: Promise<ReplayReport> | null = null;
  let loop: { controller: AbortController; done: Promise<void> } | null = null;

  async function poll(): Promise<ReplayReport> {
    const at = now();
    const spaceIds = await ensureSnapshotSpaces(prisma, [space]);
    const anchor = await replayAnchor(prisma, space, at);
    const due = bundle.proposals.filter((p) => replayWindow(p, anchor).start * 1000 <= at.getTime());
    const later = bundle.proposals
      .map((p) => replayWindow(p, anchor).start * 1000)
      .filter((start) => start > at.getTime())
      .sort((a, b) => a - b);
    const saved = await store.save(
      due.map((p) => replayRecord(p, space, anchor)),
      spaceIds,
    );
    // The debate first, then the digest job: the digest reads the forum rows when it runs.
    const forumTopics = await writeForumTopics(saved, due, anchor);
    const digestsQueued = await queueMissingDigests(prisma, jobs, saved);
    const sweep = await sweepProposalStates({
      prisma,
      audit: options.audit,
      now: at,
      endingSoonWindowMs: (options.endingSoonWindowSeconds ?? 86_400) * 1000,
      onEndingSoon: options.onEndingSoon,
    });
    const count = (change: SavedProposal["change"]) => saved.filter((s) => s.change === change).length;
    return {
      released: due.length,
      created: count("created"),
      unchanged: count("unchanged"),
      edited: count("edited"),
      forumTopics,
      digestsQueued,
      stateChanges: sweep.stateChanges,
      upcoming: later.length,
      nextReleaseAt: later[0] === undefined ? null : new Date(later[0]),
      anchor,
    };
  }

  async function writeForumTopics(
    saved: readonly SavedProposal[],
    due: ReplayBundle["proposals"],
    anchor: Date,
  ): Promise<number> {
    const byExternalId = new Map(due.map((p) => [p.id, p]));
    const rows = saved.flatMap((s) => {
      const bundled = byExternalId.get(s.externalId);
      if (!bundled) return [];
      const topic = replayForumTopic(bundled, anchor);
      return [{ proposalId: s.proposalId, url: topic.url, host: topic.host, status: "ok", posts: topic.posts }];
    });
    if (rows.length === 0) return 0;
    // Written once: a restart must not rewrite a debate a digest was already made from.
    const { count } = await prisma.forumTopic.createMany({ data: rows, skipDuplicates: true });
    return count;
  }

  function pollOnce(): Promise<ReplayReport> {
    // One poll at a time: the loop and a caller's pollOnce would otherwise race on the same rows.
    const next = (running ?? Promise.resolve()).catch(() => undefined).then(poll);
    running = next;
    return next;
  }

  return {
    pollOnce,

    start(intervalSeconds) {
      if (loop) return;
      const controller = new AbortController();
      const run = async () => {
        while (!controller.signal.aborted) {
          try {
            const report = await pollOnce();
            if (report.created > 0) options.logger?.info({ ...report }, "replay released proposals");
          } catch (error) {
            if (controller.signal.aborted) break;
            options.logger?.error({ err: error }, "replay poll failed; the next poll tries again");
          }
          await sleep(intervalSeconds * 1000, controller.signal).catch(() => undefined);
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
