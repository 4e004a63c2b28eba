// How a bad value is echoed back in a configuration problem. Echoing helps ("got "abc""), but a value may be long or
// carry a credential, so these show only what is safe to see. Secret variables are never echoed at all.

const MAX_ECHO = 40;

const SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;

/** The value in quotes, cut at a readable length, with control characters escaped. */
export function quoteValue(raw: string): string {
  const cut = raw.length > MAX_ECHO ? `${raw.slice(0, MAX_ECHO)}…` : raw;
  return JSON.stringify(cut);
}

/**
 * A URL-ish value without the parts that carry credentials: scheme and host only, with "…" when a path, query or
 * user info was dropped (RPC and database URLs often hold an API key or password there).
 */
export function quoteUrl(raw: string): string {
  const scheme = SCHEME.exec(raw);
  if (!scheme) return raw.includes("@") ? "a value that is not a URL" : quoteValue(raw);
  let host: string;
  try {
    host = new URL(raw).host;
  } catch {
    // Unparseable after the scheme: the rest may be a mangled credential, so show none of it.
    return JSON.stringify(`${scheme[0]}…`);
  }
  const shown = `${scheme[0]}${host}`;
  return JSON.stringify(shown.length < raw.replace(/\/+$/, "").length ? `${shown}…` : shown);
}

/** Only the scheme of a URL-ish value, for values that are secret as a whole (a database URL with its password). */
export function quoteScheme(raw: string): string {
  const scheme = SCHEME.exec(raw);
  return scheme ? JSON.stringify(`${scheme[0]}…`) : "a value that is not a URL";
}
