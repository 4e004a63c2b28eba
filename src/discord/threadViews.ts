import { digestFindingsSchema } from "../digest/digestFindings.js";
import type { Digest, PrismaClient, Proposal, Space } from "../generated/prisma/client.js";
import type { CastingSwitch } from "../spaces/castingSwitch.js";
import type { Explanation } from "../values/explainDecision.js";
import { toEngineDigest, toEngineProposal } from "../values/loadDecisionInputs.js";
import { parseStoredProfile } from "../values/profileStore.js";
import type { SnapshotChoice } from "../values/votingTypes.js";
import { type MemberWord, overrideBallot } from "../voting/memberOverride.js";
import type { OverrideStore } from "../voting/overrideStore.js";
import { vetoSchedule } from "../voting/vetoSchedule.js";
import type { DigestView, OverrideView, PlanMemberView, PlanView, ProposalView } from "./presenters/views.js";

// Database rows → the presenters' plain views. Every JSON column goes through the same zod parsers the engine uses,
// so a thread never shows a half-parsed digest or decision.

/** A proposal as every thread message shows it. */
export function proposalView(proposal: Proposal, space: Space): ProposalView {
  const engine = toEngineProposal(proposal);
  const [chainId] = space.externalId.split(":");
  return {
    id: proposal.id,
    title: proposal.title,
    spaceName: space.name,
    source:
      space.kind === "snapshot"
        ? { kind: "snapshot", space: space.externalId, proposalId: proposal.externalId }
        : { kind: "governor", chainId: Number(chainId), proposalId: proposal.externalId, url: null },
    choices: [...engine.choices],
    votingType: engine.votingType,
    author: proposal.author,
    endAt: proposal.endAt,
    discussionUrl: proposal.discussionUrl,
  };
}

/** A digest row as the thread's opening message shows it. */
export function digestView(row: Digest): DigestView {
  const engine = toEngineDigest(row);
  const findings = digestFindingsSchema.safeParse(row.findings);
  return {
    content: engine.content,
    assessment: engine.assessment,
    provider: row.provider,
    model: row.model,
    promptVersion: row.promptVersion,
    screen: findings.success ? findings.data.screen.map((f) => ({ family: f.family, source: f.source })) : [],
    evidenceCheck: findings.success ? { claims: findings.data.claims, failures: findings.data.failures } : null,
  };
}

/** The newest digest of the proposal's current content, or null. */
export function latestDigest(prisma: PrismaClient, proposal: Proposal): Promise<Digest | null> {
  return prisma.digest.findFirst({
    where: { proposalId: proposal.id, contentHash: proposal.contentHash },
    orderBy: { createdAt: "desc" },
  });
}

/** Builds "How Tribune will vote" for a proposal: every live decision, the members' words, their voting power. */
export async function loadPlanView(
  deps: {
    prisma: PrismaClient;
    casting: CastingSwitch;
    overrides: OverrideStore;
    castSafetyMarginSeconds: number;
    now: Date;
  },
  proposal: Proposal,
  space: Space,
): Promise<PlanView> {
  const { prisma } = deps;
  const [decisions, words, casting] = await Promise.all([
    prisma.decision.findMany({
      where: { proposalId: proposal.id, staleAt: null },
      include: { member: true, profile: true },
      orderBy: { createdAt: "asc" },
    }),
    deps.overrides.forProposal(proposal.id),
    deps.casting.state(),
  ]);
  const delegations = await prisma.delegation.findMany({
    where: { spaceId: space.id, revokedAt: null, delegateAddress: { in: decisions.map((d) => d.member.agentAddress) } },
    select: { delegateAddress: true, votingPower: true },
  });
  const powerByAgent = new Map<string, bigint>();
  for (const row of delegations) {
    if (row.votingPower === null || !/^\d+$/.test(row.votingPower)) continue;
    const key = row.delegateAddress.toLowerCase();
    powerByAgent.set(key, (powerByAgent.get(key) ?? 0n) + BigInt(row.votingPower));
  }
  const members: PlanMemberView[] = decisions.map((d) => {
    const profile = parseStoredProfile(d.profile);
    const word = words.get(d.memberId);
    const power = powerByAgent.get(d.member.agentAddress.toLowerCase());
    return {
      discordUserId: d.member.discordUserId,
      privacy: profile.privacy,
      votingPower: power === undefined ? null : power.toString(),
      outcome: d.outcome,
      choice: d.choice as SnapshotChoice | null,
      line: (d.explanation as unknown as Explanation).line ?? "",
      override: overrideView(word, proposal),
    };
  });
  // Votes already announced are due when their row says; new ones are announced with this message, so from now.
  const firstDue = await prisma.cast.findFirst({
    where: { proposalId: proposal.id, state: { in: ["announced", "due"] }, dueAt: { not: null } },
    orderBy: { dueAt: "asc" },
    select: { announcedAt: true },
  });
  const schedule = vetoSchedule({
    announcedAt: firstDue?.announcedAt ?? deps.now,
    vetoWindowSeconds: space.vetoWindowSeconds,
    endAt: proposal.endAt,
    safetyMarginSeconds: deps.castSafetyMarginSeconds,
  });
  return {
    proposal: proposalView(proposal, space),
    mode: space.mode,
    paused: casting.paused,
    votingMode: space.votingMode,
    castsAt: schedule.castsAt,
    vetoWindowSeconds: space.vetoWindowSeconds,
    windowShrunk: schedule.shrunk,
    power: { decimals: space.kind === "governor" ? 18 : 0, symbol: null },
    members,
    pooled: null,
  };
}

function overrideView(word: MemberWord | undefined, proposal: Proposal): OverrideView | null {
  if (!word) return null;
  if (word.kind === "veto" || word.kind === "auto") return word.kind === "veto" ? { kind: "veto" } : null;
  const engine = toEngineProposal(proposal);
  const ballot = overrideBallot(word, engine.choices, engine.votingType);
  // An abstain on a ballot without an abstain choice casts nothing: for the thread that reads as "will not vote".
  return ballot === null ? { kind: "veto" } : { kind: "choice", choice: ballot };
}
