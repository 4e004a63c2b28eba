import type { z } from "zod";
import { createRateLimiter, type RateLimiter, realSleep, type Sleep } from "../snapshot/rateLimiter.js";
import { defaultRetryPolicy, parseRetryAfter, type RetryPolicy, retryTransient } from "../snapshot/transientRetry.js";
import {
  type DiscoursePost,
  type DiscourseTopic,
  discoursePostsSchema,
  discourseTopicSchema,
} from "./discourseTopic.js";
import {
  ForumError,
  ForumNotAllowedError,
  ForumNotDiscourseError,
  ForumRateLimitedError,
  ForumTimeoutError,
  ForumTooLargeError,
  ForumUnreachableError,
} from "./forumErrors.js";
import type { TopicLink } from "./topicLinks.js";

export interface DiscourseClientOptions {
  /** FORUM_HOSTS: nothing else is ever fetched, redirects included. */
  allowedHosts: readonly string[];
  timeoutMs?: number;
  /** Largest answer read, in bytes; a bigger one is a {@link ForumTooLargeError}. */
  maxBytes?: number;
  /** Requests per minute to any one forum, so a long thread never hammers a community's server. */
  perHostPerMinute?: number;
  retry?: Partial<RetryPolicy>;
  fetch?: typeof fetch;
  sleep?: Sleep;
  now?: () => number;
}

/** Discourse's public JSON for topics and their posts; every failure a {@link ForumError}. */
export interface DiscourseClient {
  /** `/t/<id>.json`: the topic, its first posts, and the ids of all its posts. */
  topic(link: TopicLink, signal?: AbortSignal): Promise<DiscourseTopic>;
  /** `/t/<id>/posts.json?post_ids[]=…`: the given posts' bodies. */
  posts(link: TopicLink, postIds: readonly number[], signal?: AbortSignal): Promise<DiscoursePost[]>;
}

const MAX_REDIRECTS = 3;

/** @see https://docs.discourse.org/#tag/Topics/operation/getTopic and …/operation/getSpecificPostsFromTopic */
export function createDiscourseClient(options: DiscourseClientOptions): DiscourseClient {
  const allowed = new Set(options.allowedHosts.map((h) => h.toLowerCase()));
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxBytes = options.maxBytes ?? 1_000_000;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? realSleep;
  const doFetch = options.fetch ?? globalThis.fetch;
  const policy = { ...defaultRetryPolicy, attempts: 2, ...options.retry };
  const limiters = new Map<string, RateLimiter>();
  const limiterFor = (host: string) => {
    let limiter = limiters.get(host);
    if (!limiter) {
      limiter = createRateLimiter({ requests: options.perHostPerMinute ?? 30, now, sleep });
      limiters.set(host, limiter);
    }
    return limiter;
  };

  async function getOnce<T>(start: URL, schema: z.ZodType<T>, signal?: AbortSignal): Promise<T> {
    let url = start;
    for (let hop = 0; ; hop += 1) {
      const host = url.host.toLowerCase();
      if (!allowed.has(host)) throw new ForumNotAllowedError(url.href, host);
      await limiterFor(host).acquire(signal);
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), timeoutMs);
      const onAbort = () => controller.abort();
      signal?.addEventListener("abort", onAbort, { once: true });
      try {
        let response: Response;
        try {
          response = await doFetch(url, {
            redirect: "manual",
            headers: { accept: "application/json", "user-agent": "Tribune (DAO governance copilot)" },
            signal: controller.signal,
          });
        } catch (error) {
          if (signal?.aborted) throw error;
          if (controller.signal.aborted) throw new ForumTimeoutError(url.href, timeoutMs);
          throw new ForumUnreachableError(url.href, null, (error as Error).message, { cause: error });
        }
        const location = response.headers.get("location");
        if (response.status >= 300 && response.status < 400 && location && hop < MAX_REDIRECTS) {
          await response.body?.cancel();
          url = new URL(location, url);
          continue;
        }
        if (response.status === 429) {
          await response.body?.cancel();
          const wait = parseRetryAfter(response.headers.get("retry-after"), now()) ?? 60_000;
          limiterFor(host).holdUntil(now() + wait);
          throw new ForumRateLimitedError(url.href, wait);
        }
        if (!response.ok) {
          await response.body?.cancel();
          throw new ForumUnreachableError(url.href, response.status, response.statusText || "error answer");
        }
        const text = await readCapped(response, url.href, maxBytes, controller.signal, timeoutMs);
        if (!/json/i.test(response.headers.get("content-type") ?? "")) {
          throw new ForumNotDiscourseError(
            url.href,
            `it answered ${response.headers.get("content-type") ?? "no content type"}`,
          );
        }
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          throw new ForumNotDiscourseError(url.href, "the answer is not JSON");
        }
        const parsed = schema.safeParse(json);
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          throw new ForumNotDiscourseError(
            url.href,
            `no Discourse topic in the answer (${issue?.path.join(".")}: ${issue?.message})`,
          );
        }
        return parsed.data;
      } finally {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
      }
    }
  }

  function get<T>(url: URL, schema: z.ZodType<T>, signal?: AbortSignal): Promise<T> {
    return retryTransient(
      () => getOnce(url, schema, signal),
      (error) => {
        if (!(error instanceof ForumError) || !error.transient) return { retry: false };
        return { retry: true, afterMs: error instanceof ForumRateLimitedError ? error.retryAfterMs : null };
      },
      policy,
      { sleep, signal },
    );
  }

  return {
    topic(link, signal) {
      return get(new URL(`/t/${link.topicId}.json`, link.origin), discourseTopicSchema, signal);
    },
    async posts(link, postIds, signal) {
      if (postIds.length === 0) return [];
      const url = new URL(`/t/${link.topicId}/posts.json`, link.origin);
      for (const id of postIds) url.searchParams.append("post_ids[]", String(id));
      return (await get(url, discoursePostsSchema, signal)).post_stream.posts;
    },
  };
}

/** Reads the body up to `maxBytes`; a longer one stops the read and is refused. */
async function readCapped(
  response: Response,
  url: string,
  maxBytes: number,
  signal: AbortSignal,
  timeoutMs: number,
): Promise<string> {
  const declared = Number(response.headers.get("content-length") ?? Number.NaN);
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw new ForumTooLargeError(url, maxBytes);
  }
  const reader = response.body?.getReader();
  if (!reader) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel();
        throw new ForumTooLargeError(url, maxBytes);
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof ForumTooLargeError) throw error;
    if (signal.aborted) throw new ForumTimeoutError(url, timeoutMs);
    throw new ForumUnreachableError(url, null, `the answer broke off: ${(error as Error).message}`, { cause: error });
  }
  return Buffer.concat(chunks).toString("utf8");
}
