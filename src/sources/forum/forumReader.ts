import type { PrismaClient } from "../../generated/prisma/client.js";
import type { Logger } from "../../log/logger.js";
import { chunk } from "../snapshot/hubLimits.js";
import { defaultBudget, type KeptPost, type SelectionBudget, selectDebate } from "./debateSelection.js";
import type { DiscourseClient } from "./discourseClient.js";
import type { DiscoursePost } from "./discourseTopic.js";
import { ForumError, type ForumStatus } from "./forumErrors.js";
import { findTopicLinks, type TopicLink } from "./topicLinks.js";

export interface ForumReaderOptions {
  prisma: PrismaClient;
  client: DiscourseClient;
  /** FORUM_HOSTS. */
  allowedHosts: readonly string[];
  budget?: SelectionBudget;
  /** Posts read per topic at most (first page included): a 5,000-post thread is sampled, not read whole. */
  maxPostsRead?: number;
  /** An open proposal's topics are read again when older than this (default 30 min). */
  refreshSeconds?: number;
  now?: () => Date;
  logger?: Pick<Logger, "warn">;
}

/** One topic's outcome. */
export interface TopicOutcome {
  url: string;
  status: ForumStatus;
  posts: number;
  error?: string;
}

/** Reads the Discourse debate proposals link to into ForumTopic rows; a failing forum is recorded, never thrown. */
export interface ForumReader {
  /** Reads (again) every topic one proposal links to. */
  readProposal(proposalId: string, signal?: AbortSignal): Promise<TopicOutcome[]>;
  /** Reads topics of open proposals never read or last read over `refreshSeconds` ago, at most `limit` proposals. */
  refreshOpen(limit?: number, signal?: AbortSignal): Promise<TopicOutcome[]>;
}

/** Posts per `/t/<id>/posts.json` request: Discourse's own chunk size for topic pages. */
const POSTS_PER_REQUEST = 20;
/** Open proposals looked at per database page when refreshing. */
const OPEN_PAGE = 200;

export function createForumReader(options: ForumReaderOptions): ForumReader {
  const { prisma, client } = options;
  const now = options.now ?? (() => new Date());
  const budget = options.budget ?? defaultBudget;
  const maxPostsRead = options.maxPostsRead ?? 200;

  async function readTopic(link: TopicLink, signal?: AbortSignal): Promise<KeptPost[]> {
    const topic = await client.topic(link, signal);
    const posts = new Map<number, DiscoursePost>(topic.post_stream.posts.map((p) => [p.id, p]));
    const missing = topic.post_stream.stream
      .filter((id) => !posts.has(id))
      .slice(0, Math.max(0, maxPostsRead - posts.size));
    for (const part of chunk(missing, POSTS_PER_REQUEST)) {
      for (const post of await client.posts(link, part, signal)) posts.set(post.id, post);
    }
    return selectDebate({ origin: link.origin, slug: topic.slug, topicId: topic.id }, [...posts.values()], budget);
  }

  async function record(
    proposalId: string,
    url: string,
    host: string,
    outcome: { status: ForumStatus; posts?: KeptPost[]; error?: string },
  ) {
    const at = now();
    const previous = await prisma.forumTopic.findUnique({ where: { proposalId_url: { proposalId, url } } });
    // A debate read before stays usable when a refresh fails for a passing reason: the error is noted beside it.
    if (previous?.status === "ok" && outcome.status === "unreachable") {
      await prisma.forumTopic.update({
        where: { id: previous.id },
        data: { error: `refresh failed at ${at.toISOString()}: ${outcome.error}` },
      });
      return;
    }
    const data = {
      host,
      status: outcome.status,
      posts: outcome.posts ?? [],
      error: outcome.error ?? null,
      fetchedAt: at,
    };
    await prisma.forumTopic.upsert({
      where: { proposalId_url: { proposalId, url } },
      create: { proposalId, url, ...data },
      update: data,
    });
  }

  async function readProposal(proposalId: string, signal?: AbortSignal, onlyStale = false): Promise<TopicOutcome[]> {
    const proposal = await prisma.proposal.findUniqueOrThrow({
      where: { id: proposalId },
      select: { discussionUrl: true, body: true, forum: { select: { url: true, fetchedAt: true } } },
    });
    const { topics, unreadable } = findTopicLinks(proposal, options.allowedHosts);
    const fresh = freshUrls(proposal.forum);
    const outcomes: TopicOutcome[] = [];
    for (const link of unreadable) {
      if (onlyStale && fresh.has(link.url)) continue;
      const error = link.reason === "not_allowed" ? `${link.host} is not in FORUM_HOSTS` : "not a Discourse topic link";
      await record(proposalId, link.url, link.host, { status: link.reason, error });
      outcomes.push({ url: link.url, status: link.reason, posts: 0, error });
    }
    for (const link of topics) {
      if (onlyStale && fresh.has(link.url)) continue;
      try {
        const posts = await readTopic(link, signal);
        await record(proposalId, link.url, link.host, { status: "ok", posts });
        outcomes.push({ url: link.url, status: "ok", posts: posts.length });
      } catch (error) {
        if (!(error instanceof ForumError)) throw error;
        options.logger?.warn(
          { url: link.url, status: error.status, err: error },
          "a forum topic could not be read; skipped",
        );
        await record(proposalId, link.url, link.host, { status: error.status, error: error.message });
        outcomes.push({ url: link.url, status: error.status, posts: 0, error: error.message });
      }
    }
    return outcomes;
  }

  /** Topic rows read within `refreshSeconds`: not read again yet. */
  function freshUrls(rows: readonly { url: string; fetchedAt: Date }[]): Set<string> {
    const maxAgeMs = (options.refreshSeconds ?? 1_800) * 1000;
    return new Set(rows.filter((t) => now().getTime() - t.fetchedAt.getTime() < maxAgeMs).map((t) => t.url));
  }

  /** Whether any of the proposal's links has no row yet, or a row older than `refreshSeconds`. */
  function needsReading(proposal: {
    discussionUrl: string | null;
    body: string;
    forum: { url: string; fetchedAt: Date }[];
  }) {
    const { topics, unreadable } = findTopicLinks(proposal, options.allowedHosts);
    const fresh = freshUrls(proposal.forum);
    return [...topics, ...unreadable].some((link) => !fresh.has(link.url));
  }

  return {
    readProposal: (proposalId, signal) => readProposal(proposalId, signal),
    async refreshOpen(limit = 50, signal) {
      // Pages through every open proposal that links anywhere, so proposals with fresh topics never crowd out the
      // ones that need reading; soonest-ending first, since their debate matters soonest.
      const outcomes: TopicOutcome[] = [];
      let read = 0;
      for (let skip = 0; read < limit; skip += OPEN_PAGE) {
        const page = await prisma.proposal.findMany({
          where: {
            deletedAt: null,
            state: { in: ["pending", "active"] },
            OR: [{ discussionUrl: { not: null } }, { body: { contains: "/t/" } }],
          },
          select: { id: true, discussionUrl: true, body: true, forum: { select: { url: true, fetchedAt: true } } },
          orderBy: [{ endAt: "asc" }, { id: "asc" }],
          skip,
          take: OPEN_PAGE,
        });
        for (const proposal of page) {
          if (read >= limit || !needsReading(proposal)) continue;
          read += 1;
          outcomes.push(...(await readProposal(proposal.id, signal, true)));
        }
        if (page.length < OPEN_PAGE) break;
      }
      return outcomes;
    },
  };
}
