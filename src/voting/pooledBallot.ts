import { z } from "zod";
import type { Prisma, PrismaClient, Proposal, Space } from "../generated/prisma/client.js";
import type { SnapshotVoteReader } from "../sources/snapshot/voteReader.js";
import { toEngineProposal } from "../values/loadDecisionInputs.js";
import { type PoolContribution, type PoolEntry, poolDecisions } from "../values/poolDecisions.js";
import type { SnapshotChoice } from "../values/votingTypes.js";
import { castIntent } from "./castIntent.js";
import type { OverrideStore } from "./overrideStore.js";
import { type PoolMember, readPoolPowers, SNAPSHOT_POWER_DECIMALS } from "./pooledPower.js";

// The one computation of a pooled space's ballot: the planner writes it into the pooled delegate's outbox row, and
// the caster calls it again right before signing and casts only if the row still holds exactly this ballot
// (canonicalJson of both). Members' live decisions and words are weighed by the power each brings to the pool:
// split across choices where the ballot can be split (weighted, quadratic; For/Against/Abstain on a Governor that
// counts fractionally), otherwise the ballot backed by the most power. A member's word applies to their own share
// only: a vetoing member, one who voted themselves, or one whose power is unknown is left out, and named.

/**
 * The Governor runner's contract for a fractional pooled vote (GovernorCountingFractional's against/for/abstain
 * amounts, decimal strings). Do not change its shape.
 */
export interface FractionalChoice {
  fractional: { against: string; for: string; abstain: string };
}

/** A member not in the pooled vote, and why (a skip reason code, or a power code from pooledPower.ts). */
export interface PoolLeftOut {
  memberId: string;
  why: string;
}

/** What the pooled row's payload (`payload.pool`) and its audit entries record. */
export interface PoolRecord {
  method: "split" | "plurality" | "fractional";
  /** Decimals of every power figure below: 0 for a Governor's token units, 18 for Snapshot's vp. */
  powerDecimals: number;
  countedPower: string;
  withheldPower: { ask: string; never: string };
  /** Power per choice number (plurality: per whole ballot, as JSON). */
  amounts: Record<string, string>;
  contributions: (PoolContribution & { source: "hub" | "delegation" })[];
  leftOut: PoolLeftOut[];
}

export interface PooledBallotNow {
  /** The ballot the pooled delegate would cast now, as `Cast.choice` holds it; null when nothing would be cast. */
  choice: Prisma.JsonValue | null;
  /** Why nothing would be cast (a skip reason code); null when `choice` is set. */
  skip: string | null;
  /** How the members were combined; null when they were not (the space is not pooled or has no delegate). */
  pool: PoolRecord | null;
}

export interface PooledBallot {
  /** The pooled ballot of the proposal as of now. Throws when the hub cannot be read (nothing may be cast then). */
  current(proposalId: string): Promise<PooledBallotNow>;
  /** The same, for a proposal and space the caller has already loaded. */
  of(proposal: Proposal, space: Space): Promise<PooledBallotNow>;
}

export interface PooledBallotOptions {
  prisma: PrismaClient;
  overrides: OverrideStore;
  /** Snapshot spaces: members' wallets' power at the proposal, and their own votes, are read from the hub. */
  votes?: SnapshotVoteReader;
}

const fractionalRawSchema = z.object({ fractional: z.boolean() });

/** The Governor counts fractionally, as its watcher recorded in the proposal's raw record. */
export function countsFractionally(proposal: Pick<Proposal, "raw">, space: Pick<Space, "kind">): boolean {
  if (space.kind !== "governor") return false;
  const raw = fractionalRawSchema.safeParse(proposal.raw);
  return raw.success && raw.data.fractional;
}

