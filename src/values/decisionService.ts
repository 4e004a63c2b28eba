import { randomUUID } from "node:crypto";
import type { AuditLog } from "../audit/auditLog.js";
import type { AuditEvent } from "../audit/hashChain.js";
import { TribuneError } from "../errors/tribuneError.js";
import { Prisma, type PrismaClient } from "../generated/prisma/client.js";
import { type Decision, type DecisionOutcome, decidePrepared, ENGINE_VERSION } from "./decideVote.js";
import { loadVotingProfiles, toEngineDigest, toEngineProposal } from "./loadDecisionInputs.js";
import { prepareProposal, type Thresholds } from "./preparedProposal.js";
import type { TaxonomyStore } from "./taxonomyStore.js";

// Deciding at the edge: load a proposal, its digest and every confirmed profile of the space, run the pure engine,
// and store one Decision row per member with its audit entry, in the same transaction. Older decisions of the same
// member on the same proposal are marked stale in that transaction too, so a member never has two live decisions.

export interface DecisionServiceOptions {
  prisma: PrismaClient;
  audit: AuditLog;
  taxonomies: TaxonomyStore;
  thresholds?: Partial<Thresholds>;
  clock?: () => Date;
  /** Members written per transaction: bounds how long the audit chain's lock is held at a time. */
  chunkSize?: number;
}

export type DecideReport =
  | {
      status: "decided";
      proposalId: string;
      digestId: string;
      members: number;
      created: number;
      recomputed: number;
      unchanged: number;
      staled: number;
      outcomes: Record<DecisionOutcome, number>;
      invalidProfiles: string[];
    }
  | { status: "skipped"; proposalId: string; digestId: string; why: "superseded_digest" | "proposal_not_open" };

export interface DecisionService {
  /** Decides every confirmed profile of the proposal's space (or just `memberIds`) against the digest. Idempotent. */
  decideDigest(
    input: { proposalId: string; digestId: string; memberIds?: readonly string[] },
    signal?: AbortSignal,
  ): Promise<DecideReport>;
  /** A member confirmed a new profile version: re-decides their open proposals. */
  redecideMember(memberId: string, spaceId: string, signal?: AbortSignal): Promise<DecideReport[]>;
  /** The space's taxonomy changed: re-decides every open proposal for every member. */
  redecideSpace(spaceId: string, signal?: AbortSignal): Promise<DecideReport[]>;
}

/** Keeps the proposal's decisions apart from the audit chain's single-key lock (two-key advisory locks). */
const DECIDE_LOCK_CLASS = 7_283_902;
const OPEN_STATES = ["pending", "active"] as const;

