// The last line of defence: whatever reached the serialized log line (a secret inside an error message, a stack, a
// URL in a driver's complaint) is replaced before the line is written.

const REDACTED = "[redacted]";

// Shorter strings are too common to replace without mangling every line, and no real credential is that short.
const MIN_SECRET_LENGTH = 4;

// The password in any scheme://user:password@host, allowing JSON escapes (\" or \\) inside it.
const URL_PASSWORD = /([a-z][a-z0-9+.-]*:\/\/[^\s:/@"]*:)(?:\\.|[^\s/@"\\])*@/gi;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * A function that replaces each of `secrets`, and every URL's password, with "[redacted]" in a serialized line. A
 * secret is matched both as written and as JSON escapes it, since the line is JSON.
 */
export function createScrubber(secrets: readonly string[]): (line: string) => string {
  const needles = new Set<string>();
  for (const secret of secrets) {
    if (secret.length < MIN_SECRET_LENGTH) continue;
    needles.add(secret);
    needles.add(JSON.stringify(secret).slice(1, -1));
  }
  // Longest first, so a secret that contains another is replaced whole.
  const sorted = [...needles].sort((a, b) => b.length - a.length);
  const pattern = sorted.length > 0 ? new RegExp(sorted.map(escapeRegExp).join("|"), "g") : undefined;
  return (line) => {
    const withoutSecrets = pattern ? line.replace(pattern, REDACTED) : line;
    return withoutSecrets.replace(URL_PASSWORD, `$1${REDACTED}@`);
  };
}
