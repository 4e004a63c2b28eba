import { createHash } from "node:crypto";
import {
  type APIEmbed,
  type Client,
  DiscordAPIError,
  type Message,
  RESTJSONErrorCodes,
  type SendableChannels,
  ThreadAutoArchiveDuration,
  type ThreadChannel,
} from "discord.js";
import type { AuditLog } from "../audit/auditLog.js";
import { TribuneError } from "../errors/tribuneError.js";
import type { PrismaClient, ProposalThread } from "../generated/prisma/client.js";
import type { Logger } from "../log/logger.js";
import type { CastingSwitch } from "../spaces/castingSwitch.js";
import type { OverrideStore } from "../voting/overrideStore.js";
import { argumentsMessages } from "./presenters/argumentsMessage.js";
import { digestMessages } from "./presenters/digestMessage.js";
import { planMessages } from "./presenters/planMessage.js";
import type { PresentedMessage } from "./presenters/presentedMessage.js";
import { receiptsMessages } from "./presenters/receiptsMessage.js";
import { loadReceiptsView } from "./receiptViews.js";
import { digestView, latestDigest, loadPlanView, proposalView } from "./threadViews.js";

// A proposal's thread, kept in step with the store. The thread is made when the proposal's first digest exists: its
// starter message in the space's channel is the digest, then the argument map and "How Tribune will vote" follow
// inside. Each message Tribune keeps is one ThreadMessage row by (kind, part): posted once, edited when its content
// changes, left alone otherwise. Posting survives a crash between Discord and the database: every post carries a
// nonce derived from (thread, kind, part) with enforce_nonce, so Discord itself returns the first message again.

export interface ThreadPublisherOptions {
  prisma: PrismaClient;
  audit: AuditLog;
  client: Client;
  casting: CastingSwitch;
  overrides: OverrideStore;
  castSafetyMarginSeconds: number;
  logger: Logger;
  clock?: () => Date;
  /**
   * The casting outbox: planned before the plan message is built (so it shows what will be cast), and told once the
   * message is on the thread, which is what makes those votes announced and their veto window start.
   */
  outbox?: {
    plan(proposalId: string): Promise<unknown>;
    announced(proposalId: string, at: Date): Promise<unknown>;
  };
}

export type PublishReport =
  | { status: "published"; threadId: string; created: boolean; posted: number; edited: number; unchanged: number }
  | { status: "skipped"; why: "no_channel" | "no_digest" | "space_removed" | "thread_locked" };

export interface ThreadPublisher {
  /** Creates the thread if needed and brings every message in it up to date (digest, plan, receipts). Idempotent. */
  publish(proposalId: string): Promise<PublishReport>;
  /** Posts or edits one message of a kind (receipts, reminders, pause notices) in an existing thread. */
  post(proposalId: string, kind: string, messages: readonly PresentedMessage[]): Promise<PublishReport>;
}

/** Discord's thread name limit. @see https://discord.com/developers/docs/resources/channel#start-thread-from-message */
const THREAD_NAME_MAX = 100;
/** Discord's nonce limit (25 characters). @see https://discord.com/developers/docs/resources/message#create-message */
const NONCE_LENGTH = 25;

export class ThreadPublishError extends TribuneError {}

