// Size and shape rules Discord enforces on what a bot sends, answered as 50035 Invalid Form Body with the same error
// tree the API builds (paths follow the body; the interaction callback nests them under `data`).
// @see https://discord.com/developers/docs/resources/message#create-message
// @see https://discord.com/developers/docs/resources/message#embed-object-embed-limits
// @see https://discord.com/developers/docs/components/reference
// @see https://discord.com/developers/docs/interactions/application-commands#application-command-object
import type { APIEmbed } from "discord.js";
import { type FormErrors, fieldError } from "./apiErrors.js";

type Path = readonly (string | number)[];

export const LIMITS = {
  content: 2000,
  embeds: 10,
  embedTitle: 256,
  embedDescription: 4096,
  embedFields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footerText: 2048,
  authorName: 256,
  embedTotal: 6000,
  actionRows: 5,
  rowButtons: 5,
  customId: 100,
  buttonLabel: 80,
  selectOptions: 25,
  v2Components: 40,
  v2Text: 4000,
  nonce: 25,
  autocompleteChoices: 25,
  choiceName: 100,
  threadName: 100,
  modalTitle: 45,
  modalComponents: 5,
  labelText: 45,
  textInput: 4000,
} as const;

export const AUTO_ARCHIVE_DURATIONS = [60, 1440, 4320, 10080] as const;
/** Message flags a bot may set when creating a message (interaction replies may also set EPHEMERAL). */
export const SETTABLE_FLAGS = (1 << 2) | (1 << 12) | (1 << 13) | (1 << 15);
export const EPHEMERAL = 1 << 6;
export const LOADING = 1 << 7;
export const HAS_THREAD = 1 << 5;
export const IS_COMPONENTS_V2 = 1 << 15;

/** Characters as Discord counts them: code points, not UTF-16 units. */
export function length(text: string): number {
  return [...text].length;
}

/** Embed limits are measured without leading and trailing whitespace. */
const trimmedLength = (text: string | undefined) => (text === undefined ? 0 : length(text.trim()));

function checkMax(errors: FormErrors, path: Path, text: unknown, max: number): void {
  if (typeof text === "string" && trimmedLength(text) > max) errors.add(path, fieldError.maxLength(max));
}

function checkBetween(errors: FormErrors, path: Path, text: unknown, min: number, max: number): void {
  if (typeof text !== "string") {
    errors.add(path, fieldError.required());
    return;
  }
  const n = length(text);
  if (n < min || n > max) errors.add(path, fieldError.badLength(min, max));
}

/** The message body fields the fake understands (create, edit, interaction reply, webhook). */
export interface MessageInput {
  content?: string | null;
  embeds?: APIEmbed[] | null;
  components?: unknown[] | null;
  flags?: number | null;
  nonce?: string | number;
  enforce_nonce?: boolean;
  tts?: boolean;
  message_reference?: { message_id?: string; channel_id?: string; fail_if_not_exists?: boolean };
  attachments?: unknown[];
  sticker_ids?: string[];
  poll?: unknown;
}

/** Checks content, embeds, components and nonce of a message body. */
export function checkMessage(input: MessageInput, errors: FormErrors, path: Path, flags: number): void {
  if (typeof input.content === "string" && length(input.content) > LIMITS.content) {
    errors.add([...path, "content"], fieldError.maxLength(LIMITS.content));
  }
  if (input.embeds) checkEmbeds(input.embeds, errors, [...path, "embeds"]);
  if (input.components)
    checkComponents(input.components, (flags & IS_COMPONENTS_V2) !== 0, errors, [...path, "components"]);
  if ((flags & IS_COMPONENTS_V2) !== 0) {
    for (const legacy of ["content", "embeds"] as const) {
      const value = input[legacy];
      if (value !== undefined && value !== null && value.length > 0) {
        errors.add([...path, legacy], {
          code: "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2",
          message: `The '${legacy}' field cannot be used when using MessageFlags.IS_COMPONENTS_V2`,
        });
      }
    }
  }
  if (typeof input.nonce === "string" && input.nonce.length > LIMITS.nonce) {
    errors.add([...path, "nonce"], fieldError.maxLength(LIMITS.nonce));
  }
}

