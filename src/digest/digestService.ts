import { z } from "zod";
import type { AuditLog } from "../audit/auditLog.js";
import { TribuneError } from "../errors/tribuneError.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { decideProposal } from "../jobs/jobCatalog.js";
import type { JobQueue } from "../jobs/jobQueue.js";
import { recordLlmCall } from "../llm/llmCallLog.js";
import { LlmError } from "../llm/llmError.js";
import { NO_USAGE } from "../llm/llmProvider.js";
import { taxonomySchema } from "../values/taxonomy.js";
import { DEFAULT_ANSWER_RETRIES, produceDigestWithAnswerRetry, type RetriedOutcome } from "./answerRetry.js";
import type { Digester } from "./digester.js";
import { bodyWithActions, type DigestInput, type ForumPost, forumPostSchema } from "./digestInput.js";

// The digest step: one proposal version in, at most one digest per (content hash, prompt version, provider+model,
// taxonomy version) out, whatever the number of members and however often the job runs. A new digest supersedes the
// decisions made on older ones (they are marked stale) and hands over to the decision step.

export interface DigestServiceOptions {
  prisma: PrismaClient;
  audit: AuditLog;
  digester: Digester;
  /** Where `values.decide` is enqueued once a digest is stored. */
  jobs: Pick<JobQueue, "enqueue">;
  /** Further tries after a malformed model answer (cut off, empty, off-schema); defaults to DEFAULT_ANSWER_RETRIES. */
  answerRetries?: number;
  clock?: () => Date;
}

/**
 * What became of one request; only transient model failures are thrown (so the job queue retries them). `attempts`
 * counts the model answers it took, malformed ones tried again included.
 */
export type DigestVersionResult =
  | {
      status: "stored";
      digestId: string;
      flagged: boolean;
      unreliable: boolean;
      staleDecisions: number;
      attempts: number;
    }
  | { status: "existing"; digestId: string }
  | { status: "superseded"; currentContentHash: string }
  | { status: "missing"; detail: string }
  | { status: "no_digest"; reason: string; detail: string; attempts: number }
  | { status: "failed"; kind: string; message: string };

export interface DigestService {
  digestVersion(
    request: { proposalId: string; proposalVersionId: string },
    signal?: AbortSignal,
  ): Promise<DigestVersionResult>;
}

const ACTOR = "tribune:digest";
const choicesSchema = z.array(z.string());

/** A space's stored taxonomy does not parse: stewards must fix it before its proposals can be digested. */
export class TaxonomyInvalidError extends TribuneError {
  constructor(spaceId: string, problem: string) {
    super(
      "digest.taxonomy_invalid",
      `The value taxonomy of space ${spaceId} is invalid: ${problem}`,
      "Fix the space's taxonomy",
    );
  }
}

