// Rows for database tests of the values step: a space, an open proposal with a digest, members with profiles.
// Written through Prisma with the real schema, as the sources and the digest step would write them.
import { createHash, randomUUID } from "node:crypto";
import type { DigestContent } from "../../src/digest/digestSchema.js";
import type { PrismaClient, ProposalState, VotingType } from "../../src/generated/prisma/client.js";
import type { HardRule } from "../../src/values/hardRules.js";
import { DEFAULT_TAXONOMY } from "../../src/values/taxonomy.js";
import type { Weights } from "../../src/values/valueProfile.js";
import { digestContent } from "./digestFixtures.js";

let counter = 0;

export async function seedSpace(prisma: PrismaClient) {
  return prisma.space.create({
    data: { kind: "snapshot", externalId: `space-${randomUUID()}.eth`, name: "Test DAO", taxonomy: DEFAULT_TAXONOMY },
  });
}

export async function seedProposal(
  prisma: PrismaClient,
  spaceId: string,
  {
    choices = ["For", "Against", "Abstain"],
    votingType = "basic",
    state = "active",
  }: { choices?: string[]; votingType?: VotingType; state?: ProposalState } = {},
) {
  const contentHash = createHash("sha256").update(randomUUID()).digest("hex");
  const proposal = await prisma.proposal.create({
    data: {
      spaceId,
      source: "snapshot",
      externalId: `0x${randomUUID().replace(/-/g, "")}`,
      title: "Fund the grants council",
      body: "Transfer 2,000,000 USDC to the grants council.",
      choices,
      votingType,
      author: "0x1234567890abcdef1234567890abcdef12345678",
      startAt: new Date(Date.now() - 3_600_000),
      endAt: new Date(Date.now() + 86_400_000),
      state,
      contentHash,
    },
  });
  const version = await prisma.proposalVersion.create({
    data: { proposalId: proposal.id, version: 1, contentHash, title: proposal.title, body: proposal.body, choices },
  });
  return { proposal, version };
}

export async function seedDigest(
  prisma: PrismaClient,
  proposal: { id: string; contentHash: string },
  versionId: string,
  content: Partial<DigestContent>,
  { flagged = false, unreliable = false, confidence = 0.8, taxonomyVersion = 1, createdAt = new Date() } = {},
) {
  counter += 1;
  return prisma.digest.create({
    data: {
      proposalId: proposal.id,
      proposalVersionId: versionId,
      contentHash: proposal.contentHash,
      promptVersion: `test-${counter}`,
      provider: "offline",
      model: "extractive",
      taxonomyVersion,
      content: digestContent(content),
      confidence,
      flagged,
      unreliable,
      createdAt,
    },
  });
}

export async function seedMember(prisma: PrismaClient) {
  counter += 1;
  return prisma.member.create({
    data: {
      discordUserId: `discord-${randomUUID()}`,
      agentIndex: counter + Math.floor(Math.random() * 1e9),
      agentAddress: `0x${randomUUID().replace(/-/g, "")}${counter.toString(16).padStart(8, "0")}`,
    },
  });
}

export async function seedProfile(
  prisma: PrismaClient,
  memberId: string,
  spaceId: string,
  weights: Weights,
  { version = 1, rules = [] as HardRule[], confirmed = true, privacy = "public" as const } = {},
) {
  return prisma.valueProfile.create({
    data: {
      memberId,
      spaceId,
      version,
      statement: "seeded",
      weights,
      rules: { rules, whenUnsure: "ask" },
      taxonomyVersion: 1,
      privacy,
      compiledBy: "test",
      confirmedAt: confirmed ? new Date() : null,
    },
  });
}
