import type { SqlRunner } from "../db/sqlRunner.js";
import { choiceLabel, choiceShares } from "./choiceShares.js";

// What Tribune's members' agents will do on a proposal, summed by voting power and by head count: the picture a
// steward needs to say in public how the delegated power was used. Aggregated in SQL (one row per distinct
// outcome and choice), so it costs the same for ten members or a hundred thousand.

/** One (outcome, choice) group of a proposal's current decisions. */
export interface DecisionGroup {
  proposalId: string;
  outcome: string;
  choice: unknown;
  members: number;
  power: number;
}

/** The current (not superseded) decision of each member on each of `proposalIds`, grouped, with voting power. */
export async function decisionGroups(
  sql: SqlRunner,
  spaceId: string,
  proposalIds: readonly string[],
): Promise<DecisionGroup[]> {
  if (proposalIds.length === 0) return [];
  const { rows } = await sql.query<{
    proposalId: string;
    outcome: string;
    choice: unknown;
    members: number;
    power: string;
  }>(
    `WITH latest AS (
       SELECT DISTINCT ON ("proposalId", "memberId") "proposalId", "memberId", outcome::text AS outcome, choice
       FROM "Decision" WHERE "proposalId" = ANY($2::text[]) AND "staleAt" IS NULL
       ORDER BY "proposalId", "memberId", "createdAt" DESC
     ), power AS (
       -- Voting power is a decimal string (token units outgrow 64 bits); anything else counts as none.
       SELECT "memberId", sum(CASE WHEN "votingPower" ~ '^[0-9]+(\\.[0-9]+)?$' THEN "votingPower"::numeric ELSE 0 END) AS vp
       FROM "Delegation" WHERE "spaceId" = $1 AND "revokedAt" IS NULL AND "memberId" IS NOT NULL
       GROUP BY "memberId"
     )
     SELECT l."proposalId", l.outcome, l.choice, count(*)::int AS members, coalesce(sum(power.vp), 0)::text AS power
     FROM latest l LEFT JOIN power ON power."memberId" = l."memberId"
     GROUP BY l."proposalId", l.outcome, l.choice`,
    [spaceId, proposalIds],
  );
  return rows.map((row) => ({ ...row, members: Number(row.members), power: Number(row.power) }));
}

/** A breakdown: named segments with members and power in each. */
export interface Breakdown {
  segments: string[];
  members: number[];
  power: number[];
}

/** The outcomes that are not a choice on the ballot. */
const NON_CHOICE: Record<string, string> = {
  ask: "Ask the member",
  never: "Member votes themselves",
  abstain: "Abstain",
};

/** One proposal's groups by choice label (then ask / votes themselves), in ballot order. */
export function breakdownByChoice(
  groups: readonly DecisionGroup[],
  choices: readonly string[],
  votingType: string,
): Breakdown {
  const segments = [...choices.map((_, i) => choiceLabel(choices, i + 1))];
  const members = segments.map(() => 0);
  const power = segments.map(() => 0);
  const add = (segment: string, m: number, p: number) => {
    let at = segments.indexOf(segment);
    if (at < 0) {
      at = segments.push(segment) - 1;
      members.push(0);
      power.push(0);
    }
    members[at] = (members[at] ?? 0) + m;
    power[at] = (power[at] ?? 0) + p;
  };
  for (const group of groups) {
    const shares = choiceShares(group.choice, votingType);
    if (shares.size === 0) {
      add(NON_CHOICE[group.outcome] ?? group.outcome, group.members, group.power);
      continue;
    }
    for (const [index, share] of shares) add(choiceLabel(choices, index), group.members * share, group.power * share);
  }
  return { segments, members, power };
}

/** Segments shared by every proposal of a space, so their bars line up: ballots differ, positions do not. */
export const SPACE_SEGMENTS = ["Choice 1", "Choice 2", "Choice 3", "Choices 4+", "Abstain", "Ask the member"];

/** Maps one proposal's groups onto SPACE_SEGMENTS (an "Abstain" choice counts as Abstain wherever it sits). */
export function breakdownForSpace(
  groups: readonly DecisionGroup[],
  choices: readonly string[],
  votingType: string,
): { power: number[]; members: number[] } {
  const power = SPACE_SEGMENTS.map(() => 0);
  const members = SPACE_SEGMENTS.map(() => 0);
  const add = (at: number, m: number, p: number) => {
    members[at] = (members[at] ?? 0) + m;
    power[at] = (power[at] ?? 0) + p;
  };
  for (const group of groups) {
    const shares = choiceShares(group.choice, votingType);
    if (shares.size === 0) {
      if (group.outcome === "abstain") add(4, group.members, group.power);
      else if (group.outcome === "ask") add(5, group.members, group.power);
      continue;
    }
    for (const [index, share] of shares) {
      const abstain = /^abstain/i.test(choiceLabel(choices, index));
      add(abstain ? 4 : Math.min(index, 4) - 1, group.members * share, group.power * share);
    }
  }
  return { power, members };
}
