// Every page is built with the `html` tag below, which escapes whatever it interpolates unless it is already
// SafeHtml. Proposal text, forum quotes and audit data are hostile until proven otherwise (see DESIGN.md), so
// escaping is the default and raw markup has to be asked for by name.

/** Markup that is already safe to send: built by `html` or `rawHtml`, never from unescaped input. */
export class SafeHtml {
  constructor(readonly value: string) {}

  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Escapes text for an HTML element or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** Escaped interpolation: SafeHtml goes in as is, arrays are joined, null/undefined/false render nothing. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0] ?? "";
  for (let i = 0; i < values.length; i++) {
    out += render(values[i]) + (strings[i + 1] ?? "");
  }
  return new SafeHtml(out);
}

/** Marks a string as markup. Only for strings this program wrote itself (an SVG chart, a constant). */
export function rawHtml(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

function render(value: unknown): string {
  if (value === null || value === undefined || value === false) return "";
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join("");
  return escapeHtml(String(value));
}

/** An address safe to put in href: http(s) only, so a `javascript:` URL from a hostile source never becomes a link. */
export function safeHref(url: string): string {
  return /^https?:\/\//i.test(url) ? url : "#";
}
