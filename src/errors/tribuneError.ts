/**
 * An expected failure that a person can act on: `message` says what went wrong, `hint` what to do about it.
 * Faces (start-up, CLI, Discord, web) show `message` and `hint`, never a stack; unexpected errors are everything else.
 */
export class TribuneError extends Error {
  readonly code: string;
  readonly hint: string;

  constructor(code: string, message: string, hint: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.hint = hint;
  }

  /** One line for a terminal or a log: what happened, then what to do. */
  oneLine(): string {
    return `${this.message}. ${this.hint}`;
  }
}
