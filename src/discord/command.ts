import type {
  APIActionRowComponent,
  APIComponentInMessageActionRow,
  APIEmbed,
  APIModalInteractionResponseCallbackData,
} from "discord.js";
import type { CommandArgs, CommandDefinition } from "./commandDefinition.js";
import type { DiscordServices } from "./discordServices.js";

// What a command or a button handler is: plain functions from (who, where, args) to a reply value. The router does
// the talking to Discord (acknowledging in time, deferring, editing), so handlers never touch an interaction and the
// 3-second rule lives in one place.

/** A message as handlers describe it; the router sends it as a reply, an edit or a follow-up. */
export interface Reply {
  readonly content?: string;
  readonly embeds?: readonly APIEmbed[];
  readonly components?: readonly APIActionRowComponent<APIComponentInMessageActionRow>[];
  /** Who may be pinged; the router defaults to nobody, as proposal text is hostile. */
  readonly allowedMentions?: {
    readonly parse?: readonly ("users" | "roles" | "everyone")[];
    readonly users?: readonly string[];
  };
}

/** A handler's answer: a message, or a modal (which must be the first response, so never after a deferral). */
export type HandlerResult =
  | { readonly kind: "reply"; readonly reply: Reply }
  | { readonly kind: "modal"; readonly modal: APIModalInteractionResponseCallbackData };

/** Who acted, as checked at the moment of the interaction. */
export interface Invoker {
  readonly discordUserId: string;
  readonly displayName: string;
  /** Holds the steward role (or administrator permission) in this guild, read from the interaction itself. */
  readonly isSteward: boolean;
}

export interface HandlerContext {
  readonly invoker: Invoker;
  readonly guildId: string;
  readonly channelId: string;
  readonly services: DiscordServices;
}

/** One slash command: its definition (what Discord registers) and its handler. */
export interface Command<D extends CommandDefinition = CommandDefinition> {
  readonly definition: D;
  /** Personal answers are ephemeral: only the invoker sees them. */
  readonly ephemeral: boolean;
  /** Refused to anyone without the steward role, checked at run time on every call. */
  readonly stewardOnly?: boolean;
  execute(ctx: HandlerContext, args: CommandArgs<D>): Promise<HandlerResult>;
  /**
   * Whether these arguments make the command answer with a modal. A modal must be the first response, so the router
   * never defers such a call ahead of its handler, even under load.
   */
  opensModal?(args: CommandArgs<D>): boolean;
  /** Suggestions for the focused option (at most 25); must answer fast, from an index. */
  autocomplete?(
    ctx: HandlerContext,
    focused: { name: string; value: string },
    /** The other options the member has filled in so far, by name. */
    filled: Readonly<Record<string, string>>,
  ): Promise<readonly AutocompleteChoice[]>;
}

export interface AutocompleteChoice {
  readonly name: string;
  readonly value: string;
}

/** What a component handler receives beyond the context: its custom id's parts, and a modal's fields. */
export interface ComponentInput {
  /** The custom id split on ":", without the handler's prefix. */
  readonly params: readonly string[];
  /** A modal submission's text fields by custom id. */
  readonly fields: Readonly<Record<string, string>>;
  /** Whether the pressed message was ephemeral (only the presser sees it): then `update` edits it in place. */
  readonly messageIsEphemeral: boolean;
}

/** A button or modal handler, found by the first segments of the custom id (e.g. "profile:confirm"). */
export interface ComponentHandler {
  readonly prefix: string;
  readonly stewardOnly?: boolean;
  /** How an answer is shown: a new ephemeral reply, or an update of the message the button sits on. */
  readonly answer: "ephemeral" | "update";
  /** Answers with a modal, which must be the first response: the router never defers it ahead of its handler. */
  readonly opensModal?: boolean;
  handle(ctx: HandlerContext, input: ComponentInput): Promise<HandlerResult>;
}

/** Helper: define a command with its argument types inferred from the definition. */
export function defineCommand<const D extends CommandDefinition>(command: Command<D>): Command<D> {
  return command;
}

/** Shorthand for the common answer. */
export function reply(reply: Reply | string): HandlerResult {
  return { kind: "reply", reply: typeof reply === "string" ? { content: reply } : reply };
}