/** Builds the computation (pure apart from its reads: the store, the members' words, and the hub). */
export function createPooledBallot(options: PooledBallotOptions): PooledBallot {
  const { prisma, overrides } = options;

  async function of(proposal: Proposal, space: Space): Promise<PooledBallotNow> {
    if (space.votingMode !== "pooled") return { choice: null, skip: "voting_mode_changed", pool: null };
    if (!space.pooledAgentAddress) return { choice: null, skip: "no_pooled_agent", pool: null };

    const [decisions, words] = await Promise.all([
      prisma.decision.findMany({
        where: { proposalId: proposal.id, staleAt: null },
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      }),
      overrides.forProposal(proposal.id),
    ]);
    const live = new Map(decisions.map((d) => [d.memberId, d]));
    const memberIds = [...new Set([...live.keys(), ...words.keys()])];
    // Sorted here, not by the database's collation: the record must come out the same wherever it is computed.
    const members = (
      await prisma.member.findMany({ where: { id: { in: memberIds } }, select: { id: true, walletAddress: true } })
    ).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const [voted, powers] = await Promise.all([
      ownVotes(space, members, proposal.externalId),
      readPoolPowers({
        prisma,
        votes: options.votes,
        space,
        pooledAddress: space.pooledAgentAddress,
        proposalExternalId: proposal.externalId,
        members,
      }),
    ]);

    const engine = toEngineProposal(proposal);
    const fractional = countsFractionally(proposal, space);
    const entries: PoolEntry[] = [];
    const sources = new Map<string, "hub" | "delegation">();
    const leftOut: PoolLeftOut[] = [];
    for (const member of members) {
      const decision = live.get(member.id) ?? null;
      const word = words.get(member.id) ?? null;
      const intent = castIntent({
        decision: decision ? { outcome: decision.outcome, choice: decision.choice as SnapshotChoice | null } : null,
        word,
        votingType: engine.votingType,
        choices: engine.choices,
        privacy: proposal.privacy,
        votedThemselves: voted.has(member.id),
      });
      if (intent.kind === "none") continue;
      // Asked and never are withheld power (poolDecisions shows it); any other skip leaves the member out.
      const withheld = intent.kind === "skip" && (intent.reason === "asked" || intent.reason === "never");
      if (intent.kind === "skip" && !withheld) {
        leftOut.push({ memberId: member.id, why: intent.reason });
        continue;
      }
      const power = powers.get(member.id);
      if (!power || power.kind === "unknown") {
        leftOut.push({ memberId: member.id, why: power?.why ?? "no_delegation" });
        continue;
      }
      sources.set(member.id, power.source);
      entries.push({
        memberId: member.id,
        votingPower: power.power,
        decision:
          intent.kind === "cast"
            ? {
                outcome:
                  intent.source === "decision"
                    ? (decision?.outcome ?? "vote")
                    : word?.kind === "abstain"
                      ? "abstain"
                      : "vote",
                choice: intent.choice,
                votingType: engine.votingType,
              }
            : {
                outcome: intent.kind === "skip" && intent.reason === "asked" ? "ask" : "never",
                choice: null,
                votingType: engine.votingType,
              },
      });
    }

    const pooled = poolDecisions(entries, { votingType: engine.votingType, fractional });
    const pool: PoolRecord = {
      method: fractional && pooled.method === "split" ? "fractional" : pooled.method,
      powerDecimals: space.kind === "snapshot" ? SNAPSHOT_POWER_DECIMALS : 0,
      countedPower: pooled.countedPower,
      withheldPower: pooled.withheldPower,
      amounts: pooled.amounts,
      contributions: pooled.contributions.map((c) => ({ ...c, source: sources.get(c.memberId) ?? "delegation" })),
      leftOut,
    };
    // Every member is left out as "shielded" (castIntent): the row says so for the whole pool.
    if (proposal.privacy === "shutter") return { choice: null, skip: "shielded", pool };
    if (pooled.outcome === "none") {
      return { choice: null, skip: pooled.why === "tie" ? "pool_tie" : "pool_empty", pool };
    }
    if (pool.method === "fractional") {
      const choice: FractionalChoice = {
        fractional: {
          against: pooled.amounts["1"] ?? "0",
          for: pooled.amounts["2"] ?? "0",
          abstain: pooled.amounts["3"] ?? "0",
        },
      };
      return { choice: choice as unknown as Prisma.JsonValue, skip: null, pool };
    }
    return { choice: pooled.choice as Prisma.JsonValue, skip: null, pool };
  }

  /** Members whose own wallet voted on the Snapshot proposal: their delegation no longer counts for the pool. */
  async function ownVotes(space: Space, members: readonly PoolMember[], proposal: string): Promise<Set<string>> {
    const wallets = members.filter((m) => m.walletAddress);
    if (space.kind !== "snapshot" || !options.votes || wallets.length === 0) return new Set();
    const found = await options.votes.votesBy({
      voters: wallets.map((m) => m.walletAddress as string),
      proposals: [proposal],
    });
    const voters = new Set(found.map((v) => v.voter.toLowerCase()));
    return new Set(wallets.filter((m) => voters.has((m.walletAddress as string).toLowerCase())).map((m) => m.id));
  }

  return {
    of,
    async current(proposalId) {
      const proposal = await prisma.proposal.findUniqueOrThrow({ where: { id: proposalId }, include: { space: true } });
      const { space, ...row } = proposal;
      return of(row, space);
    },
  };
}
