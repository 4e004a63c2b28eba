import { TribuneError } from "../errors/tribuneError.js";
import type { Digest, PrismaClient, Proposal, Space } from "../generated/prisma/client.js";

// Finding proposals from Discord: autocomplete must answer in well under Discord's 3 s (it cannot be deferred), so it
// reads one indexed query with a small limit; commands then resolve the chosen value (a proposal's row id, or what a
// member typed by hand: an external id or part of a title) within the guild's own spaces only.

/** Discord shows at most 25 autocomplete choices. @see https://discord.com/developers/docs/interactions/application-commands#autocomplete */
export const AUTOCOMPLETE_MAX = 25;
const CHOICE_NAME_MAX = 100;

export class ProposalNotFoundError extends TribuneError {}

export interface ProposalWithContext {
  proposal: Proposal;
  space: Space;
  /** The newest digest of the proposal's current content version, if any. */
  digest: Digest | null;
}

export interface ProposalIndex {
  /** Up to 25 proposals of the guild's spaces matching what the member is typing, open ones and newest first. */
  suggest(guildId: string, typed: string): Promise<{ name: string; value: string }[]>;
  /** Proposals of the guild's spaces, filtered, newest first. */
  list(
    guildId: string,
    filter: { space?: string; state?: "open" | "closed" | "all"; limit?: number },
  ): Promise<(Proposal & { space: Space })[]>;
  /** Resolves a chosen or typed proposal within the guild's spaces, with its space and newest digest. */
  resolve(guildId: string, ref: string): Promise<ProposalWithContext>;
  /** Up to 25 of the guild's spaces matching what the steward or member is typing. */
  suggestSpaces(guildId: string, typed: string): Promise<{ name: string; value: string }[]>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Builds the index over the database. */
export function createProposalIndex({
  prisma,
  clock = () => new Date(),
}: {
  prisma: PrismaClient;
  clock?: () => Date;
}): ProposalIndex {
  const inGuild = (guildId: string) => ({ space: { discordGuildId: guildId, removedAt: null }, deletedAt: null });

  return {
    async suggest(guildId, typed) {
      const text = typed.trim().slice(0, 100);
      const rows = await prisma.proposal.findMany({
        where: {
          ...inGuild(guildId),
          ...(text
            ? { OR: [{ title: { contains: text, mode: "insensitive" } }, { externalId: { startsWith: text } }] }
            : {}),
        },
        orderBy: [{ endAt: "desc" }],
        take: AUTOCOMPLETE_MAX,
        select: { id: true, title: true, endAt: true, space: { select: { externalId: true } } },
      });
      const now = clock();
      // Open proposals first: they are the ones a member can still act on.
      rows.sort((a, b) => Number(b.endAt > now) - Number(a.endAt > now));
      return rows.map((row) => ({ name: choiceName(`${row.space.externalId} · ${row.title}`), value: row.id }));
    },
    async list(guildId, { space, state = "open", limit = 10 }) {
      const now = clock();
      return prisma.proposal.findMany({
        where: {
          ...inGuild(guildId),
          ...(space ? { space: { discordGuildId: guildId, removedAt: null, externalId: space.toLowerCase() } } : {}),
          ...(state === "open" ? { endAt: { gt: now }, state: { in: ["pending", "active"] } } : {}),
          ...(state === "closed" ? { OR: [{ endAt: { lte: now } }, { state: { notIn: ["pending", "active"] } }] } : {}),
        },
        include: { space: true },
        orderBy: state === "open" ? { endAt: "asc" } : { endAt: "desc" },
        take: limit,
      });
    },
    async resolve(guildId, ref) {
      const text = ref.trim();
      const candidates = await prisma.proposal.findMany({
        where: {
          ...inGuild(guildId),
          OR: [
            ...(UUID.test(text) ? [{ id: text }] : []),
            { externalId: text },
            { title: { equals: text, mode: "insensitive" as const } },
          ],
        },
        include: { space: true },
        take: 2,
      });
      const proposal = candidates[0];
      if (!proposal || candidates.length > 1) {
        throw new ProposalNotFoundError(
          candidates.length > 1 ? "discord.proposal_ambiguous" : "discord.proposal_not_found",
          candidates.length > 1
            ? `Several proposals match "${text.slice(0, 60)}"`
            : `No proposal "${text.slice(0, 60)}" in this server's spaces`,
          "Start typing its title and pick it from the list Discord suggests",
        );
      }
      const digest = await prisma.digest.findFirst({
        where: { proposalId: proposal.id, contentHash: proposal.contentHash },
        orderBy: { createdAt: "desc" },
      });
      const { space, ...row } = proposal;
      return { proposal: row, space, digest };
    },
    async suggestSpaces(guildId, typed) {
      const rows = await prisma.space.findMany({
        where: { discordGuildId: guildId, removedAt: null, externalId: { contains: typed.trim().toLowerCase() } },
        orderBy: { externalId: "asc" },
        take: AUTOCOMPLETE_MAX,
        select: { externalId: true, name: true },
      });
      return rows.map((row) => ({ name: choiceName(row.externalId), value: row.externalId }));
    },
  };
}

function choiceName(text: string): string {
  return text.length <= CHOICE_NAME_MAX ? text : `${text.slice(0, CHOICE_NAME_MAX - 1)}…`;
}
