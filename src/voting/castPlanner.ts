import type { AuditLog } from "../audit/auditLog.js";
import { TribuneError } from "../errors/tribuneError.js";
import type { Cast, Member, Prisma, PrismaClient, Proposal, Space } from "../generated/prisma/client.js";
import type { Logger } from "../log/logger.js";
import type { SnapshotVoteReader } from "../sources/snapshot/voteReader.js";
import { toEngineProposal } from "../values/loadDecisionInputs.js";
import type { SnapshotChoice } from "../values/votingTypes.js";
import { type CastIntent, castIntent } from "./castIntent.js";
import type { OverrideStore } from "./overrideStore.js";
import { createPlannedRow, refreshPlannedRow, skipOtherKind } from "./planRows.js";
import { createPooledBallot, type PooledBallot, type PooledBallotNow } from "./pooledBallot.js";
import { planPooledRow, type RowCounts } from "./pooledPlan.js";

// From a proposal's live decisions and its members' words to the outbox. Personal mode (Snapshot and Governor
// spaces alike): one row per member agent, planned with its ballot or skipped with a reason. Pooled mode: one row for
// the space's pooled delegate, whose ballot combines the members' by voting power (pooledBallot.ts). Rows of the
// other mode are skipped (`voting_mode_changed`), so a switch never leaves both kinds castable. Run it whenever a
// decision or a word changes; it changes only rows that differ, so running it twice records nothing the second time.
// A row whose vote changed after it was announced goes back to `planned`: it is cast only after the new vote has been
// announced (markAnnounced).

export type PlanReport =
  | {
      status: "planned";
      votingMode: "personal" | "pooled";
      created: number;
      changed: number;
      unchanged: number;
      ownVotesChecked: boolean;
    }
  /** A pooled space whose delegate was never allocated (switch it to pooled again with keys configured). */
  | { status: "unsupported"; why: "no_pooled_agent" }
  | { status: "closed" };

export interface CastPlanner {
  /** Plans or refreshes the proposal's rows in one transaction, each change with its audit entry. */
  plan(proposalId: string): Promise<PlanReport>;
}

/** The space's voting mode changed under the planner more often than it could re-plan. */
export class PlanRaceError extends TribuneError {}

const PLAN_ATTEMPTS = 3;

/** What was read before the transaction, for one mode. */
type Prepared =
  | { mode: "personal"; intents: { member: Member; decisionId: string | null; intent: CastIntent }[]; checked: boolean }
  | { mode: "pooled"; ballot: PooledBallotNow | null };

