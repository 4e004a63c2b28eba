import { TribuneError } from "../../errors/tribuneError.js";

/** What a ForumTopic row records about a topic: read, or why not. */
export type ForumStatus = "ok" | "not_discourse" | "unreachable" | "too_large" | "not_allowed";

// One class per way reading a forum topic fails; `status` is what the topic's row records, `transient` whether a
// retry could help. None of them is fatal to anything: the proposal is digested without that debate.

export abstract class ForumError extends TribuneError {
  abstract readonly status: Exclude<ForumStatus, "ok">;
  abstract readonly transient: boolean;
  readonly url: string;

  constructor(code: string, url: string, message: string, hint: string, options?: { cause?: unknown }) {
    super(code, message, hint, options);
    this.url = url;
  }
}

/** The link's host is not in FORUM_HOSTS (or a redirect left it): Tribune reads only forums it was told to. */
export class ForumNotAllowedError extends ForumError {
  readonly status = "not_allowed";
  readonly transient = false;
  constructor(
    url: string,
    readonly host: string,
  ) {
    super(
      "forum.not_allowed",
      url,
      `Forum host ${host} is not in FORUM_HOSTS`,
      "Add the host to FORUM_HOSTS to read its debates",
    );
  }
}

/** The server answered, but not with a Discourse topic (an HTML page, other JSON, not a /t/ link). */
export class ForumNotDiscourseError extends ForumError {
  readonly status = "not_discourse";
  readonly transient = false;
  constructor(url: string, detail: string) {
    super(
      "forum.not_discourse",
      url,
      `${url} is not a readable Discourse topic: ${detail}`,
      "Only Discourse topic links are read",
    );
  }
}

/** An answer bigger than the size limit; it was not read to its end. */
export class ForumTooLargeError extends ForumError {
  readonly status = "too_large";
  readonly transient = false;
  constructor(
    url: string,
    readonly limitBytes: number,
  ) {
    super(
      "forum.too_large",
      url,
      `${url} answered more than ${limitBytes} bytes`,
      "The debate is skipped; raise the forum size limit to read it",
    );
  }
}

/** No usable answer: connection refused, 5xx, or the topic is gone (404/403/410). `httpStatus` null: no answer. */
export class ForumUnreachableError extends ForumError {
  readonly status = "unreachable";
  readonly transient: boolean;
  constructor(
    url: string,
    readonly httpStatus: number | null,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(
      "forum.unreachable",
      url,
      `${url} could not be read${httpStatus ? ` (HTTP ${httpStatus})` : ""}: ${detail}`,
      "Tribune tries again on the next refresh",
      options,
    );
    this.transient = httpStatus === null || httpStatus >= 500;
  }
}

/** The forum did not answer within the timeout. */
export class ForumTimeoutError extends ForumError {
  readonly status = "unreachable";
  readonly transient = true;
  constructor(
    url: string,
    readonly timeoutMs: number,
  ) {
    super(
      "forum.timeout",
      url,
      `${url} did not answer within ${timeoutMs} ms`,
      "Tribune tries again on the next refresh",
    );
  }
}

/** HTTP 429 from the forum; `retryAfterMs` from its Retry-After when given. */
export class ForumRateLimitedError extends ForumError {
  readonly status = "unreachable";
  readonly transient = true;
  constructor(
    url: string,
    readonly retryAfterMs: number,
  ) {
    super("forum.rate_limited", url, `${url} refused: too many requests`, "Tribune backs off and tries again later");
  }
}