/** Per-embed limits, then the 6000-character total across all embeds of the message. */
export function checkEmbeds(embeds: APIEmbed[], errors: FormErrors, path: Path): void {
  if (embeds.length > LIMITS.embeds) errors.add(path, fieldError.maxLength(LIMITS.embeds));
  let total = 0;
  for (const [i, embed] of embeds.entries()) {
    const at = [...path, i];
    checkMax(errors, [...at, "title"], embed.title, LIMITS.embedTitle);
    checkMax(errors, [...at, "description"], embed.description, LIMITS.embedDescription);
    checkMax(errors, [...at, "footer", "text"], embed.footer?.text, LIMITS.footerText);
    checkMax(errors, [...at, "author", "name"], embed.author?.name, LIMITS.authorName);
    total += trimmedLength(embed.title) + trimmedLength(embed.description);
    total += trimmedLength(embed.footer?.text) + trimmedLength(embed.author?.name);
    const fields = embed.fields ?? [];
    if (fields.length > LIMITS.embedFields) errors.add([...at, "fields"], fieldError.maxLength(LIMITS.embedFields));
    for (const [j, field] of fields.entries()) {
      for (const [key, max] of [
        ["name", LIMITS.fieldName],
        ["value", LIMITS.fieldValue],
      ] as const) {
        const text = field[key];
        if (typeof text !== "string" || text.trim() === "")
          errors.add([...at, "fields", j, key], fieldError.required());
        else checkMax(errors, [...at, "fields", j, key], text, max);
        total += trimmedLength(typeof text === "string" ? text : undefined);
      }
    }
  }
  if (total > LIMITS.embedTotal) {
    errors.add(path, {
      code: "MAX_EMBED_SIZE_EXCEEDED",
      message: `Embed size exceeds maximum size of ${LIMITS.embedTotal}`,
    });
  }
}

interface RawComponent {
  type?: number;
  id?: number;
  custom_id?: string;
  style?: number;
  label?: string;
  url?: string;
  sku_id?: string;
  content?: string;
  options?: { label?: string; value?: string }[];
  components?: RawComponent[];
  component?: RawComponent;
  accessory?: RawComponent;
}

const SELECTS = new Set([3, 5, 6, 7, 8]);
const V2_TOP_LEVEL = [1, 9, 10, 12, 13, 14, 17];

/** Action rows (≤ 5, each ≤ 5 buttons or one select) or, with IS_COMPONENTS_V2, ≤ 40 components and ≤ 4000 text. */
export function checkComponents(components: unknown[], v2: boolean, errors: FormErrors, path: Path): void {
  if (!v2 && components.length > LIMITS.actionRows) errors.add(path, fieldError.maxLength(LIMITS.actionRows));
  const seen = new Set<string>();
  const tally = { count: 0, text: 0 };
  for (const [i, raw] of components.entries()) {
    const component = raw as RawComponent;
    const allowed = v2 ? V2_TOP_LEVEL : [1];
    if (!allowed.includes(component.type ?? -1)) {
      errors.add([...path, i, "type"], {
        code: "UNION_TYPE_CHOICES",
        message: `Value of field "type" must be one of (${allowed.join(", ")}).`,
      });
      continue;
    }
    checkComponent(component, [...path, i], errors, seen, tally);
  }
  if (v2 && tally.count > LIMITS.v2Components) errors.add(path, fieldError.maxLength(LIMITS.v2Components));
  if (v2 && tally.text > LIMITS.v2Text) {
    errors.add(path, {
      code: "COMPONENT_TEXT_TOO_LONG",
      message: `Total text must be ${LIMITS.v2Text} or fewer in length.`,
    });
  }
}

