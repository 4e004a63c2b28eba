import type { SqlRunner } from "../db/sqlRunner.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { type DecisionGroup, decisionGroups } from "./votingBreakdown.js";

/** How many of a space's latest proposals its charts cover: enough to see a trend, few enough to read. */
export const SPACE_CHART_PROPOSALS = 24;

export interface ProposalActivity {
  id: string;
  title: string;
  state: string;
  endAt: Date;
  votingType: string;
  choices: string[];
  /** Members with a current decision. */
  decided: number;
  /** Of those, members whose agent plans a vote. */
  voting: number;
  /** Votes confirmed by the hub or the chain. */
  confirmed: number;
  /** Members who overrode or vetoed. */
  overrode: number;
}

export interface SpaceView {
  space: NonNullable<Awaited<ReturnType<typeof loadSpace>>>;
  proposals: ProposalActivity[];
  groups: DecisionGroup[];
  llm: { costUsd: number; calls: number; months: { month: string; costUsd: number }[] };
  delegations: { count: number; power: number };
  stewards: string[];
}

function loadSpace(prisma: PrismaClient, id: string) {
  return prisma.space.findUnique({ where: { id } });
}

/** Everything /spaces/:id shows, in a handful of bounded queries (the latest proposals only). */
export async function loadSpaceView(prisma: PrismaClient, sql: SqlRunner, spaceId: string): Promise<SpaceView | null> {
  const space = await loadSpace(prisma, spaceId);
  if (!space) return null;
  const latest = await prisma.proposal.findMany({
    where: { spaceId, deletedAt: null },
    orderBy: { endAt: "desc" },
    take: SPACE_CHART_PROPOSALS,
    select: { id: true, title: true, state: true, endAt: true, votingType: true, choices: true },
  });
  const ids = latest.map((p) => p.id);
  const [activity, groups, llm, months, delegations, stewards] = await Promise.all([
    sql.query<{ id: string; decided: number; voting: number; confirmed: number; overrode: number }>(
      `SELECT p.id,
         (SELECT count(DISTINCT d."memberId") FROM "Decision" d WHERE d."proposalId" = p.id AND d."staleAt" IS NULL)::int AS decided,
         (SELECT count(DISTINCT d."memberId") FROM "Decision" d
           WHERE d."proposalId" = p.id AND d."staleAt" IS NULL AND d.outcome = 'vote')::int AS voting,
         (SELECT count(*) FROM "Cast" c WHERE c."proposalId" = p.id AND c.state = 'confirmed')::int AS confirmed,
         (SELECT count(DISTINCT o."memberId") FROM "Override" o WHERE o."proposalId" = p.id)::int AS overrode
       FROM "Proposal" p WHERE p.id = ANY($1::text[])`,
      [ids],
    ),
    decisionGroups(sql, spaceId, ids),
    sql.query<{ cost: string; calls: number }>(
      `SELECT coalesce(sum("costUsd"), 0)::text AS cost, count(*)::int AS calls FROM "LlmCall" WHERE "spaceId" = $1`,
      [spaceId],
    ),
    sql.query<{ month: string; cost: string }>(
      `SELECT to_char(date_trunc('month', "createdAt"), 'YYYY-MM') AS month, sum("costUsd")::text AS cost
       FROM "LlmCall" WHERE "spaceId" = $1 GROUP BY 1 ORDER BY 1 DESC LIMIT 12`,
      [spaceId],
    ),
    sql.query<{ count: number; power: string }>(
      `SELECT count(*)::int AS count,
         coalesce(sum(CASE WHEN "votingPower" ~ '^[0-9]+(\\.[0-9]+)?$' THEN "votingPower"::numeric ELSE 0 END), 0)::text AS power
       FROM "Delegation" WHERE "spaceId" = $1 AND "revokedAt" IS NULL`,
      [spaceId],
    ),
    prisma.steward.findMany({ where: { spaceId }, select: { discordUserId: true }, orderBy: { createdAt: "asc" } }),
  ]);
  const byId = new Map(activity.rows.map((row) => [row.id, row]));
  return {
    space,
    proposals: latest.reverse().map((p) => {
      const counts = byId.get(p.id);
      return {
        id: p.id,
        title: p.title,
        state: p.state,
        endAt: p.endAt,
        votingType: p.votingType.replace("_", "-"),
        choices: Array.isArray(p.choices) ? p.choices.map(String) : [],
        decided: Number(counts?.decided ?? 0),
        voting: Number(counts?.voting ?? 0),
        confirmed: Number(counts?.confirmed ?? 0),
        overrode: Number(counts?.overrode ?? 0),
      };
    }),
    groups,
    llm: {
      costUsd: Number(llm.rows[0]?.cost ?? 0),
      calls: Number(llm.rows[0]?.calls ?? 0),
      months: months.rows.reverse().map((row) => ({ month: row.month, costUsd: Number(row.cost) })),
    },
    delegations: { count: Number(delegations.rows[0]?.count ?? 0), power: Number(delegations.rows[0]?.power ?? 0) },
    stewards: stewards.map((s) => s.discordUserId),
  };
}
