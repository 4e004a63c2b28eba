import { type DiscoursePost, likesOf } from "./discourseTopic.js";
import { htmlToText } from "./htmlText.js";

/** One post kept for the digest; the shape the digest reads from ForumTopic.posts (url, author, text). */
export type KeptPost = {
  url: string;
  author: string;
  text: string;
  postNumber: number;
  likes: number;
  createdAt: string;
};

export interface SelectionBudget {
  /** Characters of post text kept per topic, all posts together. */
  totalChars: number;
  /** Characters of any one post; longer posts are cut (and say so). */
  postChars: number;
}

export const defaultBudget: SelectionBudget = { totalChars: 24_000, postChars: 6_000 };

/**
 * The debate worth reading within a budget: the opening post always, then replies by likes (earlier first on a
 * tie) while they fit. Hidden and moderator-action posts are left out. Kept posts come back in thread order.
 */
export function selectDebate(
  topic: { origin: string; slug: string; topicId: number },
  posts: readonly DiscoursePost[],
  budget: SelectionBudget = defaultBudget,
): KeptPost[] {
  const readable = posts.filter((p) => !p.hidden && (p.post_type ?? 1) === 1);
  const toKept = (post: DiscoursePost): KeptPost => ({
    url: `${topic.origin}/t/${topic.slug}/${topic.topicId}/${post.post_number}`,
    author: post.username,
    text: cut(htmlToText(post.cooked), budget.postChars),
    postNumber: post.post_number,
    likes: likesOf(post),
    createdAt: post.created_at,
  });
  const opening = readable.find((p) => p.post_number === 1);
  const kept: KeptPost[] = [];
  let used = 0;
  if (opening) {
    const first = toKept(opening);
    first.text = cut(first.text, Math.min(budget.postChars, budget.totalChars));
    kept.push(first);
    used += first.text.length;
  }
  const replies = readable
    .filter((p) => p.post_number !== 1)
    .sort((a, b) => likesOf(b) - likesOf(a) || a.post_number - b.post_number);
  for (const reply of replies) {
    const candidate = toKept(reply);
    if (candidate.text.length === 0 || used + candidate.text.length > budget.totalChars) continue;
    kept.push(candidate);
    used += candidate.text.length;
  }
  return kept.sort((a, b) => a.postNumber - b.postNumber);
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}
