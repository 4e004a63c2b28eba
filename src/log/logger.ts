import { type DestinationStream, type Logger, pino } from "pino";
import type { LogLevel } from "../config/log.js";
import { redactPaths } from "./redactPaths.js";
import { createScrubber } from "./scrubSecrets.js";

export type { Logger };

/** What `createLogger` needs. */
export type LoggerOptions = {
  readonly level: LogLevel;
  /** Secret values to scrub from every line; pass `secretValues(config)`. */
  readonly secrets: readonly string[];
  /** Where lines go; stdout when omitted. Tests pass a stream to read the output. */
  readonly destination?: DestinationStream;
};

/**
 * A pino logger that cannot leak secrets: known secret-bearing keys are redacted by path, then every serialized line
 * is scrubbed of the given secret values and of URL passwords, which covers secrets inside messages and stacks.
 */
export function createLogger(options: LoggerOptions): Logger {
  const scrub = createScrubber(options.secrets);
  const settings = {
    level: options.level,
    redact: { paths: [...redactPaths], censor: "[redacted]" },
    // Errors logged under `error` are serialized like pino's `err`, instead of as `{}` (their fields don't enumerate).
    serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
    hooks: { streamWrite: scrub },
  };
  return options.destination ? pino(settings, options.destination) : pino(settings);
}
