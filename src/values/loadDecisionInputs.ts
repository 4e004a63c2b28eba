import { z } from "zod";
import { digestAssessmentSchema, digestSchema } from "../digest/digestSchema.js";
import { TribuneError } from "../errors/tribuneError.js";
import type { Digest, PrismaClient, Proposal, ValueProfile } from "../generated/prisma/client.js";
import type { EngineDigest, EngineProposal } from "./preparedProposal.js";
import { parseStoredProfile } from "./profileStore.js";
import type { EngineProfile } from "./valueProfile.js";
import { votingTypeFromStored } from "./votingTypes.js";

// Stored rows → the engine's inputs, every JSON column validated with zod on the way in. A row that fails is a typed
// error naming it: the engine never sees a half-parsed digest or profile.

const choicesSchema = z.array(z.string()).min(1);

/** A proposal row as the engine sees it. */
export function toEngineProposal(row: Proposal): EngineProposal {
  const choices = choicesSchema.safeParse(row.choices);
  if (!choices.success) {
    throw new TribuneError(
      "values.proposal_invalid",
      `Proposal ${row.id} has no valid list of choices`,
      "Re-ingest the proposal from its source",
    );
  }
  return { id: row.id, choices: choices.data, votingType: votingTypeFromStored(row.votingType), author: row.author };
}

/** A digest row as the engine sees it: the document and the assessment stored beside it. */
export function toEngineDigest(row: Digest): EngineDigest {
  const content = digestSchema.safeParse(row.content);
  const assessment = digestAssessmentSchema.safeParse({
    confidence: row.confidence,
    flagged: row.flagged,
    unreliable: row.unreliable,
  });
  if (!content.success || !assessment.success) {
    throw new TribuneError(
      "values.digest_invalid",
      `Digest ${row.id} does not match the digest contract (${(content.error ?? assessment.error)?.issues[0]?.message})`,
      "Digest the proposal again",
    );
  }
  return { id: row.id, content: content.data, assessment: assessment.data, taxonomyVersion: row.taxonomyVersion };
}

export interface MemberProfile {
  memberId: string;
  profile: EngineProfile & { id: string };
}

/**
 * The voting version of each member's profile in a space (the newest confirmed one), in member id order. Rows that
 * fail validation are returned apart, so one broken profile cannot stop everyone else's decisions.
 */
export async function loadVotingProfiles(
  prisma: PrismaClient,
  spaceId: string,
  memberIds?: readonly string[],
): Promise<{ profiles: MemberProfile[]; invalid: { memberId: string; profileId: string; error: string }[] }> {
  const rows: ValueProfile[] = await prisma.valueProfile.findMany({
    where: { spaceId, confirmedAt: { not: null }, ...(memberIds ? { memberId: { in: [...memberIds] } } : {}) },
    orderBy: [{ memberId: "asc" }, { version: "desc" }],
    distinct: ["memberId"],
  });
  const profiles: MemberProfile[] = [];
  const invalid: { memberId: string; profileId: string; error: string }[] = [];
  for (const row of rows) {
    try {
      profiles.push({ memberId: row.memberId, profile: parseStoredProfile(row) });
    } catch (error) {
      if (!(error instanceof TribuneError)) throw error;
      invalid.push({ memberId: row.memberId, profileId: row.id, error: error.message });
    }
  }
  return { profiles, invalid };
}
