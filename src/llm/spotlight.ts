import { createHash } from "node:crypto";

// Spotlighting (Hines et al., 2024, "Defending Against Indirect Prompt Injection Attacks With Spotlighting"): text
// from outside is delimited by markers it cannot forge and datamarked, every run of spaces replaced by a character
// that ordinary prose does not contain, so the model can tell at every word that it is reading data, not orders.
// @see https://arxiv.org/abs/2403.14720

/** The datamark: U+02C6 MODIFIER LETTER CIRCUMFLEX ACCENT, as in the paper. */
export const DATAMARK = "\u02c6";

/** Replaces every run of spaces and tabs with the datamark; line breaks stay, so the text keeps its shape. */
export function datamark(text: string): string {
  return text.replace(/[^\S\r\n]+/g, DATAMARK);
}

/**
 * A marker suffix derived from the data itself: a text cannot contain its own closing marker, since that would need
 * a hash of the text to appear inside the text. Deterministic, so the same data gives the same prompt.
 */
export function delimiterNonce(...data: readonly string[]): string {
  const hash = createHash("sha256");
  for (const part of data) hash.update(part).update("\u0000");
  return hash.digest("hex").slice(0, 12);
}

/** Makes a value safe inside a double-quoted attribute of a marker: no quote, angle bracket or line break. */
export function attributeValue(text: string): string {
  return datamark(text.replace(/["<>\r\n]/g, " ").trim());
}