export function createDecisionService(options: DecisionServiceOptions): DecisionService {
  const { prisma, audit, taxonomies, thresholds } = options;
  const clock = options.clock ?? (() => new Date());
  const chunkSize = options.chunkSize ?? 1_000;

  async function decideDigest(
    input: { proposalId: string; digestId: string; memberIds?: readonly string[] },
    signal?: AbortSignal,
  ): Promise<DecideReport> {
    const { proposalId, digestId } = input;
    const [proposalRow, digestRow] = await Promise.all([
      prisma.proposal.findUnique({ where: { id: proposalId } }),
      prisma.digest.findUnique({ where: { id: digestId } }),
    ]);
    if (!proposalRow || !digestRow || digestRow.proposalId !== proposalId) {
      throw new TribuneError(
        "values.decide_not_found",
        `No digest ${digestId} of proposal ${proposalId}`,
        "Check the ids; the digest may have been for another proposal",
      );
    }
    const now = clock();
    const open = OPEN_STATES.some((s) => s === proposalRow.state) && !proposalRow.deletedAt && proposalRow.endAt > now;
    if (!open) return { status: "skipped", proposalId, digestId, why: "proposal_not_open" };
    const newer = await prisma.digest.count({ where: { proposalId, createdAt: { gt: digestRow.createdAt } } });
    if (newer > 0) return { status: "skipped", proposalId, digestId, why: "superseded_digest" };

    const { taxonomy, version: taxonomyVersion } = await taxonomies.get(proposalRow.spaceId);
    const prepared = prepareProposal(toEngineProposal(proposalRow), toEngineDigest(digestRow), {
      taxonomy,
      taxonomyVersion,
      thresholds,
    });
    const { profiles, invalid } = await loadVotingProfiles(prisma, proposalRow.spaceId, input.memberIds);

    const report = {
      status: "decided" as const,
      proposalId,
      digestId,
      members: profiles.length,
      created: 0,
      recomputed: 0,
      unchanged: 0,
      staled: 0,
      outcomes: { vote: 0, abstain: 0, ask: 0, never: 0 },
      invalidProfiles: invalid.map((i) => i.profileId),
    };
    const base = { actor: "values.decide", spaceId: proposalRow.spaceId, proposalId };

    // Decided a chunk at a time, right before it is written: memory stays bounded by the chunk, not the space.
    for (let start = 0; start < profiles.length; start += chunkSize) {
      signal?.throwIfAborted();
      const chunk = profiles.slice(start, start + chunkSize).map(({ memberId, profile }) => {
        const decision = decidePrepared(prepared, profile);
        report.outcomes[decision.outcome] += 1;
        return { memberId, profile, decision };
      });
      await prisma.$transaction(
        async (tx) => {
          await tx.$executeRaw`SELECT pg_advisory_xact_lock(${DECIDE_LOCK_CLASS}::int, hashtext(${proposalId}))`;
          const existing = await tx.decision.findMany({
            where: { proposalId, memberId: { in: chunk.map((c) => c.memberId) } },
            select: { id: true, memberId: true, digestId: true, profileId: true, taxonomyVersion: true, staleAt: true },
          });
          const creates: Prisma.DecisionCreateManyInput[] = [];
          const staleIds: string[] = [];
          const events: AuditEvent[] = [];
          for (const { memberId, profile, decision } of chunk) {
            const mine = existing.filter((row) => row.memberId === memberId);
            const same = mine.find((row) => row.digestId === digestId && row.profileId === profile.id);
            const supersedes = mine.filter((row) => row !== same && row.staleAt === null).map((row) => row.id);
            staleIds.push(...supersedes);
            if (same && same.staleAt === null && same.taxonomyVersion === taxonomyVersion) {
              report.unchanged += 1;
              continue;
            }
            const columns = decisionColumns(decision, taxonomyVersion);
            let id: string;
            if (same) {
              // The row's key has no taxonomy version: a re-decision after a taxonomy edit replaces it in place, and
              // the audit entry keeps what it said before being replaced.
              id = same.id;
              await tx.decision.update({ where: { id }, data: { ...columns, staleAt: null } });
              report.recomputed += 1;
            } else {
              id = randomUUID();
              creates.push({ id, proposalId, memberId, digestId, profileId: profile.id, ...columns });
              report.created += 1;
            }
            events.push({
              ...base,
              action: same ? "decision.recomputed" : "decision.made",
              memberId,
              data: auditData(id, decision, supersedes),
            });
          }
          if (creates.length > 0) await tx.decision.createMany({ data: creates });
          if (staleIds.length > 0) {
            await tx.decision.updateMany({ where: { id: { in: staleIds } }, data: { staleAt: now } });
            report.staled += staleIds.length;
          }
          await audit.appendMany(events, tx);
        },
        { maxWait: 60_000, timeout: 120_000 },
      );
    }

    if (!input.memberIds) {
      // Members decided on an older digest but not now (their profile became unusable): their old decision is stale.
      const leftover = await prisma.$transaction(async (tx) => {
        const rows = await tx.decision.findMany({
          where: { proposalId, staleAt: null, digestId: { not: digestId } },
          select: { id: true, memberId: true },
        });
        if (rows.length === 0) return 0;
        await tx.decision.updateMany({ where: { id: { in: rows.map((r) => r.id) } }, data: { staleAt: now } });
        await audit.append(
          { ...base, action: "decision.staled", data: { digestId, decisionIds: rows.map((r) => r.id) } },
          tx,
        );
        return rows.length;
      });
      report.staled += leftover;
    }
    if (invalid.length > 0) {
      await audit.append({ ...base, action: "decision.profiles_invalid", data: { digestId, invalid } });
    }
    return report;
  }

  async function redecideOpen(spaceId: string, memberIds: readonly string[] | undefined, signal?: AbortSignal) {
    const proposals = await prisma.proposal.findMany({
      where: { spaceId, state: { in: [...OPEN_STATES] }, deletedAt: null, endAt: { gt: clock() } },
      select: { id: true },
      orderBy: { endAt: "asc" },
    });
    const reports: DecideReport[] = [];
    for (const { id: proposalId } of proposals) {
      const digest = await prisma.digest.findFirst({
        where: { proposalId },
        orderBy: [{ createdAt: "desc" }, { id: "desc" }],
        select: { id: true },
      });
      if (!digest) continue;
      reports.push(await decideDigest({ proposalId, digestId: digest.id, memberIds }, signal));
    }
    return reports;
  }

  return {
    decideDigest,
    redecideMember: (memberId, spaceId, signal) => redecideOpen(spaceId, [memberId], signal),
    redecideSpace: (spaceId, signal) => redecideOpen(spaceId, undefined, signal),
  };
}

/** The Decision row's columns; what has no column of its own (reasons, confidence, versions) rides in `explanation`. */
function decisionColumns(decision: Decision, taxonomyVersion: number) {
  return {
    taxonomyVersion,
    outcome: decision.outcome,
    choice: decision.choice === null ? Prisma.DbNull : decision.choice,
    utilities: decision.utilities,
    contributions: decision.contributions,
    rulesFired: decision.rulesFired as unknown as Prisma.InputJsonValue,
    explanation: {
      ...decision.explanation,
      reasons: decision.reasons,
      decidedBy: decision.decidedBy,
      margin: decision.margin,
      confidence: decision.confidence,
      versions: decision.versions,
      engine: ENGINE_VERSION,
    } as unknown as Prisma.InputJsonValue,
  };
}

function auditData(decisionId: string, decision: Decision, supersedes: string[]) {
  return {
    decisionId,
    digestId: decision.versions.digestId,
    profileId: decision.versions.profileId,
    profileVersion: decision.versions.profileVersion,
    taxonomyVersion: decision.versions.taxonomyVersion,
    outcome: decision.outcome,
    choice: decision.choice,
    decidedBy: decision.decidedBy,
    reasons: decision.reasons,
    rule: decision.rulesFired.find((r) => r.effect === "applied")?.ruleId ?? null,
    confidence: decision.confidence,
    engine: ENGINE_VERSION,
    supersedes,
  };
}
