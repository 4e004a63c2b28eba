import { z } from "zod";

/**
 * A post as Discourse's public JSON gives it (`/t/<id>.json`, `/t/<id>/posts.json`). Likes come as `like_count` on
 * some versions and as the "like" entry (id 2) of `actions_summary` on others; both are read.
 * @see https://docs.discourse.org/#tag/Topics/operation/getTopic
 */
export const discoursePostSchema = z.object({
  id: z.number().int(),
  post_number: z.number().int().positive(),
  username: z.string(),
  created_at: z.string(),
  cooked: z.string(),
  post_type: z.number().int().optional(),
  hidden: z.boolean().optional(),
  like_count: z.number().int().nonnegative().optional(),
  actions_summary: z.array(z.object({ id: z.number().int(), count: z.number().int().optional() })).optional(),
});
export type DiscoursePost = z.infer<typeof discoursePostSchema>;

export const discourseTopicSchema = z.object({
  id: z.number().int(),
  title: z.string(),
  slug: z.string(),
  posts_count: z.number().int().nonnegative(),
  closed: z.boolean().optional(),
  archived: z.boolean().optional(),
  post_stream: z.object({
    posts: z.array(discoursePostSchema),
    /** Every post id of the topic, in order; the first page carries only the first posts' bodies. */
    stream: z.array(z.number().int()),
  }),
});
export type DiscourseTopic = z.infer<typeof discourseTopicSchema>;

export const discoursePostsSchema = z.object({
  post_stream: z.object({ posts: z.array(discoursePostSchema) }),
});

/** Discourse's "like" post action type. */
const LIKE_ACTION = 2;

export function likesOf(post: DiscoursePost): number {
  return post.like_count ?? post.actions_summary?.find((a) => a.id === LIKE_ACTION)?.count ?? 0;
}
