// How a bot answers interactions: the callback (once, within the deadline, with a type the interaction allows) and
// the interaction webhook afterwards (@original, follow-ups) while the 15-minute token lives.
// @see https://discord.com/developers/docs/interactions/receiving-and-responding#responding-to-an-interaction
// @see https://discord.com/developers/docs/interactions/receiving-and-responding#followup-messages
import { FormErrors, fail, fieldError } from "./apiErrors.js";
import { messageCreated, messageUpdated } from "./events.js";
import type { InteractionRecord, InteractionStore } from "./interactions.js";
import {
  checkChoices,
  checkModal,
  EPHEMERAL,
  LOADING,
  type MessageInput,
  numberComponents,
  SETTABLE_FLAGS,
} from "./limits.js";
import {
  applyMessageEdit,
  newMessageContent,
  newMessageRecord,
  noteNewMessage,
  removeMessage,
  type UploadedFile,
} from "./messages.js";
import { messagePayload } from "./payloads.js";
import type { DiscordWorld, MessageRecord } from "./state.js";

/** A route's answer: a status and a JSON body (none for 204). */
export interface RouteAnswer {
  status: number;
  body?: unknown;
}

/** Callback types each interaction type accepts (modal submits may update only the message they came from). */
const ALLOWED_CALLBACKS: Record<number, number[]> = {
  2: [4, 5, 9],
  3: [4, 5, 6, 7, 9],
  4: [8],
  5: [4, 5, 6, 7],
};

/** Answers the callback and webhook routes of interactions. */
export class InteractionResponder {
  constructor(
    private readonly world: DiscordWorld,
    private readonly store: InteractionStore,
  ) {}

  /** POST /interactions/:id/:token/callback */
  callback(id: string, token: string, body: unknown, files: UploadedFile[], withResponse: boolean): RouteAnswer {
    const record = this.store.byId.get(id);
    if (!record || record.token !== token) throw fail.unknownInteraction();
    if (record.ack) throw fail.alreadyAcknowledged();
    const now = Date.now();
    if (record.invalidated || now - record.createdAt > this.store.timings.ackDeadlineMs) {
      record.invalidated = true;
      throw fail.unknownInteraction();
    }
    const { type, data } = (body ?? {}) as { type?: number; data?: MessageInput & Record<string, unknown> };
    const allowed = ALLOWED_CALLBACKS[record.type] ?? [];
    const fromComponent = record.type !== 5 || record.sourceMessageId !== null;
    if (type === undefined || !allowed.includes(type) || ((type === 6 || type === 7) && !fromComponent)) {
      const errors = new FormErrors();
      errors.add(["type"], fieldError.choices(allowed));
      errors.throwIfAny();
    }
    const callbackType = type as number;
    let message: MessageRecord | null = null;
    switch (callbackType) {
      case 4:
        message = this.createResponse(record, data ?? {}, files, false);
        break;
      case 5:
        message = this.createResponse(record, { flags: (data?.flags ?? 0) & EPHEMERAL }, [], true);
        break;
      case 6:
        record.originalMessageId = record.sourceMessageId;
        break;
      case 7: {
        const source = this.world.message(record.channelId, record.sourceMessageId ?? "");
        applyMessageEdit(this.world, source, data ?? {}, files, ["data"]);
        messageUpdated(this.world, source);
        record.originalMessageId = source.id;
        message = source;
        break;
      }
      case 8: {
        const errors = new FormErrors();
        checkChoices(data?.choices, errors, ["data", "choices"]);
        errors.throwIfAny();
        break;
      }
      case 9: {
        const errors = new FormErrors();
        checkModal(data, errors, ["data"]);
        errors.throwIfAny();
        const components = numberComponents((data?.components as unknown[]) ?? []);
        this.store.modals.set(`${record.userId}:${String(data?.custom_id)}`, { components, fromInteraction: record });
        break;
      }
    }
    record.ack = { type: callbackType, data: data ?? null, at: now, latencyMs: now - record.createdAt };
    record.settle.resolve(record.ack);
    if (!withResponse) return { status: 204 };
    return {
      status: 200,
      body: {
        interaction: {
          id: record.id,
          type: record.type,
          activity_instance_id: null,
          response_message_id: message?.id ?? null,
          response_message_loading: message ? (message.flags & LOADING) !== 0 : null,
          response_message_ephemeral: message ? (message.flags & EPHEMERAL) !== 0 : null,
        },
        resource: { type: callbackType, ...(message ? { message: messagePayload(this.world, message) } : {}) },
      },
    };
  }