/** Builds the publisher over a logged-in discord.js client. */
export function createThreadPublisher(options: ThreadPublisherOptions): ThreadPublisher {
  const { prisma, client, audit, logger } = options;
  const clock = options.clock ?? (() => new Date());

  async function sendable(channelId: string): Promise<SendableChannels> {
    const channel = await client.channels.fetch(channelId);
    if (!channel?.isSendable()) {
      throw new ThreadPublishError(
        "discord.channel_unusable",
        `Channel ${channelId} is not a text channel Tribune can post in`,
        "A steward should run /space add again with a text channel Tribune can see and post in",
      );
    }
    return channel;
  }

  async function openThread(threadId: string): Promise<ThreadChannel | "locked"> {
    const channel = await client.channels.fetch(threadId);
    if (!channel?.isThread()) {
      throw new ThreadPublishError(
        "discord.thread_missing",
        `Thread ${threadId} is gone`,
        "It is made again on the next update",
      );
    }
    if (channel.locked) return "locked";
    // Archived threads refuse writes (50083); reopening is one PATCH and keeps the history.
    if (channel.archived) await channel.setArchived(false, "Tribune posts an update");
    return channel;
  }

  async function ensureThread(
    proposalId: string,
    channelId: string,
    guildId: string,
    title: string,
    starter: PresentedMessage,
  ): Promise<{ row: ProposalThread; created: boolean }> {
    const existing = await prisma.proposalThread.findUnique({ where: { proposalId } });
    if (existing) return { row: existing, created: false };
    const channel = await sendable(channelId);
    const message = (await channel.send({
      ...starter,
      nonce: nonceFor(proposalId, "digest", 0),
      enforceNonce: true,
    })) as Message<true>;
    // As in sync: a starter posted before a crash comes back as it was then; a newer digest replaces its words.
    if (!readsAs(message, starter)) await message.edit(starter);
    let threadId = message.id;
    try {
      const thread = await message.startThread({
        name: threadName(title),
        autoArchiveDuration: ThreadAutoArchiveDuration.OneWeek,
        reason: "Tribune: a thread for this proposal",
      });
      threadId = thread.id;
    } catch (error) {
      // A crash after the thread was made leaves it in place: Discord answers 160004, and the thread id is the
      // message id.
      if (!(error instanceof DiscordAPIError && error.code === RESTJSONErrorCodes.ThreadAlreadyCreatedForMessage)) {
        throw error;
      }
    }
    const row = await prisma.$transaction(async (tx) => {
      const saved = await tx.proposalThread.create({
        data: { proposalId, guildId, channelId, threadId, messageId: message.id },
      });
      await tx.threadMessage.create({
        data: {
          threadId: saved.id,
          kind: "digest",
          part: 0,
          discordMessageId: message.id,
          contentHash: hashOf(starter),
        },
      });
      await audit.append(
        { action: "discord.thread_created", actor: "system", proposalId, data: { guildId, channelId, threadId } },
        tx,
      );
      return saved;
    });
    return { row, created: true };
  }

  async function sync(
    thread: ThreadChannel,
    row: ProposalThread,
    kind: string,
    messages: readonly PresentedMessage[],
    // The digest's first part is the starter message, which lives in the parent channel, not in the thread.
    starterChannel: SendableChannels | null,
    tally: { posted: number; edited: number; unchanged: number },
  ): Promise<void> {
    const stored = await prisma.threadMessage.findMany({ where: { threadId: row.id, kind } });
    const byPart = new Map(stored.map((m) => [m.part, m]));
    for (const [part, message] of messages.entries()) {
      const hash = hashOf(message);
      const known = byPart.get(part);
      const target = part === 0 && starterChannel ? starterChannel : thread;
      if (known && known.contentHash === hash) {
        tally.unchanged += 1;
        continue;
      }
      if (known) {
        await withUnarchive(thread, () => editIn(target, known.discordMessageId, message));
        await prisma.threadMessage.update({ where: { id: known.id }, data: { contentHash: hash, editedAt: clock() } });
        tally.edited += 1;
      } else {
        const sent: Message = await withUnarchive(
          thread,
          (): Promise<Message> =>
            target.send({ ...message, nonce: nonceFor(row.proposalId, kind, part), enforceNonce: true }),
        );
        // A repeated nonce gets the message first posted under it (a crash came between posting and recording it),
        // as it was then: if what it says has changed since, it is brought up to date.
        if (!readsAs(sent, message)) await withUnarchive(thread, () => editIn(target, sent.id, message));
        await prisma.threadMessage.create({
          data: { threadId: row.id, kind, part, discordMessageId: sent.id, contentHash: hash },
        });
        tally.posted += 1;
      }
    }
    // Fewer parts than before (a shorter plan): the extra messages are removed so the thread does not repeat itself.
    for (const extra of stored.filter((m) => m.part >= messages.length)) {
      await withUnarchive(thread, () => thread.messages.delete(extra.discordMessageId)).catch((error: unknown) => {
        if (!(error instanceof DiscordAPIError && error.code === RESTJSONErrorCodes.UnknownMessage)) throw error;
      });
      await prisma.threadMessage.delete({ where: { id: extra.id } });
      tally.edited += 1;
    }
  }

  async function load(proposalId: string) {
    const proposal = await prisma.proposal.findUniqueOrThrow({ where: { id: proposalId }, include: { space: true } });
    const { space, ...row } = proposal;
    return { proposal: row, space };
  }

  return {
    async publish(proposalId) {
      const { proposal, space } = await load(proposalId);
      if (space.removedAt) return { status: "skipped", why: "space_removed" };
      if (!space.discordChannelId || !space.discordGuildId) return { status: "skipped", why: "no_channel" };
      const digest = await latestDigest(prisma, proposal);
      if (!digest) return { status: "skipped", why: "no_digest" };
      const pv = proposalView(proposal, space);
      const dv = digestView(digest);
      const digestParts = digestMessages(pv, dv);
      const [starter] = digestParts;
      if (!starter) throw new Error("the digest presenter returned no message");
      const { row, created } = await ensureThread(
        proposal.id,
        space.discordChannelId,
        space.discordGuildId,
        proposal.title,
        starter,
      );
      const thread = await openThread(row.threadId);
      if (thread === "locked") {
        logger.warn({ proposalId, threadId: row.threadId }, "the proposal's thread is locked; nothing was posted");
        return { status: "skipped", why: "thread_locked" };
      }
      await options.outbox?.plan(proposalId);
      const now = clock();
      const plan = await loadPlanView(
        {
          prisma,
          casting: options.casting,
          overrides: options.overrides,
          castSafetyMarginSeconds: options.castSafetyMarginSeconds,
          now,
        },
        proposal,
        space,
      );
      const tally = { posted: 0, edited: 0, unchanged: 0 };
      const parent = await sendable(row.channelId);
      await sync(thread, row, "digest", digestParts, parent, tally);
      await sync(thread, row, "arguments", argumentsMessages(pv, dv), null, tally);
      const planParts = planMessages(plan, now);
      const before = tally.posted + tally.edited;
      await sync(thread, row, "plan", planParts, null, tally);
      // The plan is on the thread, changed or not: the rows it showed are announced from now.
      await options.outbox?.announced(proposalId, now);
      if (tally.posted + tally.edited > before) {
        // The plan is the announcement: nothing is cast for a member before their line was posted (see voting/).
        await audit.append({
          action: "discord.plan_posted",
          actor: "system",
          spaceId: space.id,
          proposalId,
          data: {
            threadId: row.threadId,
            digestId: digest.id,
            members: plan.members.length,
            paused: plan.paused,
            mode: plan.mode,
            castsAt: plan.castsAt.toISOString(),
            contentHash: createHash("sha256").update(JSON.stringify(planParts)).digest("hex"),
          },
        });
      }
      // Receipts: one message kind for every settled vote, edited as more settle (the outbox audits each one).
      const receipts = receiptsMessages(await loadReceiptsView({ prisma, now }, proposal, space));
      await sync(thread, row, "receipts", receipts, null, tally);
      return { status: "published", threadId: row.threadId, created, ...tally };
    },
    async post(proposalId, kind, messages) {
      const row = await prisma.proposalThread.findUnique({ where: { proposalId } });
      if (!row) return { status: "skipped", why: "no_digest" };
      const thread = await openThread(row.threadId);
      if (thread === "locked") return { status: "skipped", why: "thread_locked" };
      const tally = { posted: 0, edited: 0, unchanged: 0 };
      await sync(thread, row, kind, messages, null, tally);
      return { status: "published", threadId: row.threadId, created: false, ...tally };
    },
  };
}

