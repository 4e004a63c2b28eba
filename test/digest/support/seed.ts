import { createHash, randomUUID } from "node:crypto";
import type { DigestInput } from "../../../src/digest/digestInput.js";
import type { PrismaClient, VotingType } from "../../../src/generated/prisma/client.js";

// Rows for digest tests, written the way the Snapshot watcher writes them: a space, a proposal whose current content
// hash is its newest version's, versions, and the forum topic with its kept posts.

export interface SeededProposal {
  spaceId: string;
  proposalId: string;
  versionId: string;
}

export function contentHashOf(title: string, body: string, choices: readonly string[]): string {
  return createHash("sha256").update(JSON.stringify({ title, body, choices })).digest("hex");
}

export async function seedSpace(
  prisma: PrismaClient,
  input: DigestInput,
  externalId = `${randomUUID()}.eth`,
): Promise<string> {
  const space = await prisma.space.create({
    data: {
      kind: "snapshot",
      externalId,
      name: externalId,
      taxonomy: input.taxonomy,
      taxonomyVersion: input.taxonomyVersion,
    },
  });
  return space.id;
}

/** A proposal at version 1, with its forum posts stored as one topic. */
export async function seedProposal(
  prisma: PrismaClient,
  input: DigestInput,
  options: { spaceId?: string } = {},
): Promise<SeededProposal> {
  const spaceId = options.spaceId ?? (await seedSpace(prisma, input));
  const { proposal } = input;
  const contentHash = contentHashOf(proposal.title, proposal.body, proposal.choices);
  const row = await prisma.proposal.create({
    data: {
      spaceId,
      source: "snapshot",
      externalId: `${proposal.id}-${randomUUID()}`,
      title: proposal.title,
      body: proposal.body,
      choices: proposal.choices,
      votingType: proposal.votingType.replace("-", "_") as VotingType,
      startAt: proposal.startAt,
      endAt: proposal.endAt,
      state: "active",
      contentHash,
      discussionUrl: proposal.discussionUrl,
      versions: {
        create: { version: 1, contentHash, title: proposal.title, body: proposal.body, choices: proposal.choices },
      },
    },
    include: { versions: true },
  });
  if (input.forum.length > 0) {
    await prisma.forumTopic.create({
      data: {
        proposalId: row.id,
        url: proposal.discussionUrl ?? "https://forum.example/t/1",
        host: "forum.example",
        status: "ok",
        posts: input.forum.map((p) => ({ url: p.url, author: p.author, text: p.text })),
      },
    });
  }
  return { spaceId, proposalId: row.id, versionId: row.versions[0]?.id ?? "" };
}

/** An edit: a new version becomes the proposal's current content. */
export async function editProposal(prisma: PrismaClient, proposalId: string, body: string): Promise<string> {
  const current = await prisma.proposal.findUniqueOrThrow({ where: { id: proposalId } });
  const choices = current.choices as string[];
  const contentHash = contentHashOf(current.title, body, choices);
  const version = current.version + 1;
  const [, created] = await prisma.$transaction([
    prisma.proposal.update({ where: { id: proposalId }, data: { body, contentHash, version } }),
    prisma.proposalVersion.create({ data: { proposalId, version, contentHash, title: current.title, body, choices } }),
  ]);
  return created.id;
}

/** A member with a confirmed profile and a decision on `digestId`, to watch it go stale. */
export async function seedDecision(prisma: PrismaClient, spaceId: string, proposalId: string, digestId: string) {
  const n = Math.floor(Math.random() * 1_000_000_000);
  const member = await prisma.member.create({
    data: { discordUserId: `u${n}`, agentIndex: n, agentAddress: `0x${n.toString(16).padStart(40, "0")}` },
  });
  const profile = await prisma.valueProfile.create({
    data: {
      memberId: member.id,
      spaceId,
      version: 1,
      statement: "I care about security.",
      weights: { security_risk: 5 },
      rules: [],
      taxonomyVersion: 1,
      compiledBy: "test",
      confirmedAt: new Date(),
    },
  });
  return prisma.decision.create({
    data: {
      proposalId,
      memberId: member.id,
      digestId,
      profileId: profile.id,
      taxonomyVersion: 1,
      outcome: "ask",
      utilities: {},
      contributions: {},
      rulesFired: [],
      explanation: {},
    },
  });
}
