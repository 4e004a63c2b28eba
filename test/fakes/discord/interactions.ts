// Interactions a test starts as a member would (a slash command, a button, a select, a modal submission, typing into
// an autocompleted option): complete INTERACTION_CREATE payloads delivered over the gateway, a token that dies 3 s
// later unless acknowledged, and a handle to watch what the bot answered.
// @see https://discord.com/developers/docs/interactions/receiving-and-responding#interaction-object
import type { APIMessageInteractionMetadata } from "discord.js";
import { commandData, type Invocation, InvocationError } from "./commands.js";
import { interactionToken, snowflake } from "./ids.js";
import { EPHEMERAL, LOADING } from "./limits.js";
import { channelPayload, interactionMemberPayload, messagePayload, userPayload } from "./payloads.js";
import type { DiscordWorld, MessageRecord } from "./state.js";
import { type MessageView, viewMessage } from "./views.js";

/** The first accepted callback of an interaction. */
export interface Acknowledgement {
  /** 4 reply, 5 deferred reply, 6 deferred update, 7 update, 8 autocomplete result, 9 modal. */
  type: number;
  data: unknown;
  at: number;
  /** Time from the interaction's creation to this callback. */
  latencyMs: number;
}

export interface InteractionTimings {
  /** The first response must come within this (Discord: 3 s), or the token dies: 10062. */
  ackDeadlineMs: number;
  /** Edits and follow-ups work this long after creation (Discord: 15 min). */
  tokenLifetimeMs: number;
}

/** A modal the bot showed, remembered until the member submits it. */
export interface ShownModal {
  components: unknown[];
  fromInteraction: InteractionRecord;
}

export interface InteractionRecord {
  id: string;
  token: string;
  /** 2 command, 3 component, 4 autocomplete, 5 modal submit. */
  type: number;
  guildId: string;
  channelId: string;
  userId: string;
  createdAt: number;
  ack: Acknowledgement | null;
  /** Missed the deadline: the token is dead. */
  invalidated: boolean;
  /** The reply (4, 5) or the component's message (6, 7) that `@original` names. */
  originalMessageId: string | null;
  /** The message a component (or a modal opened from one) was on. */
  sourceMessageId: string | null;
  followUpIds: string[];
  /** `interaction_metadata` for messages this interaction creates. */
  metadata: APIMessageInteractionMetadata;
  /** "profile set" for a command, for the deprecated `interaction` message field. */
  commandName: string | null;
  settle: { resolve: (ack: Acknowledgement) => void; reject: (error: Error) => void };
}

/** What a test holds after starting an interaction. */
export interface InteractionRun {
  readonly id: string;
  readonly token: string;
  /** The INTERACTION_CREATE data as delivered. */
  readonly payload: Record<string, unknown>;
  /** The first accepted callback; rejects if none came before the deadline. */
  readonly acknowledged: Promise<Acknowledgement>;
  /**
   * The reply message once it exists, is no longer "thinking" (after a deferred update: has been edited since), and
   * has not changed for `settleMs`.
   */
  finalReply(options?: { timeoutMs?: number; settleMs?: number }): Promise<MessageView>;
  /** Follow-up messages so far, in order, as they are now. */
  readonly followUps: MessageView[];
}

export interface AutocompleteRun extends InteractionRun {
  /** The choices the bot answered with. */
  choices(): Promise<{ name: string; value: string | number }[]>;
}

interface Where {
  guildId: string;
  channelId: string;
  userId: string;
  locale?: string;
}

export type SlashCommandInput = Where & Omit<Invocation, "focused" | "guildId" | "channelId" | "userId">;
export type AutocompleteInput = SlashCommandInput & { focused: string; value: string };
export type ButtonInput = Where & {
  messageId: string;
  customId: string;
  /**
   * A crafted interaction (a modified client replaying a custom id it saw) rather than a click: it skips what a real
   * client's screen implies, that only the member an ephemeral message was for can see, so press, its buttons.
   */
  forged?: boolean;
};
export type SelectInput = Where & { messageId: string; customId: string; values: string[] };
export type ModalSubmitInput = Where & { customId: string; fields: Record<string, string | string[]> };

