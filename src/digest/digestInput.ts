import { z } from "zod";
import type { Taxonomy } from "../values/taxonomy.js";
import type { ScreenTarget } from "./injectionScreen.js";

// What a digest is made from: one proposal version, the forum debate around it, and the space's taxonomy. The same
// input serves every producer (model or offline), the injection screen and the evidence check.

/** The proposal as the digest reads it. Everything but `id`, `space` and the dates is untrusted text. */
export interface DigestProposal {
  /** The source's own id (Snapshot proposal id), for links. */
  id: string;
  space: string;
  title: string;
  body: string;
  choices: string[];
  votingType: string;
  startAt: Date;
  endAt: Date;
  discussionUrl: string | null;
}

/** One forum post of the debate, by its own URL (the source a forum quote names). */
export interface ForumPost {
  url: string;
  author: string | null;
  text: string;
}

export interface DigestInput {
  proposal: DigestProposal;
  forum: ForumPost[];
  taxonomy: Taxonomy;
  taxonomyVersion: number;
}

const stripHtml = (html: string) =>
  html
    .replace(/<br\s*\/?>|<\/p>/gi, "\n")
    .replace(/<[^>]+>/g, "")
    .replace(/&amp;/g, "&")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'");

/**
 * A stored or supplied forum post. Accepts `text`, Discourse's `raw` (markdown) or `cooked` (HTML, tags dropped),
 * and `author` or Discourse's `username`; unknown fields are ignored.
 */
export const forumPostSchema = z
  .looseObject({
    url: z.url({ protocol: /^https?$/ }),
    author: z.string().max(100).nullish(),
    username: z.string().max(100).nullish(),
    text: z.string().optional(),
    raw: z.string().optional(),
    cooked: z.string().optional(),
  })
  .refine(
    (p) => p.text !== undefined || p.raw !== undefined || p.cooked !== undefined,
    "a post needs text, raw or cooked",
  )
  .transform(
    (p): ForumPost => ({
      url: p.url,
      author: p.author ?? p.username ?? null,
      text: p.text ?? p.raw ?? stripHtml(p.cooked ?? ""),
    }),
  );

/** What a source decoded of what the proposal executes (a Governor's calls), one sentence each, in `raw.actions`. */
const actionsSchema = z.object({ actions: z.array(z.string().max(1_000)).max(200) });

/**
 * The body the digest reads: the proposal's own text, then the actions its source decoded (a treasury transfer's
 * amount and recipient), so they are facts the summary may state and the evidence check can verify.
 */
export function bodyWithActions(body: string, raw: unknown): string {
  const parsed = actionsSchema.safeParse(raw);
  if (!parsed.success || parsed.data.actions.length === 0) return body;
  return `${body}\n\n## On-chain actions\n\n${parsed.data.actions.join("\n")}`;
}

/** The texts a quote may come from: the proposal (title, body, choices) and each forum post by URL. */
export interface EvidenceSources {
  proposal: string;
  forum: ReadonlyMap<string, ForumPost>;
  /** Facts stated around the proposal (its voting window), which a summary may cite but not quote. */
  metadata: string;
}

/** Where quotes and facts are checked against. */
export function evidenceSources(input: DigestInput): EvidenceSources {
  const { proposal } = input;
  return {
    proposal: [proposal.title, proposal.body, ...proposal.choices].join("\n"),
    forum: new Map(input.forum.map((post) => [normaliseUrl(post.url), post])),
    metadata: proposalMetadata(proposal),
  };
}

/** The raw texts the injection screen reads. */
export function screenTargets(input: DigestInput): ScreenTarget[] {
  return [
    { source: { kind: "proposal", field: "title" }, text: input.proposal.title },
    { source: { kind: "proposal", field: "body" }, text: input.proposal.body },
    { source: { kind: "proposal", field: "choices" }, text: input.proposal.choices.join("\n") },
    ...input.forum.map((post): ScreenTarget => ({ source: { kind: "forum", url: post.url }, text: post.text })),
  ];
}

/** The voting window in the forms a summary might write it ("2021-05-06", "May 6, 2021", "16:00 UTC"). */
export function proposalMetadata(proposal: DigestProposal): string {
  const when = (date: Date) =>
    `${date.toISOString().slice(0, 10)} (${date.toLocaleDateString("en-US", { month: "long", day: "numeric", year: "numeric", timeZone: "UTC" })}) ${date.toISOString().slice(11, 16)} UTC`;
  return `Voting opens ${when(proposal.startAt)} and closes ${when(proposal.endAt)}.`;
}

/** URLs compare without a trailing slash, fragment or letter case in the host. */
export function normaliseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.hash = "";
    return parsed.toString().replace(/\/$/, "");
  } catch {
    return url.trim().replace(/\/$/, "");
  }
}