async function editIn(
  channel: SendableChannels | ThreadChannel,
  messageId: string,
  message: PresentedMessage,
): Promise<void> {
  if (!("messages" in channel)) throw new Error("the channel keeps no messages");
  await channel.messages.edit(messageId, message);
}

/** Runs a write; a thread archived meanwhile (50083) is reopened and the write tried once more. */
async function withUnarchive<T>(thread: ThreadChannel, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof DiscordAPIError && error.code === RESTJSONErrorCodes.InvalidActionOnArchivedThread) {
      await thread.setArchived(false, "Tribune posts an update");
      return write();
    }
    throw error;
  }
}

/** Whether a message Discord holds says what `message` says: its text, its embeds' words and its buttons. */
function readsAs(held: Message, message: PresentedMessage): boolean {
  type Row = { components?: readonly { custom_id?: string; disabled?: boolean }[] };
  const words = (content: string, embeds: readonly APIEmbed[], rows: readonly Row[]) =>
    JSON.stringify([
      content,
      embeds.map((e) => [e.title, e.url, e.description, e.fields?.map((f) => [f.name, f.value]), e.footer?.text]),
      rows.flatMap((r) => (r.components ?? []).map((c) => [c.custom_id, c.disabled === true])),
    ]);
  const heldRows = held.components.map((c) => c.toJSON() as Row);
  return (
    words(
      held.content,
      held.embeds.map((e) => e.data),
      heldRows,
    ) === words(message.content, message.embeds, message.components as readonly Row[])
  );
}

function nonceFor(proposalId: string, kind: string, part: number): string {
  return createHash("sha256").update(`${proposalId}:${kind}:${part}`).digest("base64url").slice(0, NONCE_LENGTH);
}

function hashOf(message: PresentedMessage): string {
  return createHash("sha256").update(JSON.stringify(message)).digest("hex");
}

function threadName(title: string): string {
  const clean = title.replace(/\s+/g, " ").trim() || "Proposal";
  return clean.length <= THREAD_NAME_MAX ? clean : `${clean.slice(0, THREAD_NAME_MAX - 1)}…`;
}
