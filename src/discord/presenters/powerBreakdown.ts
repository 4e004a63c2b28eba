import type { PooledVote } from "../../values/poolDecisions.js";
import { splitBigByLargestRemainder } from "../../values/splitShares.js";
import type { SnapshotChoice } from "../../values/votingTypes.js";
import { choiceLabel, choiceShares } from "../../web/choiceShares.js";
import { safeClip } from "./hostileText.js";
import { formatCount, formatPowerWithUnit, formatShare, parsePower } from "./powerAmounts.js";
import { ballotText } from "./proposalText.js";
import type { PlanMemberView, PowerUnit, ProposalView } from "./views.js";

// Where the members' voting power goes, per choice, summed exactly: each member's power is divided across the choices
// their ballot names (the whole of it for one choice; in proportion for a split; evenly across approved choices and
// to the first preference of a ranking, as the web view's breakdown counts) with largest-remainder integer splits,
// so the rows add up to the total to the last unit.

/** One row: a choice (or "asked", "not voting") with the power and the members behind it. */
export interface BreakdownRow {
  label: string;
  power: bigint;
  members: number;
}

/** Power per choice in ballot order, then the members asked and the members not voting. */
export interface PowerBreakdown {
  rows: BreakdownRow[];
  /** Members whose voting power is unknown (no delegation detected); counted with none. */
  withoutPower: number;
}

/** Sums the members' power per choice (see above); runs over every member, so the common ballot takes no division. */
export function powerBreakdown(
  members: readonly PlanMemberView[],
  proposal: Pick<ProposalView, "choices" | "votingType">,
  unit: PowerUnit,
): PowerBreakdown {
  const perChoice = new Map<number, BreakdownRow>();
  const asked: BreakdownRow = { label: "Asked for their own word", power: 0n, members: 0 };
  const notVoting: BreakdownRow = {
    label: "Not voted for (vetoed, voting themselves, or never)",
    power: 0n,
    members: 0,
  };
  let withoutPower = 0;
  const add = (choice: number, power: bigint) => {
    let row = perChoice.get(choice);
    if (!row) {
      row = { label: safeClip(choiceLabel(proposal.choices, choice), 80), power: 0n, members: 0 };
      perChoice.set(choice, row);
    }
    row.power += power;
    row.members += 1;
  };
  for (const member of members) {
    const parsed = parsePower(member.votingPower, unit);
    if (parsed === null) withoutPower += 1;
    const power = parsed ?? 0n;
    const ballot = effectiveBallot(member);
    if (ballot === "ask" || ballot === null) {
      const row = ballot === "ask" ? asked : notVoting;
      row.power += power;
      row.members += 1;
      continue;
    }
    if (typeof ballot === "number") {
      add(ballot, power);
      continue;
    }
    const shares = [...choiceShares(ballot, proposal.votingType)];
    // Shares are fractions; as integer weights (to a billionth) they split the power exactly.
    const amounts = splitBigByLargestRemainder(
      shares.map(([, share]) => BigInt(Math.round(share * 1e9))),
      power,
    );
    shares.forEach(([choice], i) => {
      add(choice, amounts[i] as bigint);
    });
  }
  const rows = [...perChoice.entries()].sort((a, b) => a[0] - b[0]).map(([, row]) => row);
  return { rows: [...rows, asked, notVoting].filter((row) => row.members > 0), withoutPower };
}

/** The ballot that counts for a member: their own word over the decision; "ask" or null when there is none. */
function effectiveBallot(member: PlanMemberView): SnapshotChoice | "ask" | null {
  if (member.override?.kind === "choice") return member.override.choice;
  if (member.override) return null;
  if (member.outcome === "ask") return "ask";
  return member.outcome === "vote" || member.outcome === "abstain" ? member.choice : null;
}

/** The rows as lines: "**For**: 1.2M (62.3%) · 14 members". */
export function breakdownLines(rows: readonly BreakdownRow[], unit: PowerUnit): string[] {
  const total = rows.reduce((sum, row) => sum + row.power, 0n);
  return rows.map(
    (row) =>
      `**${row.label}**: ${formatPowerWithUnit(row.power, unit)} (${formatShare(row.power, total)}) · ` +
      `${formatCount(row.members)} member${row.members === 1 ? "" : "s"}`,
  );
}

/** The pooled vote in words: what the one delegate casts, and the power behind each ballot. */
export function pooledLines(
  pooled: Omit<PooledVote, "contributions">,
  proposal: Pick<ProposalView, "choices" | "votingType">,
  unit: PowerUnit,
): string[] {
  const power = (text: string) => parsePower(text, unit) ?? 0n;
  const counted = power(pooled.countedPower);
  const lines: string[] = [];
  if (pooled.outcome === "none") {
    lines.push(
      pooled.why === "tie"
        ? "**No pooled vote:** the ballots with the most power are tied."
        : "**No pooled vote:** no member's ballot counts.",
    );
  } else if (pooled.choice === null) {
    lines.push("**Pooled vote:** the delegate's power is split across the choices as below (fractional counting).");
  } else {
    lines.push(`**Pooled vote:** ${ballotText(pooled.choice, proposal.votingType, proposal.choices)}`);
  }
  for (const [key, amount] of Object.entries(pooled.amounts)) {
    // Split amounts are keyed by choice number; plurality amounts by the whole ballot, as JSON.
    const ballot = /^\d+$/.test(key) ? Number(key) : (JSON.parse(key) as SnapshotChoice);
    const words = ballotText(ballot, proposal.votingType, proposal.choices, 80);
    const value = power(amount);
    lines.push(`• ${words}: ${formatPowerWithUnit(value, unit)} (${formatShare(value, counted)})`);
  }
  const withheld = power(pooled.withheldPower.ask) + power(pooled.withheldPower.never);
  if (withheld > 0n)
    lines.push(`Not in the pooled vote (asked, or voting themselves): ${formatPowerWithUnit(withheld, unit)}`);
  return lines;
}
