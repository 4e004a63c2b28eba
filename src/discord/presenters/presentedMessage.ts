import {
  type APIActionRowComponent,
  type APIButtonComponent,
  type APIEmbed,
  type ButtonStyle,
  ComponentType,
  MessageFlags,
} from "discord.js";
import {
  ALLOWED_MENTION_USERS_MAX,
  BUTTON_LABEL_MAX,
  BUTTONS_PER_ROW_MAX,
  CONTENT_MAX,
  CUSTOM_ID_MAX,
  EMBED_DESCRIPTION_MAX,
  EMBED_FIELD_NAME_MAX,
  EMBED_FIELD_VALUE_MAX,
  EMBED_FIELDS_MAX,
  EMBED_FOOTER_MAX,
  EMBED_TITLE_MAX,
  EMBEDS_PER_MESSAGE_MAX,
  EMBEDS_TOTAL_MAX,
  embedLength,
  packEmbeds,
} from "./limits.js";

// What every presenter returns: a plain object that discord.js `channel.send`, `message.edit` and (with the
// ephemeral flag) `interaction.reply` take as it is. Every key is always present, so an edit replaces what the
// previous version of the message had (an omitted key would leave old embeds or buttons in place).
//
// Mentions: discord.js reads `allowedMentions` (camelCase) and turns it into the API's `allowed_mentions`; a
// snake_case key in these options would be dropped silently and the client's default (which may ping everyone) used
// instead. `parse: []` means no text in the message can ping anybody; only the users listed are pinged.

/** Who a message may ping: nobody by parsing, only the listed users. */
export interface AllowedMentions {
  parse: [];
  users: string[];
}

/** A message ready for discord.js `send` / `edit` (MessageCreateOptions- and MessageEditOptions-compatible). */
export interface PresentedMessage {
  content: string;
  embeds: APIEmbed[];
  components: APIActionRowComponent<APIButtonComponent>[];
  allowedMentions: AllowedMentions;
}

/**
 * A reply only the member who asked can see (InteractionReplyOptions-compatible). After an ephemeral deferReply, pass
 * `editReply` the message without `flags` (discord.js types refuse the flag there; the reply is already ephemeral).
 */
export interface EphemeralMessage extends PresentedMessage {
  flags: MessageFlags.Ephemeral;
}

/** A message with the given parts; `ping` lists the user ids it may ping (at most 100, Discord's limit). */
export function presentMessage(parts: {
  content?: string;
  embeds?: APIEmbed[];
  components?: APIActionRowComponent<APIButtonComponent>[];
  ping?: readonly string[];
}): PresentedMessage {
  const users = [...new Set(parts.ping ?? [])];
  if (users.length > ALLOWED_MENTION_USERS_MAX) {
    throw new RangeError(`a message may ping at most ${ALLOWED_MENTION_USERS_MAX} users, not ${users.length}`);
  }
  return {
    content: parts.content ?? "",
    embeds: parts.embeds ?? [],
    components: parts.components ?? [],
    allowedMentions: { parse: [], users },
  };
}

/** The same message as an ephemeral interaction reply. */
export function ephemeral(message: PresentedMessage): EphemeralMessage {
  return { ...message, flags: MessageFlags.Ephemeral };
}

/** Embeds spread over as many messages as Discord's per-message limits need; buttons go on the first or the last. */
export function embedMessages(
  embeds: readonly APIEmbed[],
  components: APIActionRowComponent<APIButtonComponent>[] = [],
  buttonsOn: "first" | "last" = "first",
): PresentedMessage[] {
  const groups = packEmbeds(embeds);
  const at = buttonsOn === "first" ? 0 : groups.length - 1;
  return groups.map((group, i) => presentMessage({ embeds: group, components: i === at ? components : [] }));
}

/** A custom id from its parts joined by ":"; throws when over Discord's 100 characters (ids are uuids and snowflakes). */
export function customId(...parts: readonly (string | number)[]): string {
  const id = parts.join(":");
  if (id.length > CUSTOM_ID_MAX) throw new RangeError(`custom id over ${CUSTOM_ID_MAX} characters: ${id}`);
  return id;
}

/** The styles of buttons that call back (link and premium buttons carry no custom id). */
export type InteractiveStyle = ButtonStyle.Primary | ButtonStyle.Secondary | ButtonStyle.Success | ButtonStyle.Danger;

/** A button that sends `id` back to the bot when pressed. */
export function button(label: string, id: string, style: InteractiveStyle, disabled = false): APIButtonComponent {
  return {
    type: ComponentType.Button,
    style,
    label: label.slice(0, BUTTON_LABEL_MAX),
    custom_id: id,
    disabled,
  };
}

/** Buttons in action rows of at most five. */
export function buttonRows(buttons: readonly APIButtonComponent[]): APIActionRowComponent<APIButtonComponent>[] {
  const rows: APIActionRowComponent<APIButtonComponent>[] = [];
  for (let i = 0; i < buttons.length; i += BUTTONS_PER_ROW_MAX) {
    rows.push({ type: ComponentType.ActionRow, components: buttons.slice(i, i + BUTTONS_PER_ROW_MAX) });
  }
  return rows;
}

/** Every Discord size limit the message breaks, in words; empty when Discord will take it (a guard before sending). */
export function limitProblems(message: PresentedMessage): string[] {
  const problems: string[] = [];
  const over = (what: string, length: number, max: number) => {
    if (length > max) problems.push(`${what} is ${length} characters, over ${max}`);
  };
  over("content", message.content.length, CONTENT_MAX);
  if (message.content.trim() === "" && message.embeds.length === 0) problems.push("the message is empty");
  if (message.embeds.length > EMBEDS_PER_MESSAGE_MAX) problems.push(`${message.embeds.length} embeds`);
  over(
    "all embeds",
    message.embeds.reduce((n, embed) => n + embedLength(embed), 0),
    EMBEDS_TOTAL_MAX,
  );
  message.embeds.forEach((embed, i) => {
    over(`embed ${i} title`, embed.title?.length ?? 0, EMBED_TITLE_MAX);
    over(`embed ${i} description`, embed.description?.length ?? 0, EMBED_DESCRIPTION_MAX);
    over(`embed ${i} footer`, embed.footer?.text.length ?? 0, EMBED_FOOTER_MAX);
    if ((embed.fields?.length ?? 0) > EMBED_FIELDS_MAX) problems.push(`embed ${i} has ${embed.fields?.length} fields`);
    for (const field of embed.fields ?? []) {
      over(`embed ${i} field name`, field.name.length, EMBED_FIELD_NAME_MAX);
      over(`embed ${i} field value`, field.value.length, EMBED_FIELD_VALUE_MAX);
      if (!field.name.trim() || !field.value.trim()) problems.push(`embed ${i} has an empty field`);
    }
  });
  for (const row of message.components) {
    if (row.components.length > BUTTONS_PER_ROW_MAX) problems.push(`a row of ${row.components.length} buttons`);
    for (const b of row.components) {
      if ("custom_id" in b) over(`custom id ${b.custom_id}`, b.custom_id.length, CUSTOM_ID_MAX);
      if ("label" in b) over("button label", b.label?.length ?? 0, BUTTON_LABEL_MAX);
    }
  }
  if (message.allowedMentions.users.length > ALLOWED_MENTION_USERS_MAX) problems.push("too many pinged users");
  return problems;
}