interface FoundComponent {
  type: number;
  id?: number;
  custom_id?: string;
  disabled?: boolean;
  style?: number;
  options?: { value: string }[];
  min_values?: number;
  max_values?: number;
  components?: FoundComponent[];
  component?: FoundComponent;
  accessory?: FoundComponent;
}

function findComponent(components: unknown[], customId: string): FoundComponent | undefined {
  for (const raw of components as FoundComponent[]) {
    if (raw.custom_id === customId) return raw;
    const nested = [...(raw.components ?? []), ...(raw.component ? [raw.component] : [])];
    if (raw.accessory) nested.push(raw.accessory);
    const found = findComponent(nested, customId);
    if (found) return found;
  }
  return undefined;
}

/** Starts interactions and keeps their records for the callback and webhook routes. */
export class InteractionStore {
  readonly byId = new Map<string, InteractionRecord>();
  readonly byToken = new Map<string, InteractionRecord>();
  /** Modals shown, by `${userId}:${customId}`. */
  readonly modals = new Map<string, ShownModal>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly world: DiscordWorld,
    readonly timings: InteractionTimings,
    private readonly deliver: (guildId: string, payload: Record<string, unknown>) => void,
  ) {}

  slashCommand(input: SlashCommandInput): InteractionRun {
    const { data, fullName } = commandData(this.world, input);
    return this.start(2, input, { data }, { commandName: fullName });
  }

  autocomplete(input: AutocompleteInput): AutocompleteRun {
    const { focused, value, ...rest } = input;
    const { data } = commandData(this.world, { ...rest, focused: { name: focused, value } });
    const run = this.start(4, input, { data }, { commandName: null });
    return {
      ...run,
      finalReply: run.finalReply,
      get followUps() {
        return run.followUps;
      },
      choices: async () =>
        ((await run.acknowledged).data as { choices: { name: string; value: string | number }[] }).choices,
    };
  }

  button(input: ButtonInput): InteractionRun {
    const { message, component } = this.component(input, [2]);
    const data = { custom_id: input.customId, component_type: 2, id: component.id };
    return this.start(3, input, { data, message: messagePayload(this.world, message) }, { source: message });
  }

  selectMenu(input: SelectInput): InteractionRun {
    const { message, component } = this.component(input, [3]);
    const offered = new Set((component.options ?? []).map((o) => o.value));
    const unknown = input.values.filter((v) => !offered.has(v));
    const min = component.min_values ?? 1;
    const max = component.max_values ?? 1;
    if (unknown.length > 0 || input.values.length < min || input.values.length > max) {
      throw new InvocationError(`fake Discord: select ${input.customId} cannot take ${JSON.stringify(input.values)}`);
    }
    const data = { custom_id: input.customId, component_type: 3, id: component.id, values: input.values };
    return this.start(3, input, { data, message: messagePayload(this.world, message) }, { source: message });
  }

  modalSubmit(input: ModalSubmitInput): InteractionRun {
    const key = `${input.userId}:${input.customId}`;
    const shown = this.modals.get(key);
    const components = shown ? mirrorModal(shown.components, input) : legacyRows(input.fields);
    this.modals.delete(key);
    const sourceId = shown?.fromInteraction.sourceMessageId ?? null;
    const source = sourceId ? this.world.messagesById.get(sourceId) : undefined;
    const data = { custom_id: input.customId, components };
    return this.start(
      5,
      input,
      { data, ...(source ? { message: messagePayload(this.world, source) } : {}) },
      {
        source,
        triggering: shown?.fromInteraction.metadata,
      },
    );
  }

  /** Stops deadline timers (the fake is closing). */
  close(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private component(input: ButtonInput, types: number[]): { message: MessageRecord; component: FoundComponent } {
    const message = this.world.messagesById.get(input.messageId);
    if (!message || message.deleted || message.channelId !== input.channelId) {
      throw new InvocationError(`fake Discord: no message ${input.messageId} in channel ${input.channelId}`);
    }
    // Discord shows an ephemeral message only to the member it answered; nobody else can click on it.
    const shownTo = message.interactionMetadata?.user.id;
    if ((message.flags & EPHEMERAL) !== 0 && shownTo !== input.userId && !input.forged) {
      throw new InvocationError(`fake Discord: message ${input.messageId} is ephemeral; only ${shownTo} sees it`);
    }
    const component = findComponent(message.components, input.customId);
    if (!component || !types.includes(component.type)) {
      throw new InvocationError(`fake Discord: message ${input.messageId} has no component ${input.customId}`);
    }
    if (component.disabled) throw new InvocationError(`fake Discord: ${input.customId} is disabled`);
    if (component.type === 2 && component.style === 5) {
      throw new InvocationError(`fake Discord: ${input.customId} is a link button; it opens a URL`);
    }
    return { message, component };
  }

  private start(
    type: number,
    where: Where,
    extra: { data: unknown; message?: unknown },
    context: { commandName?: string | null; source?: MessageRecord; triggering?: APIMessageInteractionMetadata },
  ): InteractionRun {
    const world = this.world;
    const guild = world.guilds.get(where.guildId);
    const channel = world.channels.get(where.channelId);
    if (!guild || channel?.guildId !== guild.id || !guild.members.has(where.userId)) {
      throw new InvocationError(
        `fake Discord: no member ${where.userId} in channel ${where.channelId} of guild ${where.guildId}`,
      );
    }
    const id = snowflake();
    const token = interactionToken(id);
    const createdAt = Date.now();
    let settle!: InteractionRecord["settle"];
    const acknowledged = new Promise<Acknowledgement>((resolve, reject) => {
      settle = { resolve, reject };
    });
    // A test that never awaits `acknowledged` must not see an unhandled rejection; awaiting it still throws.
    acknowledged.catch(() => {});
    const record: InteractionRecord = {
      id,
      token,
      type,
      guildId: where.guildId,
      channelId: where.channelId,
      userId: where.userId,
      createdAt,
      ack: null,
      invalidated: false,
      originalMessageId: null,
      sourceMessageId: context.source?.id ?? null,
      followUpIds: [],
      metadata: metadataFor(world, type, id, where, context),
      commandName: context.commandName ?? null,
      settle,
    };
    const memberPermissions = world.permissionsIn(channel.id, where.userId).toString();
    const botPermissions = world.permissionsIn(channel.id, world.botUserId).toString();
    const payload: Record<string, unknown> = {
      id,
      application_id: world.options.applicationId,
      type,
      token,
      version: 1,
      guild_id: guild.id,
      guild: { id: guild.id, locale: guild.locale, features: [] },
      channel_id: channel.id,
      channel: { ...channelPayload(world, channel), permissions: memberPermissions },
      member: interactionMemberPayload(world, guild.id, channel.id, where.userId),
      app_permissions: botPermissions,
      locale: where.locale ?? "en-US",
      guild_locale: guild.locale,
      entitlements: [],
      authorizing_integration_owners: { "0": guild.id },
      context: 0,
      attachment_size_limit: 10 * 1024 * 1024,
      ...extra,
    };
    this.byId.set(id, record);
    this.byToken.set(token, record);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (record.ack) return;
      record.invalidated = true;
      settle.reject(
        new Error(`fake Discord: interaction ${id} was not acknowledged within ${this.timings.ackDeadlineMs} ms`),
      );
    }, this.timings.ackDeadlineMs);
    timer.unref();
    this.timers.add(timer);
    try {
      this.deliver(guild.id, payload);
    } catch (error) {
      clearTimeout(timer);
      this.timers.delete(timer);
      this.byId.delete(id);
      this.byToken.delete(token);
      throw error;
    }
    return this.run(record, payload, acknowledged);
  }

  private run(record: InteractionRecord, payload: Record<string, unknown>, acknowledged: Promise<Acknowledgement>) {
    const world = this.world;
    return {
      id: record.id,
      token: record.token,
      payload,
      acknowledged,
      get followUps(): MessageView[] {
        return record.followUpIds
          .map((id) => world.messagesById.get(id))
          .filter((m): m is MessageRecord => m !== undefined)
          .map((m) => viewMessage(world, m));
      },
      finalReply: async ({ timeoutMs = 15_000, settleMs = 100 } = {}): Promise<MessageView> => {
        const deadline = Date.now() + timeoutMs;
        const ack = await acknowledged;
        if (ack.type === 8 || ack.type === 9) {
          throw new Error(
            `fake Discord: interaction ${record.id} answered with type ${ack.type}; it has no reply message`,
          );
        }
        for (;;) {
          const message = record.originalMessageId ? world.messagesById.get(record.originalMessageId) : undefined;
          if (message?.deleted) throw new Error(`fake Discord: the reply to interaction ${record.id} was deleted`);
          // A deferred update (6) shows no "thinking…": its message is final only once the bot has edited it since.
          const edited = ack.type !== 6 || (message !== undefined && message.changedAt >= ack.at);
          const settled =
            message && edited && (message.flags & LOADING) === 0 && Date.now() - message.changedAt >= settleMs;
          if (message && settled) return viewMessage(world, message);
          if (Date.now() > deadline) {
            const state = message ? "still thinking or still changing" : "not created";
            throw new Error(`fake Discord: the reply to interaction ${record.id} is ${state} after ${timeoutMs} ms`);
          }
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
      },
    };
  }
}

