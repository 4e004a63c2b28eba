// A local Discourse forum: topic JSON at /t/<id>.json (first 20 posts and the id stream) and /t/<id>/posts.json for
// the rest, shaped like Discourse's public JSON, with long threads and faults on request (slow, 404, 500, HTML, huge).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakePost {
  id: number;
  post_number: number;
  username: string;
  cooked: string;
  created_at: string;
  likes: number;
  post_type?: number;
  hidden?: boolean;
}

export interface FakeTopic {
  id: number;
  slug: string;
  title: string;
  posts: FakePost[];
}

export type ForumFault =
  | { kind: "status"; status: number; retryAfter?: string }
  | { kind: "delay"; ms: number }
  | { kind: "html" }
  | { kind: "huge"; bytes: number }
  | { kind: "redirect"; location: string };

/** Discourse's topic page size. */
const CHUNK = 20;

export class FakeDiscourse {
  readonly topics = new Map<number, FakeTopic>();
  readonly requests: string[] = [];
  readonly faults: ForumFault[] = [];
  /** Every answer waits this long (a slow forum); faults add to it. */
  delayMs = 0;
  /** Older Discourse versions give likes only in actions_summary; newer ones also as like_count. */
  likesAs: "actions_summary" | "like_count" = "actions_summary";
  private server: Server | null = null;

  /** A topic of `count` posts: post n by user`n % 7`, with `likes(n)` likes and a body of about `chars(n)` characters. */
  addTopic(
    id: number,
    title: string,
    count: number,
    likes: (n: number) => number,
    chars: (n: number) => number = () => 300,
  ): FakeTopic {
    const posts = Array.from({ length: count }, (_, i) => {
      const n = i + 1;
      const sentence = `Post ${n} on ${title}: the treasury ask needs a clearer budget &amp; milestones. `;
      return {
        id: id * 10_000 + n,
        post_number: n,
        username: n === 1 ? "author" : `delegate${n % 7}`,
        cooked: `<p>${sentence.repeat(Math.max(1, Math.ceil(chars(n) / sentence.length)))}</p>`,
        created_at: new Date(Date.UTC(2025, 0, 1, 0, n)).toISOString(),
        likes: likes(n),
      };
    });
    const topic = { id, slug: title.toLowerCase().replace(/[^a-z0-9]+/g, "-"), title, posts };
    this.topics.set(id, topic);
    return topic;
  }

  async listen(): Promise<string> {
    this.server = createServer((request, response) => void this.handle(request, response));
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    return `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private post(p: FakePost) {
    const { likes, ...rest } = p;
    return this.likesAs === "like_count"
      ? { ...rest, like_count: likes }
      : { ...rest, actions_summary: likes > 0 ? [{ id: 2, count: likes }] : [] };
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    // A reader that gives up mid-answer closes the socket; later writes must not crash the process.
    response.on("error", () => undefined);
    const url = new URL(request.url ?? "/", "http://forum.local");
    this.requests.push(`${url.pathname}${url.search}`);
    const fault = this.faults.shift();
    const wait = this.delayMs + (fault?.kind === "delay" ? fault.ms : 0);
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    if (response.destroyed) return;
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      response.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
      response.end(JSON.stringify(body));
    };
    if (fault?.kind === "status") {
      return json(fault.status, { errors: ["fault"] }, fault.retryAfter ? { "retry-after": fault.retryAfter } : {});
    }
    if (fault?.kind === "redirect") {
      response.writeHead(301, { location: fault.location });
      return void response.end();
    }
    if (fault?.kind === "html") {
      response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      return void response.end("<!doctype html><title>Community</title><p>Welcome to our forum</p>");
    }
    if (fault?.kind === "huge") {
      // No content-length: the reader must stop by counting, not trust a header.
      response.writeHead(200, { "content-type": "application/json" });
      const piece = "x".repeat(64 * 1024);
      for (let sent = 0; sent < fault.bytes && !response.destroyed; sent += piece.length) {
        if (!response.write(piece)) {
          await new Promise((r) => {
            response.once("drain", r);
            response.once("close", r);
          });
        }
      }
      return void response.end();
    }
    const topicMatch = /^\/t\/(?:[^/]+\/)?(\d+)\.json$/.exec(url.pathname);
    const postsMatch = /^\/t\/(\d+)\/posts\.json$/.exec(url.pathname);
    const topic = this.topics.get(Number(topicMatch?.[1] ?? postsMatch?.[1]));
    if (!topic)
      return json(404, { errors: ["The requested URL or resource could not be found."], error_type: "not_found" });
    if (topicMatch) {
      return json(200, {
        id: topic.id,
        title: topic.title,
        fancy_title: topic.title,
        slug: topic.slug,
        posts_count: topic.posts.length,
        closed: false,
        archived: false,
        post_stream: {
          posts: topic.posts.slice(0, CHUNK).map((p) => this.post(p)),
          stream: topic.posts.map((p) => p.id),
        },
      });
    }
    const ids = new Set(url.searchParams.getAll("post_ids[]").map(Number));
    return json(200, {
      post_stream: { posts: topic.posts.filter((p) => ids.has(p.id)).map((p) => this.post(p)) },
      id: topic.id,
    });
  }
}
