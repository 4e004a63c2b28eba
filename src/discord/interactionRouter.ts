import {
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type CommandInteractionOption,
  type Interaction,
  MessageFlags,
  type ModalSubmitInteraction,
} from "discord.js";
import type { Logger } from "../log/logger.js";
import { createAckGate } from "./ackGate.js";
import type { Command, ComponentHandler, HandlerContext, HandlerResult } from "./command.js";
import type { DiscordServices } from "./discordServices.js";
import { errorReply } from "./errorReply.js";
import { invokerOf } from "./invoker.js";
import { createLoadGauge, type LoadGauge } from "./loadGauge.js";
import { readArgs } from "./readArgs.js";
import { toMessageOptions } from "./replyPayload.js";

// One door for every interaction. Discord kills an interaction's token if nothing answers within 3 s, so the router,
// not each handler, keeps that promise. When the bot is idle a handler runs at once and answers directly; one that
// has not produced its answer after `deferAfterMs` gets a deferral sent on its behalf, and its answer later becomes
// an edit. When the bot is busy (other interactions in flight, a lagging event loop, or an interaction that already
// waited on arrival; see loadGauge.ts) the deferral goes out FIRST and the handler starts only once it is sent: under
// a burst, acknowledgements come before anyone's work, so none waits behind a queue of database calls. Handlers that
// answer with a modal are never deferred ahead (a modal must be the first response). Every failure goes through one
// error path: expected ones (TribuneError) read as a friendly message, anything else as a message with an error id,
// logged with its stack; never a stack trace to the member.

/** What `onAcknowledged` is told: which interaction, how long after its creation, and whether it was a deferral. */
export interface AcknowledgedInfo {
  /** Discord's id of the interaction (a snowflake). */
  interactionId: string;
  /** The slash command's name, "autocomplete:<command>", or "button:<prefix>" / "modal:<prefix>". */
  command: string;
  /** From the interaction's creation (its snowflake) to the acknowledgement being accepted. */
  ms: number;
  deferred: boolean;
}

export interface InteractionRouterOptions {
  commands: readonly Command<never>[] | readonly Command[];
  components: readonly ComponentHandler[];
  services: DiscordServices;
  /** The steward role, by id or by name; checked on every call. */
  stewardRole: string | undefined;
  logger: Logger;
  /** How long a handler may take, when the bot is idle, before the router defers for it (Discord allows 3,000 ms). */
  deferAfterMs?: number;
  /** While a handler runs, how often the router looks again whether the bot became busy (then it defers). */
  busyCheckMs?: number;
  /** When the bot counts as busy (default: a gauge with its own defaults). */
  load?: LoadGauge;
  /** Autocomplete cannot be deferred: an answer later than this is dropped in favour of an empty list. */
  autocompleteBudgetMs?: number;
  /** Observes each acknowledgement (for latency metrics); its errors are logged, never the member's problem. */
  onAcknowledged?: (info: AcknowledgedInfo) => void;
}

export type InteractionRouter = (interaction: Interaction) => Promise<void>;

const DEFAULT_DEFER_AFTER_MS = 1_200;
const DEFAULT_BUSY_CHECK_MS = 100;
const DEFAULT_AUTOCOMPLETE_BUDGET_MS = 2_000;