/** Builds the digest step over its dependencies. */
export function createDigestService(options: DigestServiceOptions): DigestService {
  const { prisma, audit, digester, jobs } = options;
  const answerRetries = options.answerRetries ?? DEFAULT_ANSWER_RETRIES;
  const clock = options.clock ?? (() => new Date());
  const producer = digester.producer;

  async function handOver(proposalId: string, digestId: string): Promise<void> {
    // Keyed by digest: a repeated hand-over (a retried job, a crash before this line) decides once.
    await jobs.enqueue(decideProposal, { proposalId, digestId }, { singletonKey: digestId });
  }

  return {
    async digestVersion({ proposalId, proposalVersionId }, signal) {
      const version = await prisma.proposalVersion.findUnique({
        where: { id: proposalVersionId },
        include: { proposal: { include: { space: true } } },
      });
      if (!version || version.proposalId !== proposalId) {
        return { status: "missing", detail: `no version ${proposalVersionId} of proposal ${proposalId}` };
      }
      const { proposal } = version;
      if (proposal.deletedAt) return { status: "missing", detail: `proposal ${proposalId} was deleted` };
      // A late job for an old version would digest text nobody votes on, and mark the current decisions stale.
      if (proposal.contentHash !== version.contentHash) {
        return { status: "superseded", currentContentHash: proposal.contentHash };
      }
      const taxonomy = taxonomySchema.safeParse(proposal.space.taxonomy);
      if (!taxonomy.success) throw new TaxonomyInvalidError(proposal.spaceId, z.prettifyError(taxonomy.error));
      const taxonomyVersion = proposal.space.taxonomyVersion;

      const key = {
        proposalId,
        contentHash: version.contentHash,
        promptVersion: producer.promptVersion,
        provider: producer.provider,
        model: producer.model,
        taxonomyVersion,
      };
      const existing = await prisma.digest.findUnique({
        where: { proposalId_contentHash_promptVersion_provider_model_taxonomyVersion: key },
        select: { id: true },
      });
      if (existing) {
        await handOver(proposalId, existing.id);
        return { status: "existing", digestId: existing.id };
      }

      const { forum, skippedPosts } = await forumOf(proposalId);
      const input: DigestInput = {
        proposal: {
          id: proposal.externalId,
          space: proposal.space.externalId,
          title: version.title,
          body: bodyWithActions(version.body, version.raw),
          choices: choicesSchema.parse(version.choices),
          votingType: proposal.votingType.replace("_", "-"),
          startAt: proposal.startAt,
          endAt: proposal.endAt,
          discussionUrl: proposal.discussionUrl,
        },
        forum,
        taxonomy: taxonomy.data,
        taxonomyVersion,
      };
      const call = { purpose: "digest", ...producer, spaceId: proposal.spaceId, proposalId };

      let retried: RetriedOutcome;
      try {
        retried = await produceDigestWithAnswerRetry(digester, input, {
          retries: answerRetries,
          ...(signal ? { signal } : {}),
          // A discarded answer was paid for: its call is recorded, and stewards see in the audit log why it was
          // asked again. The attempt that ends the run is recorded below, with the digest or the failure.
          onRetry: async (discarded) => {
            await recordLlmCall(prisma, {
              ...call,
              usage: discarded.usage,
              costUsd: discarded.costUsd,
              failure: discarded.reason,
            });
            await audit.append({
              action: "digest.retrying",
              actor: ACTOR,
              spaceId: proposal.spaceId,
              proposalId,
              data: {
                proposalVersionId,
                producer,
                attempt: discarded.attempt,
                maxAttempts: answerRetries + 1,
                reason: discarded.reason,
                detail: discarded.detail.slice(0, 500),
                costUsd: discarded.costUsd.toFixed(6),
              },
            });
          },
        });
      } catch (error) {
        if (!(error instanceof LlmError)) throw error;
        await recordLlmCall(prisma, { ...call, usage: NO_USAGE, costUsd: 0, failure: error.kind });
        if (error.transient) throw error;
        await audit.append({
          action: "digest.failed",
          actor: ACTOR,
          spaceId: proposal.spaceId,
          proposalId,
          data: { proposalVersionId, producer, kind: error.kind, message: error.message },
        });
        return { status: "failed", kind: error.kind, message: error.message };
      }
      const { outcome, attempts, totalUsage, totalCostUsd } = retried;
      const notes = skippedPosts > 0 ? [`forum_posts_unreadable: ${skippedPosts}`] : [];
      // The call is accounted for whatever happens next: it was made, and it cost what it cost.
      await recordLlmCall(prisma, {
        ...call,
        usage: outcome.usage,
        costUsd: outcome.costUsd,
        failure: outcome.ok ? null : outcome.reason,
      });

      if (!outcome.ok) {
        await audit.append({
          action: "digest.unavailable",
          actor: ACTOR,
          spaceId: proposal.spaceId,
          proposalId,
          data: {
            proposalVersionId,
            producer,
            reason: outcome.reason,
            detail: outcome.detail,
            screenFindings: outcome.findings.screen.length,
            attempts,
            costUsd: totalCostUsd.toFixed(6),
          },
        });
        return { status: "no_digest", reason: outcome.reason, detail: outcome.detail, attempts };
      }

      const findings = { ...outcome.findings, notes: [...outcome.findings.notes, ...notes] };
      try {
        const stored = await prisma.$transaction(async (tx) => {
          const digest = await tx.digest.create({
            data: {
              ...key,
              proposalVersionId,
              content: outcome.content,
              confidence: outcome.assessment.confidence,
              flagged: outcome.assessment.flagged,
              unreliable: outcome.assessment.unreliable,
              findings,
              // What the digest cost to make: every attempt of this run, so a retry's spend shows with it.
              inputTokens: totalUsage.inputTokens,
              outputTokens: totalUsage.outputTokens,
              cacheReadTokens: totalUsage.cacheReadTokens,
              cacheWriteTokens: totalUsage.cacheWriteTokens,
              costUsd: totalCostUsd.toFixed(6),
            },
            select: { id: true },
          });
          const stale = await tx.decision.updateMany({
            where: { proposalId, digestId: { not: digest.id }, staleAt: null },
            data: { staleAt: clock() },
          });
          await audit.append(
            {
              action: "digest.created",
              actor: ACTOR,
              spaceId: proposal.spaceId,
              proposalId,
              data: {
                digestId: digest.id,
                proposalVersionId,
                contentHash: version.contentHash,
                producer,
                taxonomyVersion,
                confidence: outcome.assessment.confidence,
                flagged: outcome.assessment.flagged,
                unreliable: outcome.assessment.unreliable,
                screenFindings: findings.screen.map((f) => ({
                  family: f.family,
                  source: f.source,
                  start: f.start,
                  end: f.end,
                })),
                evidenceFailures: findings.failures,
                attempts,
                costUsd: totalCostUsd.toFixed(6),
                staleDecisions: stale.count,
              },
            },
            tx,
          );
          return { digestId: digest.id, staleDecisions: stale.count };
        });
        await handOver(proposalId, stored.digestId);
        return {
          status: "stored",
          ...stored,
          flagged: outcome.assessment.flagged,
          unreliable: outcome.assessment.unreliable,
          attempts,
        };
      } catch (error) {
        // Another worker stored the same digest first (the unique key): theirs stands, ours is not kept.
        if ((error as { code?: string }).code !== "P2002") throw error;
        const raced = await prisma.digest.findUniqueOrThrow({
          where: { proposalId_contentHash_promptVersion_provider_model_taxonomyVersion: key },
          select: { id: true },
        });
        await handOver(proposalId, raced.id);
        return { status: "existing", digestId: raced.id };
      }
    },
  };

  async function forumOf(proposalId: string): Promise<{ forum: ForumPost[]; skippedPosts: number }> {
    const topics = await prisma.forumTopic.findMany({
      where: { proposalId, status: "ok" },
      orderBy: { url: "asc" },
      select: { posts: true },
    });
    const forum: ForumPost[] = [];
    let skippedPosts = 0;
    for (const topic of topics) {
      const posts = Array.isArray(topic.posts) ? topic.posts : [];
      for (const post of posts) {
        const parsed = forumPostSchema.safeParse(post);
        if (parsed.success) forum.push(parsed.data);
        else skippedPosts += 1;
      }
    }
    return { forum, skippedPosts };
  }
}