function checkComponent(
  c: RawComponent,
  path: Path,
  errors: FormErrors,
  seen: Set<string>,
  tally: { count: number; text: number },
): void {
  tally.count += 1;
  if (c.custom_id !== undefined) {
    checkBetween(errors, [...path, "custom_id"], c.custom_id, 1, LIMITS.customId);
    if (seen.has(c.custom_id)) {
      errors.add([...path, "custom_id"], {
        code: "COMPONENT_CUSTOM_ID_DUPLICATED",
        message: "Component custom id cannot be duplicated",
      });
    }
    seen.add(c.custom_id);
  }
  switch (c.type) {
    case 1: {
      const children = c.components ?? [];
      if (children.length < 1) errors.add([...path, "components"], fieldError.minLength(1));
      if (children.length > LIMITS.rowButtons)
        errors.add([...path, "components"], fieldError.maxLength(LIMITS.rowButtons));
      if (children.some((child) => SELECTS.has(child.type ?? -1)) && children.length > 1) {
        errors.add([...path, "components"], {
          code: "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
          message: "The specified component exceeds the maximum width",
        });
      }
      for (const [j, child] of children.entries()) {
        if (child.type !== 2 && !SELECTS.has(child.type ?? -1)) {
          errors.add([...path, "components", j, "type"], {
            code: "UNION_TYPE_CHOICES",
            message: 'Value of field "type" must be one of (2, 3, 5, 6, 7, 8).',
          });
          continue;
        }
        checkComponent(child, [...path, "components", j], errors, seen, tally);
      }
      return;
    }
    case 2:
      checkButton(c, path, errors);
      return;
    case 3:
      if ((c.options ?? []).length < 1 || (c.options ?? []).length > LIMITS.selectOptions) {
        errors.add([...path, "options"], fieldError.badLength(1, LIMITS.selectOptions));
      }
      for (const [k, option] of (c.options ?? []).entries()) {
        checkBetween(errors, [...path, "options", k, "label"], option.label, 1, 100);
        checkBetween(errors, [...path, "options", k, "value"], option.value, 1, 100);
      }
      return;
    case 10:
      tally.text += typeof c.content === "string" ? length(c.content) : 0;
      return;
    case 9:
    case 17:
      for (const [j, child] of (c.components ?? []).entries()) {
        checkComponent(child, [...path, "components", j], errors, seen, tally);
      }
      if (c.accessory) checkComponent(c.accessory, [...path, "accessory"], errors, seen, tally);
      return;
    default:
      return;
  }
}

function checkButton(c: RawComponent, path: Path, errors: FormErrors): void {
  checkMax(errors, [...path, "label"], c.label, LIMITS.buttonLabel);
  if (c.style === 5) {
    if (typeof c.url !== "string") errors.add([...path, "url"], fieldError.required());
    if (c.custom_id !== undefined) {
      errors.add([...path, "custom_id"], {
        code: "BUTTON_COMPONENT_CUSTOM_ID_NOT_ALLOWED",
        message: "A custom id cannot be set on a link button",
      });
    }
  } else if (c.style === 6) {
    if (typeof c.sku_id !== "string") errors.add([...path, "sku_id"], fieldError.required());
  } else if (c.custom_id === undefined) {
    errors.add([...path, "custom_id"], {
      code: "BUTTON_COMPONENT_CUSTOM_ID_REQUIRED",
      message: "A custom id required",
    });
  }
}

/** Gives every component without one a numeric `id`, unique in the message, as Discord does on the way in. */
export function numberComponents(components: unknown[]): unknown[] {
  const copy = structuredClone(components) as RawComponent[];
  const used = new Set<number>();
  const all: RawComponent[] = [];
  const walk = (c: RawComponent) => {
    all.push(c);
    if (typeof c.id === "number" && c.id > 0) used.add(c.id);
    for (const child of c.components ?? []) walk(child);
    if (c.component) walk(c.component);
    if (c.accessory) walk(c.accessory);
  };
  for (const c of copy) walk(c);
  let next = 1;
  for (const c of all) {
    if (typeof c.id === "number" && c.id > 0) continue;
    while (used.has(next)) next += 1;
    c.id = next;
    used.add(next);
  }
  return copy;
}

