const REDACTED = "[redacted]";

// Shorter strings are too common to replace without mangling the message, and no real credential is that short.
const MIN_SECRET_LENGTH = 4;

const SCHEME_ONLY = /^[a-z][a-z0-9+.-]*:\/\/$/i;

/**
 * Removes secret values from problem messages. Messages never quote a secret variable, but a secret pasted into the
 * wrong variable would be quoted as that variable's bad value, possibly cut short ("abc…"), so a cut-off start of a
 * secret is removed too.
 */
export function redactProblems(problems: readonly string[], secrets: readonly string[]): string[] {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (secret.length < MIN_SECRET_LENGTH) continue;
    forms.add(secret);
    forms.add(JSON.stringify(secret).slice(1, -1)); // as quoteValue escapes it
  }
  return problems.map((problem) => {
    let text = problem;
    for (const form of forms) {
      text = text.split(form).join(REDACTED);
      for (let length = form.length - 1; length >= MIN_SECRET_LENGTH; length--) {
        const start = form.slice(0, length);
        // A bad secret URL is deliberately echoed by its scheme alone ("mysql://…"), which gives nothing away.
        if (SCHEME_ONLY.test(start)) continue;
        text = text.split(`${start}…`).join(`${REDACTED}…`);
      }
    }
    return text;
  });
}
