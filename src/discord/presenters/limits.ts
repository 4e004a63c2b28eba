import type { APIEmbed, APIEmbedField } from "discord.js";
import { clip } from "../../values/plainText.js";

// Discord refuses a whole message (400 "Invalid Form Body") when any one part is over its limit, so every presenter
// lays its text out through the helpers here. Lengths are JavaScript string lengths (UTF-16 code units): Discord counts
// characters, and a string never has more characters than code units, so measuring in code units is the safe side.

/** @see https://discord.com/developers/docs/resources/message#create-message-jsonform-params */
export const CONTENT_MAX = 2000;
/** @see https://discord.com/developers/docs/resources/message#create-message-jsonform-params */
export const EMBEDS_PER_MESSAGE_MAX = 10;
/** @see https://discord.com/developers/docs/resources/message#embed-object-embed-limits */
export const EMBED_TITLE_MAX = 256;
/** @see https://discord.com/developers/docs/resources/message#embed-object-embed-limits */
export const EMBED_DESCRIPTION_MAX = 4096;
/** @see https://discord.com/developers/docs/resources/message#embed-object-embed-limits */
export const EMBED_FIELDS_MAX = 25;
/** @see https://discord.com/developers/docs/resources/message#embed-object-embed-limits */
export const EMBED_FIELD_NAME_MAX = 256;
/** @see https://discord.com/developers/docs/resources/message#embed-object-embed-limits */
export const EMBED_FIELD_VALUE_MAX = 1024;
/** @see https://discord.com/developers/docs/resources/message#embed-object-embed-limits */
export const EMBED_FOOTER_MAX = 2048;
/** Title, description, field names and values, footer and author name of ALL a message's embeds together. */
export const EMBEDS_TOTAL_MAX = 6000;
/** @see https://discord.com/developers/docs/components/reference#button */
export const CUSTOM_ID_MAX = 100;
/** @see https://discord.com/developers/docs/components/reference#button */
export const BUTTON_LABEL_MAX = 80;
/** @see https://discord.com/developers/docs/components/reference#action-row */
export const BUTTONS_PER_ROW_MAX = 5;
/** @see https://discord.com/developers/docs/resources/message#allowed-mentions-object */
export const ALLOWED_MENTION_USERS_MAX = 100;

