import { z } from "zod";
import { enumVar } from "./envFields.js";

/** pino's levels, plus "silent". */
export const logLevels = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof logLevels)[number];

/** Logging. */
export type LogConfig = {
  /** `LOG_LEVEL`. */
  readonly level: LogLevel;
};

/** Parses logging's variables. */
export const logSchema = z
  .object({ LOG_LEVEL: enumVar(logLevels, "info") })
  .transform((env): LogConfig => ({ level: env.LOG_LEVEL }));