  /** GET /webhooks/:app/:token/messages/:id (id may be @original) */
  getMessage(appId: string, token: string, ref: string): RouteAnswer {
    const { message } = this.target(appId, token, ref);
    return { status: 200, body: messagePayload(this.world, message) };
  }

  /** PATCH /webhooks/:app/:token/messages/:id */
  editMessage(appId: string, token: string, ref: string, body: MessageInput, files: UploadedFile[]): RouteAnswer {
    const { message } = this.target(appId, token, ref);
    applyMessageEdit(this.world, message, body, files, []);
    messageUpdated(this.world, message);
    return { status: 200, body: messagePayload(this.world, message) };
  }

  /** DELETE /webhooks/:app/:token/messages/:id */
  deleteMessage(appId: string, token: string, ref: string): RouteAnswer {
    const { message } = this.target(appId, token, ref);
    removeMessage(this.world, message);
    return { status: 204 };
  }

  /**
   * POST /webhooks/:app/:token: a follow-up. Right after a deferred reply, the first follow-up edits the "thinking"
   * message instead of creating one (documented, deprecated behaviour).
   */
  followUp(appId: string, token: string, body: MessageInput, files: UploadedFile[], wait: boolean): RouteAnswer {
    const record = this.live(appId, token);
    const original = record.originalMessageId ? this.world.messagesById.get(record.originalMessageId) : undefined;
    let message: MessageRecord;
    if (record.ack?.type === 5 && original && (original.flags & LOADING) !== 0) {
      applyMessageEdit(this.world, original, body, files, []);
      messageUpdated(this.world, original);
      message = original;
    } else {
      message = this.createResponse(record, body, files, false, { followUp: true });
    }
    return wait ? { status: 200, body: messagePayload(this.world, message) } : { status: 204 };
  }

  private createResponse(
    record: InteractionRecord,
    input: MessageInput,
    files: UploadedFile[],
    loading: boolean,
    options: { followUp?: boolean } = {},
  ): MessageRecord {
    const world = this.world;
    const channel = world.channel(record.channelId);
    const content = loading
      ? { content: "", embeds: [], components: [], flags: ((input.flags ?? 0) & EPHEMERAL) | LOADING, attachments: [] }
      : newMessageContent(input, files, channel.id, {
          path: options.followUp ? [] : ["data"],
          allowedFlags: SETTABLE_FLAGS | EPHEMERAL,
        });
    const metadata = options.followUp
      ? { ...record.metadata, original_response_message_id: record.originalMessageId ?? undefined }
      : record.metadata;
    const message = newMessageRecord({
      channelId: channel.id,
      guildId: channel.guildId,
      authorId: world.botUserId,
      ...content,
      // A command's reply is a CHAT_INPUT_COMMAND message; other interaction messages are plain ones.
      type: record.type === 2 && !options.followUp ? 20 : 0,
      webhookId: world.options.applicationId,
      applicationId: world.options.applicationId,
      interactionMetadata: metadata,
      interactionSummary:
        record.commandName && !options.followUp
          ? { id: record.id, type: record.type, name: record.commandName, userId: record.userId }
          : null,
      interactionId: record.id,
    });
    world.addMessage(message);
    noteNewMessage(channel, message);
    if (options.followUp) record.followUpIds.push(message.id);
    else record.originalMessageId = message.id;
    messageCreated(world, message);
    return message;
  }

  /** The interaction behind a webhook token, if its token still lives and it was acknowledged. */
  private live(appId: string, token: string): InteractionRecord {
    if (appId !== this.world.options.applicationId) throw fail.unknownWebhook();
    const record = this.store.byToken.get(token);
    if (!record) throw fail.unknownWebhook();
    if (record.invalidated || Date.now() - record.createdAt > this.store.timings.tokenLifetimeMs) {
      throw fail.invalidWebhookToken();
    }
    if (!record.ack) throw fail.unknownWebhook();
    return record;
  }

  private target(appId: string, token: string, ref: string): { record: InteractionRecord; message: MessageRecord } {
    const record = this.live(appId, token);
    const id = ref === "@original" ? record.originalMessageId : ref;
    const mine = id !== null && (id === record.originalMessageId || record.followUpIds.includes(id));
    const message = id ? this.world.messagesById.get(id) : undefined;
    if (!mine || !message || message.deleted) throw fail.unknownMessage();
    return { record, message };
  }
}