/** Builds the router; attach it to the client's `interactionCreate` event. */
export function createInteractionRouter(options: InteractionRouterOptions): InteractionRouter {
  const commands = new Map((options.commands as readonly Command[]).map((c) => [c.definition.name, c]));
  // Longest prefix first, so "vote:change" wins over "vote" if both exist.
  const components = [...options.components].sort((a, b) => b.prefix.length - a.prefix.length);
  const timing: Timing = {
    deferAfterMs: options.deferAfterMs ?? DEFAULT_DEFER_AFTER_MS,
    busyCheckMs: options.busyCheckMs ?? DEFAULT_BUSY_CHECK_MS,
  };
  const load = options.load ?? createLoadGauge();
  const gate = createAckGate();
  const { logger } = options;

  const context = (interaction: Interaction): HandlerContext | null => {
    if (!interaction.inGuild() || !interaction.channelId) return null;
    return {
      invoker: invokerOf(interaction, options.stewardRole),
      guildId: interaction.guildId,
      channelId: interaction.channelId,
      services: options.services,
    };
  };

  const acknowledged = (interaction: Interaction, command: string, deferred: boolean) => {
    if (!options.onAcknowledged) return;
    try {
      options.onAcknowledged({
        interactionId: interaction.id,
        command,
        ms: Date.now() - interaction.createdTimestamp,
        deferred,
      });
    } catch (error) {
      logger.warn({ err: error, command }, "onAcknowledged failed");
    }
  };

  async function onCommand(interaction: ChatInputCommandInteraction, busy: boolean): Promise<void> {
    const command = commands.get(interaction.commandName);
    const ctx = context(interaction);
    const ephemeral = command?.ephemeral ?? true;
    const responder = createResponder(interaction, ephemeral, (deferred) =>
      acknowledged(interaction, interaction.commandName, deferred),
    );
    if (!command) {
      await responder.fail(
        "This command is not one Tribune knows (its list may be out of date)",
        "Ask an operator to run `npm run commands:deploy`",
      );
      return;
    }
    if (!ctx) {
      await responder.fail(
        "Tribune's commands work inside a server",
        "Run it in the server whose DAO spaces you follow",
      );
      return;
    }
    if (command.stewardOnly && !ctx.invoker.isSteward) {
      await responder.fail(
        `/${command.definition.name} is for stewards`,
        "Ask a steward of this server if something needs changing",
      );
      return;
    }
    const args = readArgs(command.definition, interaction) as never;
    await responder.run(() => command.execute(ctx, args), busy && !command.opensModal?.(args), {
      interactionId: interaction.id,
      command: interaction.commandName,
      user: interaction.user.id,
    });
  }

  async function onAutocomplete(interaction: AutocompleteInteraction): Promise<void> {
    const command = commands.get(interaction.commandName);
    const ctx = context(interaction);
    const focused = interaction.options.getFocused(true);
    let choices: readonly { name: string; value: string }[] = [];
    if (command?.autocomplete && ctx) {
      const budget = options.autocompleteBudgetMs ?? DEFAULT_AUTOCOMPLETE_BUDGET_MS;
      try {
        const filled = filledOptions(interaction.options.data);
        choices = await withDeadline(
          command.autocomplete(ctx, { name: focused.name, value: String(focused.value) }, filled),
          budget,
        );
      } catch (error) {
        logger.warn(
          { err: error, command: interaction.commandName },
          "autocomplete failed; answering with no suggestions",
        );
      }
    }
    try {
      await interaction.respond(choices.slice(0, 25).map((c) => ({ name: c.name, value: c.value })));
      acknowledged(interaction, `autocomplete:${interaction.commandName}`, false);
    } catch (error) {
      logger.warn({ err: error, command: interaction.commandName }, "answering autocomplete failed");
    }
  }

  async function onComponent(interaction: ButtonInteraction | ModalSubmitInteraction, busy: boolean): Promise<void> {
    const handler = components.find(
      (h) => interaction.customId === h.prefix || interaction.customId.startsWith(`${h.prefix}:`),
    );
    const ctx = context(interaction);
    // A button edits its own message only when that message answered the presser. A press on a message shown to
    // someone else (a replayed custom id) gets an answer of its own, so it can never rewrite another member's message.
    const pressedOwn =
      interaction.isButton() && interaction.message.interactionMetadata?.user.id === interaction.user.id;
    const update = handler?.answer === "update" && pressedOwn;
    const name = `${interaction.isButton() ? "button" : "modal"}:${handler?.prefix ?? "unknown"}`;
    const responder = createResponder(
      interaction,
      true,
      (deferred) => acknowledged(interaction, name, deferred),
      update,
    );
    if (!handler || !ctx) {
      await responder.fail("This button no longer does anything", "Run the command again for a fresh one");
      return;
    }
    if (handler.stewardOnly && !ctx.invoker.isSteward) {
      await responder.fail("Only stewards can use this", "Ask a steward of this server");
      return;
    }
    const params = interaction.customId
      .slice(handler.prefix.length + 1)
      .split(":")
      .filter((p) => p !== "");
    const fields: Record<string, string> = {};
    if (interaction.isModalSubmit()) {
      for (const [id, field] of interaction.fields.fields) {
        if ("value" in field && typeof field.value === "string") fields[id] = field.value;
      }
    }
    const messageIsEphemeral = interaction.isButton() && interaction.message.flags.has(MessageFlags.Ephemeral);
    await responder.run(
      () => handler.handle(ctx, { params, fields, messageIsEphemeral }),
      busy && !(handler.opensModal && !interaction.isModalSubmit()),
      { interactionId: interaction.id, component: handler.prefix, user: interaction.user.id },
    );
  }

  function createResponder(
    interaction: ChatInputCommandInteraction | ButtonInteraction | ModalSubmitInteraction,
    ephemeral: boolean,
    onAck: (deferred: boolean) => void,
    update = false,
  ) {
    const flags = ephemeral ? MessageFlags.Ephemeral : undefined;
    let deferred = false;
    let acked = false;
    const ack = (viaDeferral: boolean) => {
      if (!acked) {
        acked = true;
        onAck(viaDeferral);
      }
    };

    async function defer(): Promise<void> {
      if (update) await (interaction as ButtonInteraction).deferUpdate();
      else await interaction.deferReply({ flags });
      deferred = true;
      ack(true);
    }

    async function send(result: HandlerResult): Promise<void> {
      if (result.kind === "modal") {
        if (deferred || interaction.isModalSubmit()) {
          await send({
            kind: "reply",
            reply: { content: "Opening the form took too long. Please run the command again." },
          });
          return;
        }
        await interaction.showModal(result.modal);
        ack(false);
        return;
      }
      const payload = toMessageOptions(result.reply);
      if (update && interaction.isButton()) {
        if (deferred) await interaction.editReply(payload);
        else await interaction.update(payload);
      } else if (deferred) {
        await interaction.editReply(payload);
      } else {
        await interaction.reply({ ...payload, flags });
      }
      ack(false);
    }

    async function fail(message: string, hint: string, errorId?: string): Promise<void> {
      const payload = toMessageOptions(errorReply(message, hint, errorId));
      try {
        if (deferred && !update) await interaction.editReply(payload);
        else if (deferred || interaction.replied)
          await interaction.followUp({ ...payload, flags: MessageFlags.Ephemeral });
        else await interaction.reply({ ...payload, flags: MessageFlags.Ephemeral });
        ack(false);
      } catch (error) {
        logger.error({ err: error, interactionId: interaction.id }, "could not tell the member about a failure");
      }
    }

    /**
     * Runs the handler and answers. `deferFirst`: the bot is busy, so the deferral is sent before the handler starts.
     * Otherwise the handler starts at once and the answer goes out directly, unless it is still working after
     * `deferAfterMs`, or the bot has become busy meanwhile (looked at every `busyCheckMs`): then a deferral first.
     */
    async function run(
      handle: () => Promise<HandlerResult>,
      deferFirst: boolean,
      logContext: Record<string, string>,
    ): Promise<void> {
      let work: Promise<HandlerResult> | undefined;
      let timer: NodeJS.Timeout | undefined;
      try {
        if (deferFirst) {
          await gate.acknowledge(defer);
          // Other deferrals of the same burst go out before anyone's work competes with them for the loop.
          await gate.drained();
          work = handle();
          await send(await work);
          return;
        }
        const started = Date.now();
        work = handle();
        for (;;) {
          const left = timing.deferAfterMs - (Date.now() - started);
          const wait = Math.max(0, Math.min(left, timing.busyCheckMs));
          const tick = new Promise<"tick">((resolve) => {
            timer = setTimeout(() => resolve("tick"), wait);
          });
          const first = await Promise.race([work, tick]);
          clearTimeout(timer);
          if (first !== "tick") {
            await send(first);
            return;
          }
          if (Date.now() - started >= timing.deferAfterMs || load.busySince()) break;
        }
        await defer();
        await send(await work);
      } catch (error) {
        const failure = errorReply.classify(error);
        if (failure.kind === "unexpected") {
          logger.error({ err: error, errorId: failure.errorId, ...logContext }, "an interaction failed");
        }
        await fail(failure.message, failure.hint, failure.errorId);
      } finally {
        clearTimeout(timer);
        // A handler that lost the race still settles; a failure there must not become an unhandled rejection.
        work?.catch(() => undefined);
      }
    }

    return { run, fail };
  }

  return async (interaction) => {
    // Read before this interaction counts itself: is anything else already keeping the bot busy?
    const busy = load.busy(interaction.createdTimestamp);
    const leave = load.enter();
    try {
      if (interaction.isChatInputCommand()) await onCommand(interaction, busy);
      else if (interaction.isAutocomplete()) await onAutocomplete(interaction);
      else if (interaction.isButton() || interaction.isModalSubmit()) await onComponent(interaction, busy);
    } catch (error) {
      logger.error({ err: error, interactionId: interaction.id }, "an interaction could not be answered");
    } finally {
      leave();
    }
  };
}

interface Timing {
  deferAfterMs: number;
  busyCheckMs: number;
}

/** Option values by name, looking inside subcommands and groups. */
function filledOptions(data: readonly CommandInteractionOption[]): Record<string, string> {
  const filled: Record<string, string> = {};
  for (const option of data) {
    if (option.options) Object.assign(filled, filledOptions(option.options));
    else if (option.value !== undefined && !option.focused) filled[option.name] = String(option.value);
  }
  return filled;
}

function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
