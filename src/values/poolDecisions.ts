import type { Decision, DecisionOutcome } from "./decideVote.js";
import { splitBigByLargestRemainder } from "./splitShares.js";
import { isSplitType, type SnapshotChoice, type VotingType } from "./votingTypes.js";

// Pooled delegation: one delegate address votes for many members, so their decisions are combined by voting power.
// Where the ballot can be split (weighted, quadratic; a Governor's For/Against/Abstain with fractional counting) each
// member's power goes exactly where their own ballot put it; otherwise the ballot backed by the most power wins.
// Voting power is an exact integer (token units exceed 2^53), so all arithmetic is on bigints: no member's share is
// lost to rounding and the order in which members are listed never changes the result.

export interface PoolEntry {
  memberId: string;
  votingPower: bigint;
  decision: Pick<Decision, "outcome" | "choice" | "votingType">;
}

export interface PoolOptions {
  votingType: VotingType;
  /** Units of the pooled Snapshot split (weighted, quadratic). */
  splitTotal?: number;
  /** The Governor counts fractionally: split a basic ballot's power across For/Against/Abstain. */
  fractional?: boolean;
}

/** What one member put into the pooled vote. */
export interface PoolContribution {
  memberId: string;
  votingPower: string;
  outcome: DecisionOutcome;
  /** Power per choice number (decimal strings), for members whose ballot counted; empty otherwise. */
  amounts: Record<string, string>;
}

export interface PooledVote {
  /** "none" when no member's ballot counted, or the plurality is tied. */
  outcome: "vote" | "none";
  method: "split" | "plurality";
  /** The Snapshot ballot; null for no vote and for a fractional Governor vote (which casts `amounts`). */
  choice: SnapshotChoice | null;
  /** Power per choice number, summing exactly to `countedPower` (the fractional Governor vote; the split's basis). */
  amounts: Record<string, string>;
  countedPower: string;
  /** Power of members asked for their own word, or who vote on this themselves: not in the pooled vote. */
  withheldPower: { ask: string; never: string };
  why: "no_ballots" | "tie" | null;
  /** Every member, sorted by member id. */
  contributions: PoolContribution[];
}

/** Combines members' decisions into one pooled vote. */
export function poolDecisions(entries: readonly PoolEntry[], options: PoolOptions): PooledVote {
  const sorted = [...entries].sort((a, b) => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0));
  const splits = isSplitType(options.votingType) || (options.fractional === true && options.votingType === "basic");
  const withheld = { ask: 0n, never: 0n };
  const perChoice = new Map<string, bigint>();
  let counted = 0n;
  const contributions: PoolContribution[] = [];
  for (const entry of sorted) {
    if (entry.decision.votingType !== options.votingType) {
      throw new TypeError(
        `member ${entry.memberId} decided a ${entry.decision.votingType} ballot, not ${options.votingType}`,
      );
    }
    if (entry.votingPower < 0n) throw new RangeError(`member ${entry.memberId} has negative voting power`);
    const { outcome, choice } = entry.decision;
    const contribution: PoolContribution = {
      memberId: entry.memberId,
      votingPower: entry.votingPower.toString(),
      outcome,
      amounts: {},
    };
    contributions.push(contribution);
    if (outcome === "ask" || outcome === "never" || choice === null) {
      if (outcome === "ask" || outcome === "never") withheld[outcome] += entry.votingPower;
      continue;
    }
    counted += entry.votingPower;
    if (splits && typeof choice === "number") {
      // One choice takes the member's whole power: the common case, with no division at all.
      addAmount(contribution, perChoice, String(choice), entry.votingPower);
    } else if (splits) {
      if (Array.isArray(choice)) throw new TypeError("an approval or ranking ballot cannot be split");
      // Integer-like keys enumerate in ascending numeric order, so this order is the same for every member.
      const split = choice as Record<string, number>;
      const keys = Object.keys(split);
      const amounts = splitBigByLargestRemainder(
        keys.map((k) => BigInt(split[k] as number)),
        entry.votingPower,
      );
      for (let i = 0; i < keys.length; i++) {
        addAmount(contribution, perChoice, keys[i] as string, amounts[i] as bigint);
      }
    } else {
      // Plurality counts whole ballots: "[2,1,3]" and "[2,3,1]" are different ballots.
      const key = JSON.stringify(choice);
      contribution.amounts[key] = entry.votingPower.toString();
      perChoice.set(key, (perChoice.get(key) ?? 0n) + entry.votingPower);
    }
  }
  const base = {
    countedPower: counted.toString(),
    withheldPower: { ask: withheld.ask.toString(), never: withheld.never.toString() },
    contributions,
  };
  if (counted === 0n) {
    return {
      ...base,
      outcome: "none",
      method: splits ? "split" : "plurality",
      choice: null,
      amounts: {},
      why: "no_ballots",
    };
  }
  if (splits) return { ...base, ...pooledSplit(perChoice, options) };
  return { ...base, ...pooledPlurality(perChoice) };
}

function addAmount(contribution: PoolContribution, perChoice: Map<string, bigint>, key: string, amount: bigint): void {
  if (amount === 0n) return;
  contribution.amounts[key] = amount.toString();
  perChoice.set(key, (perChoice.get(key) ?? 0n) + amount);
}

function pooledSplit(perChoice: Map<string, bigint>, options: PoolOptions) {
  const keys = [...perChoice.keys()].sort((a, b) => Number(a) - Number(b));
  const amounts = Object.fromEntries(keys.map((k) => [k, (perChoice.get(k) as bigint).toString()]));
  if (!isSplitType(options.votingType)) {
    return { outcome: "vote" as const, method: "split" as const, choice: null, amounts, why: null };
  }
  const units = splitBigByLargestRemainder(
    keys.map((k) => perChoice.get(k) as bigint),
    BigInt(options.splitTotal ?? 100),
  );
  const choice: Record<string, number> = {};
  keys.forEach((k, i) => {
    if ((units[i] as bigint) > 0n) choice[k] = Number(units[i]);
  });
  return { outcome: "vote" as const, method: "split" as const, choice, amounts, why: null };
}

function pooledPlurality(perChoice: Map<string, bigint>) {
  const ranked = [...perChoice.entries()].sort((a, b) =>
    a[1] === b[1] ? (a[0] < b[0] ? -1 : 1) : a[1] > b[1] ? -1 : 1,
  );
  const amounts = Object.fromEntries(ranked.map(([k, v]) => [k, v.toString()]));
  const [first, second] = ranked;
  if (!first || (second && second[1] === first[1])) {
    return { outcome: "none" as const, method: "plurality" as const, choice: null, amounts, why: "tie" as const };
  }
  return {
    outcome: "vote" as const,
    method: "plurality" as const,
    choice: JSON.parse(first[0]) as SnapshotChoice,
    amounts,
    why: null,
  };
}
