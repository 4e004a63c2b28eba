import { randomUUID } from "node:crypto";
import { TribuneError } from "../errors/tribuneError.js";
import type { Reply } from "./command.js";

// The one way a failure reaches a member: what went wrong and what to do, in plain words. Expected failures
// (TribuneError) are shown as they are; anything else is shown only as an error id the operator can find in the log.

export type FailureKind = "expected" | "unexpected";

export interface Failure {
  kind: FailureKind;
  message: string;
  hint: string;
  errorId?: string;
}

/** The message a member sees for a failure. */
export function errorReply(message: string, hint: string, errorId?: string): Reply {
  const lines = [`⚠️ ${message}.`, hint.endsWith(".") ? hint : `${hint}.`];
  if (errorId) lines.push(`Error id: \`${errorId}\``);
  return { content: lines.join("\n"), allowedMentions: { parse: [] } };
}

/** Sorts an error into what the member may read; unexpected ones get a fresh error id to log with the stack. */
errorReply.classify = (error: unknown): Failure => {
  if (error instanceof TribuneError) return { kind: "expected", message: error.message, hint: error.hint };
  return {
    kind: "unexpected",
    message: "Something went wrong on Tribune's side",
    hint: "Nothing was changed. Try again in a minute; if it keeps happening, give a steward the error id",
    errorId: randomUUID().slice(0, 8),
  };
};
