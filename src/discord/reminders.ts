import type { PrismaClient } from "../generated/prisma/client.js";
import { parseStoredProfile } from "../values/profileStore.js";
import { readDelegationStatus } from "../voting/delegationStatus.js";
import { reminderMessages } from "./presenters/reminderMessage.js";
import type { ReminderView } from "./presenters/views.js";
import type { PublishReport, ThreadPublisher } from "./threadPublisher.js";
import { proposalView } from "./threadViews.js";

// The reminder before a proposal ends names only the members who must act: those whose decision is "ask me" and have
// not given their word, and those whose agent has no delegation detected. Nobody to remind → no message at all.

/** Who must act on a proposal, as the reminder presenter reads it. */
export async function loadReminderView(prisma: PrismaClient, proposalId: string): Promise<ReminderView> {
  const proposal = await prisma.proposal.findUniqueOrThrow({ where: { id: proposalId }, include: { space: true } });
  const { space, ...row } = proposal;
  const [decisions, words] = await Promise.all([
    prisma.decision.findMany({
      where: { proposalId, staleAt: null },
      include: { member: true, profile: true },
      orderBy: { createdAt: "asc" },
    }),
    prisma.override.findMany({ where: { proposalId }, select: { memberId: true } }),
  ]);
  const spoke = new Set(words.map((w) => w.memberId));
  const members: ReminderView["members"] = [];
  for (const d of decisions) {
    const privacy = parseStoredProfile(d.profile).privacy;
    const member = { discordUserId: d.member.discordUserId, privacy };
    if (spoke.has(d.memberId) || d.outcome === "never") continue;
    if (d.outcome === "ask") {
      members.push({ member, need: "answer" });
      continue;
    }
    const status = await readDelegationStatus(prisma, { spaceId: space.id, agentAddress: d.member.agentAddress });
    if (status.delegators === 0) members.push({ member, need: "delegate" });
  }
  return { proposal: proposalView(row, space), members };
}

/** Posts (or updates) the proposal's reminder in its thread; nothing when nobody must act. */
export async function remind(
  deps: { prisma: PrismaClient; publisher: ThreadPublisher },
  proposalId: string,
): Promise<PublishReport | { status: "nobody" }> {
  const messages = reminderMessages(await loadReminderView(deps.prisma, proposalId));
  if (!messages) return { status: "nobody" };
  return deps.publisher.post(proposalId, "reminder", messages);
}