/** Builds the planner. Without `votes`, members' own votes are only checked right before casting. */
export function createCastPlanner(options: {
  prisma: PrismaClient;
  audit: AuditLog;
  overrides: OverrideStore;
  votes?: SnapshotVoteReader;
  /** The pooled ballot's computation; built from the same store, words and hub when not given. */
  pooled?: PooledBallot;
  clock?: () => Date;
  logger?: Logger;
}): CastPlanner {
  const { prisma, audit, overrides } = options;
  const clock = options.clock ?? (() => new Date());
  const pooled = options.pooled ?? createPooledBallot({ prisma, overrides, votes: options.votes });

  return {
    async plan(proposalId) {
      for (let attempt = 0; attempt < PLAN_ATTEMPTS; attempt++) {
        const found = await prisma.proposal.findUniqueOrThrow({ where: { id: proposalId }, include: { space: true } });
        const { space, ...proposal } = found;
        if (proposal.deletedAt || space.removedAt || proposal.endAt <= clock()) return { status: "closed" };
        const prepared: Prepared =
          space.votingMode === "pooled"
            ? { mode: "pooled", ballot: space.pooledAgentAddress ? await pooled.of(proposal, space) : null }
            : { mode: "personal", ...(await personalIntents(proposal, space)) };
        const report = await prisma.$transaction((tx) => write(tx, proposal, space, prepared), {
          maxWait: 30_000,
          timeout: 60_000,
        });
        if (report) return report;
      }
      throw new PlanRaceError(
        "voting.plan_raced",
        "The space's voting mode kept changing while its votes were being planned",
        "Planning runs again with the next decision; nothing was written meanwhile",
      );
    },
  };

  /** Writes the prepared plan; null when the space's mode changed since it was read (the caller plans again). */
  async function write(
    tx: Prisma.TransactionClient,
    proposal: Proposal,
    space: Space,
    prepared: Prepared,
  ): Promise<PlanReport | null> {
    // The space row first, then the proposal's rows: the stewards' switch locks in the same order, so a switch waits
    // for this plan (or this plan sees the switch), and no row of the wrong kind is written after a switch.
    const [locked] = await tx.$queryRaw<{ votingMode: string; pooledAgentAddress: string | null }[]>`
      SELECT "votingMode"::text AS "votingMode", "pooledAgentAddress" FROM "Space" WHERE id = ${space.id} FOR SHARE`;
    if (locked?.votingMode !== space.votingMode || locked.pooledAgentAddress !== space.pooledAgentAddress) return null;
    // Lock the proposal's rows: a claim skips them meanwhile, and the states read below stay true.
    await tx.$queryRaw`SELECT id FROM "Cast" WHERE "proposalId" = ${proposal.id} FOR UPDATE`;
    const rows = await tx.cast.findMany({ where: { proposalId: proposal.id } });
    const switched = await skipOtherKind(tx, audit, rows, prepared.mode);
    const ofMode = rows.filter((r) => r.voterKind === prepared.mode);
    if (prepared.mode === "pooled") {
      if (!prepared.ballot) return { status: "unsupported", why: "no_pooled_agent" };
      const counts = await planPooledRow(tx, audit, {
        proposalId: proposal.id,
        space,
        ballot: prepared.ballot,
        rows: ofMode,
      });
      return {
        status: "planned",
        votingMode: "pooled",
        ...counts,
        changed: counts.changed + switched,
        // The pooled ballot leaves out members whose own vote it saw; a hub it could not read fails the plan.
        ownVotesChecked: space.kind === "snapshot" && options.votes !== undefined,
      };
    }
    const counts = await writePersonal(tx, proposal, space, prepared.intents, ofMode);
    return {
      status: "planned",
      votingMode: "personal",
      ...counts,
      changed: counts.changed + switched,
      ownVotesChecked: prepared.checked,
    };
  }

  async function personalIntents(proposal: Proposal, space: Space) {
    const [decisions, words] = await Promise.all([
      prisma.decision.findMany({
        where: { proposalId: proposal.id, staleAt: null },
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      }),
      overrides.forProposal(proposal.id),
    ]);
    const live = new Map(decisions.map((d) => [d.memberId, d]));
    const memberIds = [...new Set([...live.keys(), ...words.keys()])];
    const members = await prisma.member.findMany({ where: { id: { in: memberIds } } });
    // Governor members' own votes are on chain: the Governor caster checks them right before sending.
    const { voted, checked } =
      space.kind === "snapshot" ? await ownVotes(members, proposal.externalId) : { voted: new Set(), checked: false };
    const engine = toEngineProposal(proposal);
    const intents = members.map((member) => {
      const decision = live.get(member.id) ?? null;
      const intent = castIntent({
        decision: decision ? { outcome: decision.outcome, choice: decision.choice as SnapshotChoice | null } : null,
        word: words.get(member.id) ?? null,
        votingType: engine.votingType,
        choices: engine.choices,
        privacy: proposal.privacy,
        votedThemselves: voted.has(member.id),
      });
      return { member, decisionId: decision?.id ?? null, intent };
    });
    return { intents, checked };
  }

  async function writePersonal(
    tx: Prisma.TransactionClient,
    proposal: Proposal,
    space: Space,
    intents: Extract<Prepared, { mode: "personal" }>["intents"],
    rows: readonly Cast[],
  ): Promise<RowCounts> {
    const byVoter = new Map(rows.map((r) => [r.voterAddress.toLowerCase(), r]));
    const counts: RowCounts = { created: 0, changed: 0, unchanged: 0 };
    // Members whose decision went stale with no new one yet and no word: their row must not be cast.
    const planned = new Set<string>();
    for (const { member, decisionId, intent } of intents) {
      if (intent.kind === "none") continue;
      const row = byVoter.get(member.agentAddress.toLowerCase());
      planned.add(member.agentAddress.toLowerCase());
      const target = {
        memberId: member.id,
        decisionId,
        agentIndex: member.agentIndex,
        dryRun: space.mode === "dry_run",
      };
      if (!row) {
        await createPlannedRow(
          tx,
          audit,
          {
            proposalId: proposal.id,
            spaceId: space.id,
            voterAddress: member.agentAddress,
            voterKind: "personal",
            ...target,
          },
          intent,
        );
        counts.created += 1;
      } else if (await refreshPlannedRow(tx, audit, row, target, intent)) counts.changed += 1;
      else counts.unchanged += 1;
    }
    for (const row of rows) {
      if (planned.has(row.voterAddress.toLowerCase())) continue;
      const skip = { kind: "skip", reason: "superseded" } as const;
      if (await refreshPlannedRow(tx, audit, row, { decisionId: row.decisionId }, skip)) counts.changed += 1;
    }
    return counts;
  }

  async function ownVotes(
    members: { id: string; walletAddress: string | null }[],
    externalProposalId: string,
  ): Promise<{ voted: Set<string>; checked: boolean }> {
    const wallets = members.filter((m) => m.walletAddress);
    if (!options.votes || wallets.length === 0) return { voted: new Set(), checked: options.votes !== undefined };
    try {
      const found = await options.votes.votesBy({
        voters: wallets.map((m) => m.walletAddress as string),
        proposals: [externalProposalId],
      });
      const voters = new Set(found.map((v) => v.voter.toLowerCase()));
      return {
        voted: new Set(wallets.filter((m) => voters.has((m.walletAddress as string).toLowerCase())).map((m) => m.id)),
        checked: true,
      };
    } catch (error) {
      // Not fatal: the caster asks the hub again right before signing, and never signs for a member who voted.
      options.logger?.warn({ err: error, proposal: externalProposalId }, "could not read members' own votes");
      return { voted: new Set(), checked: false };
    }
  }
}
