// Progress on the terminal for steps that take long enough to look stuck (the first migration, seeding, digesting a
// batch). On a TTY it is one line rewritten in place; elsewhere (CI, a log file) a plain line per change, so a
// captured output reads as a short history. It writes to the terminal directly, never through the JSON logger.

/** Where progress goes: the process's stdout by default. */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface Progress {
  /** Shows the step's current state ("digesting 6 proposals: 2/6"); an unchanged text is not written again. */
  update(text: string): void;
  /** Ends the step: the final text stays on its own line. */
  done(text?: string): void;
}

/** A progress line on `stream`; `tty` overrides the stream's own `isTTY` (tests). */
export function createProgress(stream: ProgressStream = process.stdout, tty = stream.isTTY === true): Progress {
  let shown: string | null = null;
  let open = false;
  return {
    update(text) {
      if (text === shown) return;
      shown = text;
      if (tty) {
        // Carriage return and erase-line: the new text replaces the old one in place.
        stream.write(`\r\u001b[2K${text}`);
        open = true;
      } else {
        stream.write(`${text}\n`);
      }
    },
    done(text) {
      if (text !== undefined && text !== shown) {
        if (tty) stream.write(`\r\u001b[2K${text}`);
        else stream.write(`${text}\n`);
        open = tty;
      }
      if (open) stream.write("\n");
      open = false;
      shown = null;
    },
  };
}

/** "label: k/N", the form every counted step uses. */
export function countLine(label: string, done: number, total: number): string {
  return `${label}: ${done}/${total}`;
}
