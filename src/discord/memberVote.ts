import { TribuneError } from "../errors/tribuneError.js";
import type { Member, Proposal, Space } from "../generated/prisma/client.js";
import type { Decision } from "../values/decideVote.js";
import { toEngineDigest } from "../values/loadDecisionInputs.js";
import { parseStoredProfile } from "../values/profileStore.js";
import type { SnapshotChoice } from "../values/votingTypes.js";
import { overrideBallot } from "../voting/memberOverride.js";
import { vetoSchedule } from "../voting/vetoSchedule.js";
import type { HandlerContext, HandlerResult } from "./command.js";
import { reply } from "./command.js";
import { decisionMessages } from "./presenters/decisionMessage.js";
import type { DecisionView, OverrideView } from "./presenters/views.js";
import { proposalView } from "./threadViews.js";

// A member's own vote, as /why, /preview and the thread's "Why?" button show it. Everything here reads the member's
// own rows only: the member is the invoker, never someone named in the custom id.

type DecisionNumbers = DecisionView["decision"];

/** The invoker's member row, or a message telling them how to start. */
export async function invokerMember(ctx: HandlerContext): Promise<Member> {
  const member = await ctx.services.members.find(ctx.invoker.discordUserId);
  if (!member) {
    throw new TribuneError(
      "discord.no_member",
      "You have not set up Tribune yet",
      "Run /profile set to state your values, then /delegate to get your agent's address",
    );
  }
  return member;
}

async function overrideOf(ctx: HandlerContext, member: Member, proposal: Proposal): Promise<OverrideView | null> {
  const word = await ctx.services.overrides.current(member.id, proposal.id);
  if (!word) return null;
  if (word.kind === "veto") return { kind: "veto" };
  if (word.kind === "auto") return null;
  const { choices, votingType } = proposalView(proposal, await spaceOf(ctx, proposal));
  const ballot = overrideBallot(word, choices, votingType);
  return ballot === null ? { kind: "veto" } : { kind: "choice", choice: ballot };
}

async function spaceOf(ctx: HandlerContext, proposal: Proposal): Promise<Space> {
  return ctx.services.prisma.space.findUniqueOrThrow({ where: { id: proposal.spaceId } });
}

async function view(
  ctx: HandlerContext,
  purpose: "why" | "preview",
  member: Member,
  proposal: Proposal,
  space: Space,
  numbers: DecisionNumbers,
  digestId: string,
  profileId: string | null,
  castsAt: Date | null,
): Promise<DecisionView> {
  const prisma = ctx.services.prisma;
  const [digestRow, profileRow, taxonomy, casting] = await Promise.all([
    prisma.digest.findUniqueOrThrow({ where: { id: digestId } }),
    profileId
      ? prisma.valueProfile.findUniqueOrThrow({ where: { id: profileId } })
      : prisma.valueProfile.findFirstOrThrow({
          where: { memberId: member.id, spaceId: space.id },
          orderBy: { version: "desc" },
        }),
    ctx.services.taxonomies.get(space.id),
    ctx.services.casting.state(),
  ]);
  return {
    purpose,
    proposal: proposalView(proposal, space),
    decision: numbers,
    taxonomy: taxonomy.taxonomy,
    rules: parseStoredProfile(profileRow).rules.rules,
    impacts: toEngineDigest(digestRow).content.impacts,
    override: await overrideOf(ctx, member, proposal),
    castsAt,
    mode: space.mode,
    paused: casting.paused,
  };
}

/** /preview: the engine run now on the newest digest and the member's newest profile; nothing stored. */
export async function previewReply(ctx: HandlerContext, proposal: Proposal, space: Space): Promise<HandlerResult> {
  const member = await invokerMember(ctx);
  const result = await ctx.services.decisions.preview({ memberId: member.id, proposalId: proposal.id });
  if (result.status === "no_profile") {
    return reply(`You have no values in ${space.name} yet. Run \`/profile set space:${space.externalId}\` first.`);
  }
  if (result.status === "no_digest") {
    return reply(
      "This proposal has not been digested yet, so there is nothing to decide from. Try again in a few minutes.",
    );
  }
  const d: Decision = result.decision;
  const numbers: DecisionNumbers = {
    outcome: d.outcome,
    choice: d.choice,
    utilities: d.utilities,
    contributions: d.contributions,
    rulesFired: d.rulesFired,
    reasons: d.reasons,
    decidedBy: d.decidedBy,
    confidence: d.confidence,
    paragraph: d.explanation.paragraph,
    profileVersion: result.profileVersion,
  };
  const shown = await view(
    ctx,
    "preview",
    member,
    proposal,
    space,
    numbers,
    result.digestId,
    d.versions.profileId,
    null,
  );
  const [first] = decisionMessages(shown, new Date());
  const note = result.profileConfirmed
    ? ""
    : `Your newest profile (version ${result.profileVersion}) is not confirmed yet: this is how it would vote once you confirm it.`;
  return reply({ ...first, content: [note, first?.content].filter(Boolean).join("\n") });
}

/** /why and the thread's "Why?" button: the member's stored decision with its full explanation. */
export async function whyReply(ctx: HandlerContext, proposal: Proposal, space: Space): Promise<HandlerResult> {
  const member = await invokerMember(ctx);
  const current = await ctx.services.decisions.current({ memberId: member.id, proposalId: proposal.id });
  if (!current) {
    return reply(
      "Tribune has no decision for you on this proposal yet: it decides once the proposal is digested and you have a confirmed profile. /preview shows how it would vote.",
    );
  }
  const extra = current.row.explanation as unknown as {
    reasons?: Decision["reasons"];
    decidedBy?: Decision["decidedBy"];
    confidence?: number;
  };
  const numbers: DecisionNumbers = {
    outcome: current.row.outcome,
    choice: current.row.choice as SnapshotChoice | null,
    utilities: current.row.utilities as number[],
    contributions: current.row.contributions as Record<string, number[]>,
    rulesFired: current.row.rulesFired as unknown as Decision["rulesFired"],
    reasons: extra.reasons ?? [],
    decidedBy: extra.decidedBy ?? "weights",
    confidence: extra.confidence ?? 0,
    paragraph: current.explanation.paragraph,
    profileVersion: current.profileVersion,
  };
  const thread = await ctx.services.prisma.proposalThread.findUnique({ where: { proposalId: proposal.id } });
  const schedule = thread
    ? vetoSchedule({
        announcedAt: thread.createdAt,
        vetoWindowSeconds: space.vetoWindowSeconds,
        endAt: proposal.endAt,
        safetyMarginSeconds: ctx.services.castSafetyMarginSeconds,
      })
    : null;
  const shown = await view(
    ctx,
    "why",
    member,
    proposal,
    space,
    numbers,
    current.row.digestId,
    current.row.profileId,
    schedule?.castsAt ?? null,
  );
  const [first] = decisionMessages(shown, new Date());
  return reply(first ?? "Nothing to show.");
}