function metadataFor(
  world: DiscordWorld,
  type: number,
  id: string,
  where: Where,
  context: { source?: MessageRecord; triggering?: APIMessageInteractionMetadata },
): APIMessageInteractionMetadata {
  const base = {
    id,
    type,
    user: userPayload(world.user(where.userId)),
    authorizing_integration_owners: { "0": where.guildId },
  };
  if (type === 3) return { ...base, interacted_message_id: context.source?.id ?? "" } as APIMessageInteractionMetadata;
  if (type === 5 && context.triggering) {
    return { ...base, triggering_interaction_metadata: context.triggering } as APIMessageInteractionMetadata;
  }
  return base as APIMessageInteractionMetadata;
}

interface ModalComponent {
  type: number;
  id?: number;
  custom_id?: string;
  required?: boolean;
  components?: ModalComponent[];
  component?: ModalComponent;
}

/** A submission shaped like the modal the bot showed: labels stay labels, legacy rows stay rows. */
function mirrorModal(components: unknown[], input: ModalSubmitInput): unknown[] {
  const used = new Set<string>();
  const answer = (c: ModalComponent) => {
    const customId = c.custom_id ?? "";
    const given = input.fields[customId];
    used.add(customId);
    if (given === undefined && c.required !== false && c.type === 4) {
      throw new InvocationError(`fake Discord: modal ${input.customId} requires field ${customId}`);
    }
    if (c.type === 4) return { type: 4, id: c.id, custom_id: customId, value: typeof given === "string" ? given : "" };
    return { type: c.type, id: c.id, custom_id: customId, values: Array.isArray(given) ? given : given ? [given] : [] };
  };
  const out = (components as ModalComponent[]).map((c) => {
    if (c.type === 18 && c.component) return { type: 18, id: c.id, component: answer(c.component) };
    if (c.type === 1) return { type: 1, id: c.id, components: (c.components ?? []).map(answer) };
    return { type: c.type, id: c.id };
  });
  const extra = Object.keys(input.fields).filter((k) => !used.has(k));
  if (extra.length > 0)
    throw new InvocationError(`fake Discord: modal ${input.customId} has no field ${extra.join(", ")}`);
  return out;
}

/** Without a shown modal to mirror: one legacy action row per text field. */
function legacyRows(fields: Record<string, string | string[]>): unknown[] {
  let id = 0;
  return Object.entries(fields).map(([customId, value]) => ({
    type: 1,
    id: ++id,
    components: [{ type: 4, id: ++id, custom_id: customId, value: Array.isArray(value) ? value.join(",") : value }],
  }));
}
