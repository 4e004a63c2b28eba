// Rows for the Discord tests, written through Tribune's own services where a member or steward would have written
// them (a followed space, a confirmed profile), and as the source and digest steps store them otherwise (proposals,
// digests). Also the one way tests read a message as text.
import type { DigestContent } from "../../src/digest/digestSchema.js";
import type { Digest, Member, Proposal, ProposalState, Space } from "../../src/generated/prisma/client.js";
import type { Privacy } from "../../src/values/valueProfile.js";
import type { InteractionRun, MessageView } from "../fakes/discord/fakeDiscord.js";
import { impact } from "../values/digestFixtures.js";
import { seedDigest, seedProposal } from "../values/seed.js";
import { CHANNEL, type DiscordHarness, GUILD, spaceId } from "./discordHarness.js";

/** Everything a member reads in a message: content, then each embed's title, description and fields. */
export function text(m: Pick<MessageView, "content" | "embeds">): string {
  return [
    m.content,
    ...m.embeds.flatMap((e) => [
      e.title,
      e.description,
      ...(e.fields ?? []).flatMap((f) => [f.name, f.value]),
      e.footer?.text,
    ]),
  ]
    .filter(Boolean)
    .join("\n");
}

/** Impacts under which treasury prudence votes Against and public goods votes For. */
export const SPLIT_IMPACTS = [
  impact(1, "treasury_prudence", -2),
  impact(2, "treasury_prudence", 2),
  impact(1, "public_goods_community", 2),
];

/** A space the guild follows, its threads in `channelId`, added as a steward's /space add would. */
export async function followSpace(
  h: DiscordHarness,
  { externalId = spaceId(), channelId = CHANNEL }: { externalId?: string; channelId?: string } = {},
): Promise<Space> {
  const added = await h.services.spaces.add({ ref: externalId, guildId: GUILD, channelId, actor: "test-setup" });
  return h.db.prisma.space.findUniqueOrThrow({ where: { id: added.id } });
}

/** A proposal in the space (open unless told), and its digest unless `digest: false`. */
export async function digestedProposal(
  h: DiscordHarness,
  space: Pick<Space, "id">,
  options: {
    title?: string;
    choices?: string[];
    state?: ProposalState;
    endAt?: Date;
    impacts?: DigestContent["impacts"];
    content?: Partial<DigestContent>;
    flagged?: boolean;
    digest?: boolean;
  } = {},
): Promise<{ proposal: Proposal; digest: Digest | null; versionId: string }> {
  const prisma = h.db.prisma;
  const seeded = await seedProposal(prisma, space.id, { choices: options.choices, state: options.state });
  const proposal = await prisma.proposal.update({
    where: { id: seeded.proposal.id },
    data: { title: options.title ?? seeded.proposal.title, endAt: options.endAt ?? seeded.proposal.endAt },
  });
  const digest =
    options.digest === false
      ? null
      : await seedDigest(
          prisma,
          proposal,
          seeded.version.id,
          { impacts: options.impacts ?? SPLIT_IMPACTS, ...options.content },
          { flagged: options.flagged ?? false },
        );
  return { proposal, digest, versionId: seeded.version.id };
}

/** A member whose statement was compiled and confirmed, as /profile set then Confirm leave it. */
export async function memberWithProfile(
  h: DiscordHarness,
  discordUserId: string,
  space: Pick<Space, "id">,
  statement: string,
  privacy: Privacy = "private",
): Promise<Member> {
  const { members, profiles } = h.services;
  const member = await members.ensure(discordUserId);
  const drafted = await profiles.draft({ memberId: member.id, spaceId: space.id, statement, privacy });
  if (!drafted.ok) throw new Error(`the statement did not compile: ${drafted.message}`);
  await profiles.confirm({ memberId: member.id, spaceId: space.id, version: drafted.profile.version });
  return member;
}

/** Decides every confirmed profile of the space on the proposal's digest, as the values step would. */
export async function decide(h: DiscordHarness, proposal: Pick<Proposal, "id">, digest: Pick<Digest, "id"> | null) {
  if (!digest) throw new Error("nothing to decide without a digest");
  return h.decider.decideDigest({ proposalId: proposal.id, digestId: digest.id });
}

/** A member submits the /profile statement form of a space; `ownerId` is whose form it was (theirs, unless forged). */
export function submitStatement(
  h: DiscordHarness,
  space: Pick<Space, "id">,
  userId: string,
  statement: string,
  ownerId = userId,
): InteractionRun {
  return h.discord.modalSubmit({
    guildId: GUILD,
    channelId: CHANNEL,
    userId,
    customId: `profile:statement:${space.id}:${ownerId}`,
    fields: { statement },
  });
}

/** The "How Tribune will vote" message of a thread (its first part), if posted. */
export function planIn(h: DiscordHarness, threadId: string): MessageView | undefined {
  return h.discord.messages(threadId).find((m) => /How Tribune will vote/.test(text(m)));
}