/** Gives embeds the fields Discord adds on the way in (`type: "rich"`, `inline` on fields). */
export function normalizeEmbeds(embeds: APIEmbed[]): APIEmbed[] {
  return embeds.map((embed) => ({
    type: "rich",
    ...embed,
    ...(embed.fields ? { fields: embed.fields.map((f) => ({ ...f, inline: f.inline ?? false })) } : {}),
  })) as APIEmbed[];
}

/** Autocomplete results: ≤ 25 choices, names 1–100, string values ≤ 100. */
export function checkChoices(choices: unknown, errors: FormErrors, path: Path): void {
  if (!Array.isArray(choices)) {
    errors.add(path, fieldError.required());
    return;
  }
  if (choices.length > LIMITS.autocompleteChoices) errors.add(path, fieldError.maxLength(LIMITS.autocompleteChoices));
  for (const [i, choice] of (choices as { name?: unknown; value?: unknown }[]).entries()) {
    checkBetween(errors, [...path, i, "name"], choice.name, 1, LIMITS.choiceName);
    if (typeof choice.value === "string") checkMax(errors, [...path, i, "value"], choice.value, LIMITS.choiceName);
    else if (typeof choice.value !== "number") errors.add([...path, i, "value"], fieldError.required());
  }
}

/** A modal: custom_id, title ≤ 45, 1–5 labels/rows/text displays, text inputs within their limits. */
export function checkModal(data: unknown, errors: FormErrors, path: Path): void {
  const modal = (data ?? {}) as { custom_id?: unknown; title?: unknown; components?: RawComponent[] };
  checkBetween(errors, [...path, "custom_id"], modal.custom_id, 1, LIMITS.customId);
  checkBetween(errors, [...path, "title"], modal.title, 1, LIMITS.modalTitle);
  const components = modal.components ?? [];
  if (components.length < 1 || components.length > LIMITS.modalComponents) {
    errors.add([...path, "components"], fieldError.badLength(1, LIMITS.modalComponents));
  }
  const seen = new Set<string>();
  for (const [i, top] of components.entries()) {
    const at = [...path, "components", i];
    const inputs = top.type === 18 ? [top.component] : top.type === 1 ? (top.components ?? []) : [];
    if (top.type === 18) checkBetween(errors, [...at, "label"], top.label, 1, LIMITS.labelText);
    for (const [j, input] of inputs.entries()) {
      if (!input) continue;
      const inputPath = top.type === 18 ? [...at, "component"] : [...at, "components", j];
      checkBetween(errors, [...inputPath, "custom_id"], input.custom_id, 1, LIMITS.customId);
      if (input.custom_id !== undefined && seen.has(input.custom_id)) {
        errors.add([...inputPath, "custom_id"], {
          code: "COMPONENT_CUSTOM_ID_DUPLICATED",
          message: "Component custom id cannot be duplicated",
        });
      }
      if (input.custom_id !== undefined) seen.add(input.custom_id);
      if (input.type === 4) {
        if (top.type === 1) checkBetween(errors, [...inputPath, "label"], input.label, 1, LIMITS.labelText);
        checkMax(errors, [...inputPath, "value"], (input as { value?: string }).value, LIMITS.textInput);
      }
    }
  }
}

/** A thread's name: 1–100 characters. */
export function checkThreadName(name: unknown, errors: FormErrors): void {
  checkBetween(errors, ["name"], name, 1, LIMITS.threadName);
}

/** auto_archive_duration: one of 60, 1440, 4320, 10080 minutes. */
export function checkAutoArchive(value: unknown, errors: FormErrors): void {
  if (value === undefined || value === null) return;
  if (!AUTO_ARCHIVE_DURATIONS.includes(value as (typeof AUTO_ARCHIVE_DURATIONS)[number])) {
    errors.add(["auto_archive_duration"], fieldError.choices(AUTO_ARCHIVE_DURATIONS));
  }
}
