import { escapeMarkdown } from "discord.js";
import { clip } from "../../values/plainText.js";

// Proposal text, forum quotes, choice labels and even members' own words are written by people Tribune does not
// trust: a title of "@everyone **URGENT** [vote here](https://evil)" must reach Discord as inert characters. Payloads
// also carry allowed_mentions with nothing to parse (see presentedMessage.ts), so a mention that slipped through would
// still not ping; breaking the mentions here keeps them from even looking like one.

const ZERO_WIDTH_SPACE = "\u200b";
// Bidirectional overrides can make text read differently from what it is (an address or amount reversed).
const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069]/g;

/** Hostile text made inert: markdown escaped, mentions broken, direction overrides removed; line breaks kept. */
export function safeText(text: string): string {
  const escaped = escapeMarkdown(text.replace(BIDI_CONTROLS, ""), {
    heading: true,
    bulletedList: true,
    numberedList: true,
    maskedLink: true,
  });
  // escapeMarkdown leaves block quotes and "-#" subtext lines alone.
  return neutraliseMentions(escaped.replace(/^([^\S\n]*)(>|-#)/gm, "$1\\$2"));
}

/** The same for text shown inline (a title, a label, a name): every run of whitespace becomes one space. */
export function safeInline(text: string): string {
  return safeText(text.replace(/\s+/g, " ").trim());
}

/**
 * Inline hostile text, inert and at most `max` characters. Clipped before escaping as well: escapeMarkdown takes
 * time quadratic in the length of a word, and a hostile label can be one long word.
 */
export function safeClip(text: string, max: number): string {
  return clip(safeInline(text.length > max ? clip(text, max) : text), max);
}

/** Breaks @everyone, @here, and user, role, channel and command mentions with a zero-width space. */
export function neutraliseMentions(text: string): string {
  return text.replace(/@(everyone|here)/gi, `@${ZERO_WIDTH_SPACE}$1`).replace(/<(?=[@#/])/g, `<${ZERO_WIDTH_SPACE}`);
}

/** Hostile text as a block quote, every line quoted. */
export function quoteBlock(text: string): string {
  return safeText(text)
    .split("\n")
    .map((line) => `> ${line}`)
    .join("\n");
}

/** An http(s) URL fit for an embed or a link, or null for anything else (javascript:, garbage, over-long). */
export function safeUrl(url: string | null | undefined): string | null {
  if (!url || !URL.canParse(url)) return null;
  const parsed = new URL(url);
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") return null;
  // Parentheses would end a markdown link early; the encoded forms mean the same to every server.
  const href = parsed.href.replace(/\(/g, "%28").replace(/\)/g, "%29");
  return href.length <= 2000 ? href : null;
}

/**
 * `[label](url)` with the label made inert, or the label alone when the URL is not safe to link. In message content,
 * `quiet` wraps the URL in <…> so Discord does not unfurl it into a preview.
 */
export function maskedLink(label: string, url: string | null | undefined, quiet = false): string {
  // Brackets would end the label early; those escapeMarkdown already escaped are left as they are.
  const text = safeInline(label).replace(/(?<!\\)[[\]]/g, "\\$&");
  const href = safeUrl(url);
  if (!href) return text;
  return quiet ? `[${text}](<${href}>)` : `[${text}](${href})`;
}

/** A Discord user mention, or null when the id is not a snowflake (nothing else may go between `<@` and `>`). */
export function userMention(discordUserId: string): string | null {
  return /^\d{15,21}$/.test(discordUserId) ? `<@${discordUserId}>` : null;
}
