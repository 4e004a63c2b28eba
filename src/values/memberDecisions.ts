import type { Decision as DecisionRow, PrismaClient } from "../generated/prisma/client.js";
import { type Decision, decideVote } from "./decideVote.js";
import type { Explanation } from "./explainDecision.js";
import { toEngineDigest, toEngineProposal } from "./loadDecisionInputs.js";
import type { Thresholds } from "./preparedProposal.js";
import { parseStoredProfile } from "./profileStore.js";
import type { TaxonomyStore } from "./taxonomyStore.js";

// What a member asks about their own vote: /why reads the stored decision (what will be announced and cast);
// /preview runs the same pure engine on the newest digest and the member's newest profile without storing anything,
// so a member can see the effect of a profile they have not confirmed yet.

export type PreviewResult =
  | { status: "ok"; decision: Decision; profileVersion: number; profileConfirmed: boolean; digestId: string }
  | { status: "no_profile" }
  | { status: "no_digest" };

export interface StoredDecisionView {
  row: DecisionRow;
  explanation: Explanation;
  profileVersion: number;
}

export interface MemberDecisions {
  /** How the member's agent would vote now, computed fresh (nothing stored, nothing announced). */
  preview(input: { memberId: string; proposalId: string }): Promise<PreviewResult>;
  /** The member's live (not stale) decision on the proposal, or null. */
  current(input: { memberId: string; proposalId: string }): Promise<StoredDecisionView | null>;
}

/** Builds the reader. */
export function createMemberDecisions({
  prisma,
  taxonomies,
  thresholds,
}: {
  prisma: PrismaClient;
  taxonomies: TaxonomyStore;
  thresholds?: Partial<Thresholds>;
}): MemberDecisions {
  return {
    async preview({ memberId, proposalId }) {
      const proposal = await prisma.proposal.findUniqueOrThrow({ where: { id: proposalId } });
      const [digest, profileRow] = await Promise.all([
        prisma.digest.findFirst({
          where: { proposalId, contentHash: proposal.contentHash },
          orderBy: { createdAt: "desc" },
        }),
        prisma.valueProfile.findFirst({
          where: { memberId, spaceId: proposal.spaceId },
          orderBy: { version: "desc" },
        }),
      ]);
      if (!profileRow) return { status: "no_profile" };
      if (!digest) return { status: "no_digest" };
      const taxonomy = await taxonomies.get(proposal.spaceId);
      const decision = decideVote(toEngineProposal(proposal), toEngineDigest(digest), parseStoredProfile(profileRow), {
        taxonomy: taxonomy.taxonomy,
        taxonomyVersion: taxonomy.version,
        thresholds,
      });
      return {
        status: "ok",
        decision,
        profileVersion: profileRow.version,
        profileConfirmed: profileRow.confirmedAt !== null,
        digestId: digest.id,
      };
    },
    async current({ memberId, proposalId }) {
      const row = await prisma.decision.findFirst({
        where: { memberId, proposalId, staleAt: null },
        orderBy: { createdAt: "desc" },
        include: { profile: { select: { version: true } } },
      });
      if (!row) return null;
      const { profile, ...decision } = row;
      return { row: decision, explanation: row.explanation as unknown as Explanation, profileVersion: profile.version };
    },
  };
}
