import { z } from "zod";
import type { DigestProposal } from "./digestInput.js";

// A proposal as `tribune digest` reads it from a file: the shape the Snapshot hub returns (id, title, body, choices,
// type, start, end, space, discussion). The shape proposals are created in (snapshot.js: `name` for the title, no id
// or space) is accepted too, so a draft can be digested before it is posted.
// @see https://docs.snapshot.box/tools/api

const unixSeconds = z.number().int().nonnegative();

export const proposalFileSchema = z
  .looseObject({
    id: z.string().min(1).optional(),
    title: z.string().min(1).optional(),
    name: z.string().min(1).optional(),
    body: z.string().nullish(),
    choices: z.array(z.string()).min(1),
    type: z.string().min(1).nullish(),
    start: unixSeconds,
    end: unixSeconds,
    space: z.union([z.string(), z.object({ id: z.string() })]).nullish(),
    discussion: z.string().nullish(),
  })
  .refine((p) => p.title !== undefined || p.name !== undefined, {
    message: "a proposal needs a title",
    path: ["title"],
  })
  .transform(
    (p): DigestProposal => ({
      id: p.id ?? "draft",
      space: (typeof p.space === "string" ? p.space : p.space?.id) || "unknown",
      title: (p.title ?? p.name ?? "").trim(),
      body: p.body ?? "",
      choices: p.choices,
      // Snapshot's own default voting type.
      votingType: p.type ?? "single-choice",
      startAt: new Date(p.start * 1000),
      endAt: new Date(p.end * 1000),
      discussionUrl: /^https?:\/\/\S+\.\S+/.test(p.discussion ?? "") ? (p.discussion ?? null) : null,
    }),
  );

/** The proposal's page on Snapshot, when it has a real id and space: the source, one click away. */
export function snapshotLink(proposal: DigestProposal): string | null {
  if (proposal.id === "draft" || proposal.space === "unknown") return null;
  return `https://snapshot.org/#/${proposal.space}/proposal/${proposal.id}`;
}
