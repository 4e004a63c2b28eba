import type { SqlRunner } from "../db/sqlRunner.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { pairKey, publicProfiles } from "./privacyRedaction.js";
import { type DecisionGroup, decisionGroups } from "./votingBreakdown.js";

/** How many decisions, overrides and casts one page lists; the rest are a "more" link away (keyset by id). */
export const PROPOSAL_LIST_LIMIT = 100;

function loadProposal(prisma: PrismaClient, id: string) {
  return prisma.proposal.findUnique({
    where: { id },
    include: {
      space: true,
      thread: true,
      versions: { orderBy: { version: "asc" } },
      digests: { orderBy: { createdAt: "asc" } },
      forum: { select: { url: true, status: true, fetchedAt: true } },
    },
  });
}

function loadDecisions(prisma: PrismaClient, proposalId: string, after: string | null) {
  return prisma.decision.findMany({
    where: { proposalId, ...(after ? { id: { gt: after } } : {}) },
    orderBy: { id: "asc" },
    take: PROPOSAL_LIST_LIMIT + 1,
    include: { member: { select: { discordUserId: true } } },
  });
}

export type ProposalRecord = NonNullable<Awaited<ReturnType<typeof loadProposal>>>;
export type DecisionRecord = Awaited<ReturnType<typeof loadDecisions>>[number] & { profilePublic: boolean };

export interface ProposalView {
  proposal: ProposalRecord;
  groups: DecisionGroup[];
  decisions: DecisionRecord[];
  /** `decisions=` for the next page of decisions, if there is one. */
  moreDecisions: string | null;
  decisionCount: number;
  overrides: { id: string; memberId: string; discordUserId: string; choice: unknown; createdAt: Date }[];
  casts: Awaited<ReturnType<PrismaClient["cast"]["findMany"]>>;
  castStates: Record<string, number>;
  llmCostUsd: number;
  /** When the first vote was announced and when the veto window closes (the earliest due cast). */
  veto: { announcedAt: Date | null; closesAt: Date | null };
}

/** Everything /proposals/:id shows; lists are bounded, totals are aggregates. */
export async function loadProposalView(
  prisma: PrismaClient,
  sql: SqlRunner,
  proposalId: string,
  decisionsAfter: string | null,
): Promise<ProposalView | null> {
  const proposal = await loadProposal(prisma, proposalId);
  if (!proposal) return null;
  const [groups, decisions, decisionCount, overrides, casts, states, llm, veto] = await Promise.all([
    decisionGroups(sql, proposal.spaceId, [proposal.id]),
    loadDecisions(prisma, proposal.id, decisionsAfter),
    prisma.decision.count({ where: { proposalId } }),
    prisma.override.findMany({
      where: { proposalId },
      orderBy: { createdAt: "desc" },
      take: PROPOSAL_LIST_LIMIT,
      include: { member: { select: { discordUserId: true } } },
    }),
    prisma.cast.findMany({ where: { proposalId }, orderBy: { createdAt: "asc" }, take: PROPOSAL_LIST_LIMIT }),
    prisma.cast.groupBy({ by: ["state"], where: { proposalId }, _count: { _all: true } }),
    prisma.llmCall.aggregate({ where: { proposalId }, _sum: { costUsd: true } }),
    prisma.cast.aggregate({ where: { proposalId }, _min: { announcedAt: true, dueAt: true } }),
  ]);
  const shown = decisions.slice(0, PROPOSAL_LIST_LIMIT);
  const open = await publicProfiles(
    sql,
    shown.map((d) => ({ memberId: d.memberId, spaceId: proposal.spaceId })),
  );
  return {
    proposal,
    groups,
    decisions: shown.map((d) => ({ ...d, profilePublic: open.has(pairKey(d.memberId, proposal.spaceId)) })),
    moreDecisions: decisions.length > PROPOSAL_LIST_LIMIT ? (shown.at(-1)?.id ?? null) : null,
    decisionCount,
    overrides: overrides.map((o) => ({
      id: o.id,
      memberId: o.memberId,
      discordUserId: o.member.discordUserId,
      choice: o.choice,
      createdAt: o.createdAt,
    })),
    casts,
    castStates: Object.fromEntries(states.map((s) => [s.state, s._count._all])),
    llmCostUsd: Number(llm._sum.costUsd ?? 0),
    veto: { announcedAt: veto._min.announcedAt, closesAt: veto._min.dueAt },
  };
}
