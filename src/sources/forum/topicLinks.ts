/** A link to a Discourse topic, in one canonical form per topic (so two links to one topic are one row). */
export interface TopicLink {
  /** `<origin>/t/<topicId>`: the ForumTopic row's url. */
  url: string;
  origin: string;
  /** Host with port, lower case, as FORUM_HOSTS lists it. */
  host: string;
  topicId: number;
  allowed: boolean;
}

/** A link Tribune will not read, with the reason recorded on its row. */
export interface UnreadableLink {
  url: string;
  host: string;
  reason: "not_allowed" | "not_discourse";
}

const URL_IN_TEXT = /https?:\/\/[^\s<>"'`)\]]+/gi;
/** Discourse topic paths: /t/<slug>/<id>, /t/<id>, optionally followed by a post number. */
const TOPIC_PATH = /^\/t\/(?:[^/]+\/)?(\d+)(?:\/\d+)?\/?$/;

/**
 * The Discourse topics a proposal points at: its `discussion` link first, then topic links in its body, at most
 * `max`. Links on hosts outside `allowedHosts` are kept (marked) only when they look like topics or are the
 * discussion link itself, so a steward can see which debate was skipped and why.
 */
export function findTopicLinks(
  proposal: { discussionUrl: string | null; body: string },
  allowedHosts: readonly string[],
  max = 3,
): { topics: TopicLink[]; unreadable: UnreadableLink[] } {
  const allowed = new Set(allowedHosts.map((h) => h.toLowerCase()));
  const topics = new Map<string, TopicLink>();
  const unreadable = new Map<string, UnreadableLink>();
  const candidates = [
    ...(proposal.discussionUrl ? [{ text: proposal.discussionUrl, discussion: true }] : []),
    ...[...proposal.body.matchAll(URL_IN_TEXT)].map((m) => ({ text: m[0], discussion: false })),
  ];
  for (const { text, discussion } of candidates) {
    if (topics.size >= max) break;
    let url: URL;
    try {
      url = new URL(text.replace(/[.,;:!?]+$/, ""));
    } catch {
      continue;
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") continue;
    const host = url.host.toLowerCase();
    const match = TOPIC_PATH.exec(url.pathname.replace(/\.json$/, ""));
    if (!match) {
      if (discussion)
        unreadable.set(url.href, { url: url.href, host, reason: allowed.has(host) ? "not_discourse" : "not_allowed" });
      continue;
    }
    const topicId = Number(match[1]);
    const canonical = `${url.protocol}//${host}/t/${topicId}`;
    if (!allowed.has(host)) {
      unreadable.set(canonical, { url: canonical, host, reason: "not_allowed" });
      continue;
    }
    if (!topics.has(canonical))
      topics.set(canonical, { url: canonical, origin: `${url.protocol}//${host}`, host, topicId, allowed: true });
  }
  return { topics: [...topics.values()], unreadable: [...unreadable.values()] };
}
