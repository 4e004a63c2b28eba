import type { Prisma, PrismaClient } from "../generated/prisma/client.js";
import type { LlmUsage } from "./llmProvider.js";

/** One call to a model (or to the offline summariser), as cost accounting keeps it. */
export interface LlmCallRecord {
  purpose: string;
  provider: string;
  model: string;
  promptVersion: string;
  spaceId: string | null;
  proposalId: string | null;
  usage: LlmUsage;
  costUsd: number;
  /** Null when the call produced a usable result; otherwise why not ("refusal", "schema_miss", "rate_limited" …). */
  failure: string | null;
}

/** Writes one LlmCall row; pass `tx` to make it part of the caller's transaction. Returns its id. */
export async function recordLlmCall(db: PrismaClient | Prisma.TransactionClient, call: LlmCallRecord): Promise<string> {
  const row = await db.llmCall.create({
    data: {
      purpose: call.purpose,
      provider: call.provider,
      model: call.model,
      promptVersion: call.promptVersion,
      spaceId: call.spaceId,
      proposalId: call.proposalId,
      inputTokens: call.usage.inputTokens,
      outputTokens: call.usage.outputTokens,
      cacheReadTokens: call.usage.cacheReadTokens,
      cacheWriteTokens: call.usage.cacheWriteTokens,
      // Decimal(12, 6): a string keeps the micro-dollars exact on the way in.
      costUsd: call.costUsd.toFixed(6),
      failure: call.failure,
    },
    select: { id: true },
  });
  return row.id;
}

/** A space's model spending over a period. */
export interface LlmSpend extends LlmUsage {
  calls: number;
  failedCalls: number;
  /** US dollars, as a decimal string (exact to the micro-dollar). */
  costUsd: string;
}

/** Sums a space's LLM calls (all of them, or those at or after `since`). */
export async function llmSpendOfSpace(prisma: PrismaClient, spaceId: string, since?: Date): Promise<LlmSpend> {
  const where = { spaceId, ...(since ? { createdAt: { gte: since } } : {}) };
  const [sums, failedCalls] = await Promise.all([
    prisma.llmCall.aggregate({
      where,
      _count: { _all: true },
      _sum: { inputTokens: true, outputTokens: true, cacheReadTokens: true, cacheWriteTokens: true, costUsd: true },
    }),
    prisma.llmCall.count({ where: { ...where, failure: { not: null } } }),
  ]);
  return {
    calls: sums._count._all,
    failedCalls,
    inputTokens: sums._sum.inputTokens ?? 0,
    outputTokens: sums._sum.outputTokens ?? 0,
    cacheReadTokens: sums._sum.cacheReadTokens ?? 0,
    cacheWriteTokens: sums._sum.cacheWriteTokens ?? 0,
    costUsd: (sums._sum.costUsd ?? 0).toFixed(6),
  };
}
