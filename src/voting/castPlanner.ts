import type { AuditLog } from "../audit/auditLog.js";
import { canonicalJson } from "../audit/canonicalJson.js";
import { type Cast, Prisma, type PrismaClient } from "../generated/prisma/client.js";
import type { Logger } from "../log/logger.js";
import type { SnapshotVoteReader } from "../sources/snapshot/voteReader.js";
import { toEngineProposal } from "../values/loadDecisionInputs.js";
import type { SnapshotChoice } from "../values/votingTypes.js";
import { type CastIntent, castIntent, REVIVABLE_SKIPS } from "./castIntent.js";
import { castEvent, moveCast } from "./castOutbox.js";
import type { OverrideStore } from "./overrideStore.js";

// From a proposal's live decisions and its members' words to the outbox: one row per member agent (personal mode),
// planned with its ballot or skipped with a reason. Run it whenever a decision or a word changes; it changes only
// rows that differ, so running it twice records nothing the second time. A row whose vote changed after it was
// announced goes back to `planned`: it is cast only after the new vote has been announced (markAnnounced).
// Pooled mode is not planned here yet (see the report in issue 8).

export type PlanReport =
  | { status: "planned"; created: number; changed: number; unchanged: number; ownVotesChecked: boolean }
  | { status: "unsupported"; why: "pooled" | "governor" }
  | { status: "closed" };

export interface CastPlanner {
  /** Plans or refreshes the proposal's rows in one transaction, each change with its audit entry. */
  plan(proposalId: string): Promise<PlanReport>;
}

/** Rows in these states are in flight or settled: planning never touches them. */
const FROZEN = new Set(["signing", "submitted", "confirmed", "failed"]);