const PARAGRAPH = /\n[^\S\n]*\n/g;
const LINE = /\n/g;
// A sentence ends in . ! ? or … (closing quotes and brackets may follow) before whitespace.
const SENTENCE = /[.!?…]["'”’)\]]*(?=\s)/g;
const WORD = /\s/g;
const LEVELS: readonly RegExp[] = [PARAGRAPH, LINE, SENTENCE, WORD];

/**
 * Splits text into pieces of at most `max` characters, preferring paragraph, then line, then sentence, then word
 * boundaries; a word is cut only when it alone is longer than `max`. Only whitespace is dropped (at the cuts and at
 * either end); every other character stays, in order.
 */
export function splitText(text: string, max: number): string[] {
  if (!Number.isInteger(max) || max < 2) throw new RangeError(`splitText needs a max of 2 or more, not ${max}`);
  const pieces: string[] = [];
  const end = text.trimEnd().length;
  let start = skipSpace(text, 0, end);
  while (start < end) {
    if (end - start <= max) {
      pieces.push(text.slice(start, end));
      break;
    }
    const cut = findCut(text, start, max);
    pieces.push(text.slice(start, cut).trimEnd());
    start = skipSpace(text, cut, end);
  }
  return pieces;
}

function skipSpace(text: string, from: number, end: number): number {
  let i = from;
  while (i < end && /\s/.test(text[i] as string)) i++;
  return i;
}

/** Where the piece starting at `start` ends: a boundary within `max`, or a hard cut inside an over-long word. */
function findCut(text: string, start: number, max: number): number {
  // One character past the window: a boundary right after `max` characters still yields a piece of `max`.
  const window = text.slice(start, start + max + 1);
  // First pass: the strongest boundary that still fills half the piece; second: the strongest boundary at all.
  for (const least of [Math.ceil(max / 2), 1]) {
    for (const level of LEVELS) {
      const at = lastBoundary(window, level, least, max);
      if (at > 0) return start + at;
    }
  }
  return start + hardCut(window, max);
}

/** The last position in `window` (between `least` and `max`) where `level`'s boundary starts; -1 when none. */
function lastBoundary(window: string, level: RegExp, least: number, max: number): number {
  let found = -1;
  level.lastIndex = 0;
  for (let m = level.exec(window); m !== null; m = level.exec(window)) {
    // A sentence boundary is where its punctuation ends; the others are where their whitespace begins.
    const at = level === SENTENCE ? m.index + m[0].length : m.index;
    if (at > max) break;
    // The window starts on a non-space character, so any boundary past 0 leaves a non-empty piece.
    if (at >= least) found = at;
    if (m[0].length === 0) level.lastIndex++;
  }
  return found;
}

/** A cut inside a word: never between the halves of a surrogate pair, nor between a backslash and what it escapes. */
function hardCut(window: string, max: number): number {
  let cut = max;
  const code = window.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
  let slashes = 0;
  while (slashes < cut && window[cut - 1 - slashes] === "\\") slashes++;
  if (slashes % 2 === 1 && cut > 1) cut -= 1;
  return cut;
}

/** Joins blocks (separated by `separator`) into as few texts of at most `max` as fit; only an over-long block splits. */
export function packBlocks(blocks: readonly string[], max: number, separator = "\n"): string[] {
  const texts: string[] = [];
  let current = "";
  for (const block of blocks) {
    if (block.trim().length === 0) continue;
    if (block.length > max) {
      if (current) texts.push(current);
      current = "";
      texts.push(...splitText(block, max));
    } else if (!current) current = block;
    else if (current.length + separator.length + block.length <= max) current += separator + block;
    else {
      texts.push(current);
      current = block;
    }
  }
  if (current) texts.push(current);
  return texts;
}

/** The characters of an embed that count toward the 6000 of a message. */
export function embedLength(embed: APIEmbed): number {
  let n = (embed.title?.length ?? 0) + (embed.description?.length ?? 0);
  n += (embed.footer?.text.length ?? 0) + (embed.author?.name.length ?? 0);
  for (const field of embed.fields ?? []) n += field.name.length + field.value.length;
  return n;
}

/** A named block of an embed; long values continue in further fields named "… (continued)". */
export interface EmbedSection {
  name: string;
  value: string;
  inline?: boolean;
}

/** What one logical embed says, before it is cut to Discord's sizes. */
export interface EmbedDraft {
  title?: string;
  url?: string;
  color?: number;
  description?: string;
  sections?: readonly EmbedSection[];
  /** Plain text (footers render no markdown), on the last embed only. */
  footer?: string;
}

/**
 * Lays a draft out as one or more embeds, each within every per-embed limit (title, description, 25 fields, field
 * name and value, footer, 6000 in all): an over-long description or section continues in the next embed.
 */
export function layoutEmbeds(draft: EmbedDraft): APIEmbed[] {
  const footer = draft.footer ? clip(draft.footer.replace(/\s+/g, " ").trim(), EMBED_FOOTER_MAX) : "";
  const title = draft.title ? clip(draft.title, EMBED_TITLE_MAX) : "";
  // The footer goes on whichever embed ends up last, so every embed keeps room for it.
  const room = EMBEDS_TOTAL_MAX - footer.length;
  const embeds: APIEmbed[] = [];
  let current: APIEmbed = {};
  if (title) current.title = title;
  if (title && draft.url) current.url = draft.url;
  if (draft.color !== undefined) current.color = draft.color;
  const next = () => {
    embeds.push(current);
    current = draft.color === undefined ? {} : { color: draft.color };
  };
  const descriptionMax = Math.min(EMBED_DESCRIPTION_MAX, room - title.length);
  for (const piece of splitText(draft.description ?? "", descriptionMax)) {
    if (current.description !== undefined) next();
    current.description = piece;
  }
  for (const field of sectionFields(draft.sections ?? [])) {
    const fields = current.fields ?? [];
    const size = field.name.length + field.value.length;
    if (fields.length >= EMBED_FIELDS_MAX || embedLength(current) + size > room) next();
    current.fields = [...(current.fields ?? []), field];
  }
  if (footer) current.footer = { text: footer };
  embeds.push(current);
  return embeds;
}

function sectionFields(sections: readonly EmbedSection[]): APIEmbedField[] {
  const fields: APIEmbedField[] = [];
  for (const section of sections) {
    const pieces = splitText(section.value, EMBED_FIELD_VALUE_MAX);
    pieces.forEach((value, i) => {
      const name = clip(i === 0 ? section.name : `${section.name} (continued)`, EMBED_FIELD_NAME_MAX);
      fields.push(section.inline ? { name, value, inline: true } : { name, value });
    });
  }
  return fields;
}

/** Groups embeds into messages of at most 10 embeds and 6000 characters, keeping their order. */
export function packEmbeds(embeds: readonly APIEmbed[]): APIEmbed[][] {
  const messages: APIEmbed[][] = [];
  let current: APIEmbed[] = [];
  let size = 0;
  for (const embed of embeds) {
    const length = embedLength(embed);
    if (current.length > 0 && (current.length >= EMBEDS_PER_MESSAGE_MAX || size + length > EMBEDS_TOTAL_MAX)) {
      messages.push(current);
      current = [];
      size = 0;
    }
    current.push(embed);
    size += length;
  }
  if (current.length > 0) messages.push(current);
  return messages;
}

/**
 * The most of `total` lines that `fits`, by bisection (more lines never take fewer messages, so `fits` is monotone);
 * `total` at once when everything fits.
 */
export function mostThatFit(total: number, fits: (shown: number) => boolean): number {
  if (fits(total)) return total;
  let low = 0;
  let high = total;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (fits(mid)) low = mid;
    else high = mid - 1;
  }
  return low;
}
