import { inspect } from "node:util";

const REDACTED = "[redacted]";

/**
 * A secret value that cannot be printed by accident: string conversion, JSON and `util.inspect` (so `console.log`
 * and pino) all yield "[redacted]". The value lives in a private field and comes out only through `reveal()`, so
 * every place that uses a secret is visible in a search for `.reveal(`.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** The secret itself; call it only where the value is handed to the thing that needs it. */
  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [Symbol.toPrimitive](): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}
