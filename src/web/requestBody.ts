import type { IncomingMessage } from "node:http";
import { TribuneError } from "../errors/tribuneError.js";

/** A request body that is too large or not a form: answered with 413/415, never read further. */
export class RequestBodyError extends TribuneError {
  constructor(
    readonly status: 413 | 415,
    message: string,
  ) {
    super("web.bad_body", message, "Submit the form from the page itself");
  }
}

// The view's forms carry a token or two; anything bigger is not one of them.
const MAX_FORM_BYTES = 8 * 1_024;

/** Reads an `application/x-www-form-urlencoded` body of at most 8 KiB. */
export async function readForm(request: IncomingMessage): Promise<URLSearchParams> {
  const type = (request.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase();
  if (type !== "application/x-www-form-urlencoded") {
    throw new RequestBodyError(415, "Only form submissions are accepted here");
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_FORM_BYTES) {
      request.destroy();
      throw new RequestBodyError(413, "The form is larger than any form of this view");
    }
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}