/** Builds the planner. Without `votes`, members' own votes are only checked right before casting. */
export function createCastPlanner(options: {
  prisma: PrismaClient;
  audit: AuditLog;
  overrides: OverrideStore;
  votes?: SnapshotVoteReader;
  clock?: () => Date;
  logger?: Logger;
}): CastPlanner {
  const { prisma, audit, overrides } = options;
  const clock = options.clock ?? (() => new Date());

  return {
    async plan(proposalId) {
      const proposal = await prisma.proposal.findUniqueOrThrow({ where: { id: proposalId }, include: { space: true } });
      const { space } = proposal;
      if (space.kind !== "snapshot") return { status: "unsupported", why: "governor" };
      if (space.votingMode === "pooled") return { status: "unsupported", why: "pooled" };
      if (proposal.deletedAt || space.removedAt || proposal.endAt <= clock()) return { status: "closed" };

      const [decisions, words] = await Promise.all([
        prisma.decision.findMany({
          where: { proposalId, staleAt: null },
          orderBy: [{ createdAt: "asc" }, { id: "asc" }],
        }),
        overrides.forProposal(proposalId),
      ]);
      const live = new Map(decisions.map((d) => [d.memberId, d]));
      const memberIds = [...new Set([...live.keys(), ...words.keys()])];
      const members = await prisma.member.findMany({ where: { id: { in: memberIds } } });
      const { voted, checked } = await ownVotes(members, proposal.externalId);

      const engine = toEngineProposal(proposal);
      return prisma.$transaction(
        async (tx) => {
          // Lock the proposal's rows: a claim skips them meanwhile, and the states read below stay true.
          await tx.$queryRaw`SELECT id FROM "Cast" WHERE "proposalId" = ${proposalId} FOR UPDATE`;
          const rows = await tx.cast.findMany({ where: { proposalId } });
          const byVoter = new Map(rows.map((r) => [r.voterAddress.toLowerCase(), r]));
          let created = 0;
          let changed = 0;
          let unchanged = 0;
          // Members whose decision went stale with no new one yet and no word: their row must not be cast.
          const planned = new Set<string>();
          for (const member of members) {
            const decision = live.get(member.id) ?? null;
            const intent = castIntent({
              decision: decision
                ? { outcome: decision.outcome, choice: decision.choice as SnapshotChoice | null }
                : null,
              word: words.get(member.id) ?? null,
              votingType: engine.votingType,
              choices: engine.choices,
              privacy: proposal.privacy,
              votedThemselves: voted.has(member.id),
            });
            if (intent.kind === "none") continue;
            const row = byVoter.get(member.agentAddress.toLowerCase());
            planned.add(member.agentAddress.toLowerCase());
            const target = {
              memberId: member.id,
              decisionId: decision?.id ?? null,
              agentIndex: member.agentIndex,
              dryRun: space.mode === "dry_run",
            };
            if (!row) {
              await createRow(
                tx,
                { proposalId, spaceId: space.id, voterAddress: member.agentAddress, ...target },
                intent,
              );
              created += 1;
            } else if (await refreshRow(tx, row, target, intent)) changed += 1;
            else unchanged += 1;
          }
          for (const row of rows) {
            if (planned.has(row.voterAddress.toLowerCase()) || row.voterKind !== "personal") continue;
            const moved = await refreshRow(
              tx,
              row,
              { decisionId: row.decisionId },
              { kind: "skip", reason: "superseded" },
            );
            if (moved) changed += 1;
          }
          return { status: "planned" as const, created, changed, unchanged, ownVotesChecked: checked };
        },
        { maxWait: 30_000, timeout: 60_000 },
      );
    },
  };

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

  async function createRow(
    tx: Prisma.TransactionClient,
    data: Prisma.CastUncheckedCreateInput,
    intent: Exclude<CastIntent, { kind: "none" }>,
  ): Promise<void> {
    const row = await tx.cast.create({
      data: {
        ...data,
        voterKind: "personal",
        state: intent.kind === "cast" ? "planned" : "skipped",
        choice: intent.kind === "cast" ? (intent.choice as Prisma.InputJsonValue) : undefined,
        failureReason: intent.kind === "skip" ? intent.reason : null,
      },
    });
    await audit.append(
      castEvent(row, null, row.state, {
        action: intent.kind === "cast" ? "cast.planned" : "cast.skipped",
        data: intent.kind === "cast" ? { source: intent.source } : {},
      }),
      tx,
    );
  }

  /** Brings one existing row in line with the intent; says whether it changed. */
  async function refreshRow(
    tx: Prisma.TransactionClient,
    row: Cast,
    target: { decisionId: string | null; memberId?: string; agentIndex?: number; dryRun?: boolean },
    intent: Exclude<CastIntent, { kind: "none" }>,
  ): Promise<boolean> {
    if (FROZEN.has(row.state)) return false;
    // A row that was signed once (a retry waits in `due`) may be on the hub: it is the caster's now.
    if (row.state === "due" && row.voteId !== null) return false;
    if (row.state === "skipped" && !REVIVABLE_SKIPS.has(row.failureReason ?? "")) return false;

    if (intent.kind === "skip") {
      if (row.state === "skipped" && row.failureReason === intent.reason) return false;
      return (
        (await moveCast(
          tx,
          audit,
          row,
          "skipped",
          { failureReason: intent.reason, decisionId: target.decisionId, nextAttemptAt: null },
          {},
        )) !== null
      );
    }
    const sameBallot = row.choice !== null && canonicalJson(row.choice) === canonicalJson(intent.choice);
    const choice = intent.choice as Prisma.InputJsonValue;
    const announcedAsIs =
      (row.state === "announced" || row.state === "due") && sameBallot && row.announcedDecisionId === target.decisionId;
    if (announcedAsIs) return false;
    if (row.state === "planned" && sameBallot && row.decisionId === target.decisionId) return false;
    // Anything else is (back to) planned: what was announced, if anything, is not what would be cast now.
    const moved = await moveCast(
      tx,
      audit,
      row,
      "planned",
      {
        choice,
        decisionId: target.decisionId,
        failureReason: null,
        announcedAt: null,
        dueAt: null,
        nextAttemptAt: null,
        // Nothing of an earlier claim survives a new ballot: its reason named the old decision.
        reason: null,
        payload: Prisma.DbNull,
        ...(target.dryRun === undefined ? {} : { dryRun: target.dryRun }),
      },
      {
        action: row.state === "planned" ? "cast.replanned" : row.state === "skipped" ? "cast.revived" : "cast.stale",
        data: {
          source: intent.source,
          previous: { state: row.state, choice: row.choice, announcedDecisionId: row.announcedDecisionId },
        },
      },
    );
    return moved !== null;
  }
}
