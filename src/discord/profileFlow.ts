import { type APIModalInteractionResponseCallbackData, ComponentType, TextInputStyle } from "discord.js";
import { TribuneError } from "../errors/tribuneError.js";
import type { Space } from "../generated/prisma/client.js";
import { type CompileFailure, STATEMENT_MAX_CHARS } from "../values/profileCompiler.js";
import type { StoredProfile } from "../values/profileStore.js";
import type { ComponentHandler, HandlerContext, HandlerResult } from "./command.js";
import { reply } from "./command.js";
import { profileMessages } from "./presenters/profileMessage.js";

// The /profile conversation: a modal takes the member's statement, the compiled profile comes back in plain words
// with Confirm and Edit buttons, and only a confirmed version votes. Every button carries the owner's Discord id and
// is refused to anyone else, since an ephemeral message can still be forwarded or its ids replayed.

/** The statement modal for a space, pre-filled with the member's newest statement. */
export function statementModal(space: Space, ownerId: string, previous: string | null): HandlerResult {
  const modal: APIModalInteractionResponseCallbackData = {
    custom_id: `profile:statement:${space.id}:${ownerId}`,
    title: `Your values for ${space.name}`.slice(0, 45),
    components: [
      {
        type: ComponentType.ActionRow,
        components: [
          {
            type: ComponentType.TextInput,
            custom_id: "statement",
            label: "What do you care about? In your own words",
            style: TextInputStyle.Paragraph,
            min_length: 1,
            max_length: STATEMENT_MAX_CHARS,
            required: true,
            placeholder:
              "e.g. Keep the treasury safe; fund public goods; never vote for anything that weakens security.",
            ...(previous ? { value: previous.slice(0, STATEMENT_MAX_CHARS) } : {}),
          },
        ],
      },
    ],
  };
  return { kind: "modal", modal };
}

/** A stored profile shown back to its member, with the buttons that fit its state. */
export async function showProfile(ctx: HandlerContext, space: Space, profile: StoredProfile): Promise<HandlerResult> {
  const taxonomy = await ctx.services.taxonomies.get(space.id);
  const [first] = profileMessages({
    spaceId: space.id,
    spaceName: space.name,
    discordUserId: ctx.invoker.discordUserId,
    version: profile.version,
    compiledBy: profile.compiledBy,
    confirmedAt: profile.confirmedAt,
    taxonomy: taxonomy.taxonomy,
    weights: profile.weights,
    rules: profile.rules,
    privacy: profile.privacy,
  });
  if (!first) throw new Error("the profile presenter returned no message");
  return reply(first);
}

/** Refuses a button or modal whose owner is someone else. */
export function requireOwner(ctx: HandlerContext, ownerId: string | undefined): void {
  if (ownerId !== ctx.invoker.discordUserId) {
    throw new TribuneError(
      "discord.not_yours",
      "This belongs to another member",
      "Run /profile yourself to see or change your own values",
    );
  }
}

async function spaceById(ctx: HandlerContext, spaceId: string | undefined): Promise<Space> {
  const space = spaceId ? await ctx.services.prisma.space.findUnique({ where: { id: spaceId } }) : null;
  if (!space || space.removedAt || space.discordGuildId !== ctx.guildId) {
    throw new TribuneError("discord.space_gone", "This space is no longer followed here", "Run /profile set again");
  }
  return space;
}

function failureReply(failure: CompileFailure): HandlerResult {
  const details = failure.details.length > 0 ? `\n${failure.details.map((d) => `• ${d}`).join("\n")}` : "";
  return reply({
    content: `⚠️ ${failure.message}${details}\nNothing was saved. Run /profile set to try again.`.slice(0, 2_000),
    allowedMentions: { parse: [] },
  });
}

/** The buttons and the modal of the /profile flow. */
export const profileComponents: readonly ComponentHandler[] = [
  {
    prefix: "profile:statement",
    answer: "ephemeral",
    async handle(ctx, { params, fields }) {
      const [spaceId, ownerId] = params;
      requireOwner(ctx, ownerId);
      const space = await spaceById(ctx, spaceId);
      const member = await ctx.services.members.ensure(ctx.invoker.discordUserId);
      const drafted = await ctx.services.profiles.draft({
        memberId: member.id,
        spaceId: space.id,
        statement: fields.statement ?? "",
      });
      if (!drafted.ok) return failureReply(drafted);
      return showProfile(ctx, space, drafted.profile);
    },
  },
  {
    prefix: "profile:confirm",
    answer: "update",
    async handle(ctx, { params }) {
      const [spaceId, version, ownerId] = params;
      requireOwner(ctx, ownerId);
      const space = await spaceById(ctx, spaceId);
      const member = await ctx.services.members.ensure(ctx.invoker.discordUserId);
      const confirmed = await ctx.services.profiles.confirm({
        memberId: member.id,
        spaceId: space.id,
        version: Number(version),
      });
      await ctx.services.redecideMember(member.id, space.id);
      return showProfile(ctx, space, confirmed);
    },
  },
  {
    prefix: "profile:edit",
    answer: "ephemeral",
    opensModal: true,
    async handle(ctx, { params }) {
      const [spaceId, ownerId] = params;
      requireOwner(ctx, ownerId);
      const space = await spaceById(ctx, spaceId);
      const member = await ctx.services.members.find(ctx.invoker.discordUserId);
      const latest = member ? await ctx.services.profiles.latest(member.id, space.id) : null;
      return statementModal(space, ctx.invoker.discordUserId, latest?.statement ?? null);
    },
  },
];
