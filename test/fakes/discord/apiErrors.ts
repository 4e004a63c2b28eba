// Discord's error answers: a status, a numeric code, a message, and for invalid bodies a tree of field errors.
// Codes come from the docs' JSON error table; messages are worded as the live API words them.
// @see https://discord.com/developers/docs/topics/opcodes-and-status-codes#json
// @see https://discord.com/developers/docs/reference#error-messages

/** One field's complaint inside a 50035 answer. */
export interface FieldError {
  code: string;
  message: string;
}

/** The `errors` tree of a 50035 answer: keys follow the body's shape; leaves hold `_errors`. */
export interface FormErrorTree {
  [key: string]: FormErrorTree | FieldError[];
}

/** The JSON body of an error answer. */
export interface DiscordErrorBody {
  message: string;
  code: number;
  errors?: FormErrorTree;
}

/** An expected failure of a fake route: the server answers `status` with `body`, as Discord would. */
export class DiscordApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly body: DiscordErrorBody,
  ) {
    super(`${status} ${body.code} ${body.message}`);
    this.name = "DiscordApiFailure";
  }
}

const failure = (status: number, code: number, message: string) => () =>
  new DiscordApiFailure(status, { message, code });

/** The failures the fake answers, by name. */
export const fail = {
  unauthorized: failure(401, 0, "401: Unauthorized"),
  notFound: failure(404, 0, "404: Not Found"),
  methodNotAllowed: failure(405, 0, "405: Method Not Allowed"),
  unknownChannel: failure(404, 10003, "Unknown Channel"),
  unknownGuild: failure(404, 10004, "Unknown Guild"),
  unknownMember: failure(404, 10007, "Unknown Member"),
  unknownMessage: failure(404, 10008, "Unknown Message"),
  unknownUser: failure(404, 10013, "Unknown User"),
  unknownWebhook: failure(404, 10015, "Unknown Webhook"),
  unknownInteraction: failure(404, 10062, "Unknown interaction"),
  unknownCommand: failure(404, 10063, "Unknown application command"),
  alreadyAcknowledged: failure(400, 40060, "Interaction has already been acknowledged."),
  missingAccess: failure(403, 50001, "Missing Access"),
  cannotEditOthersMessage: failure(403, 50005, "Cannot edit a message authored by another user"),
  emptyMessage: failure(400, 50006, "Cannot send an empty message"),
  notTextChannel: failure(400, 50008, "Cannot send messages in a non-text channel"),
  missingPermissions: failure(403, 50013, "Missing Permissions"),
  invalidWebhookToken: failure(401, 50027, "Invalid Webhook Token"),
  invalidJson: failure(400, 50109, "The request body contains invalid JSON."),
  threadArchived: failure(400, 50083, "Thread is archived"),
  threadAlreadyCreated: failure(400, 160004, "A thread has already been created for this message"),
  threadLocked: failure(400, 160005, "Thread is locked"),
  maxActiveThreads: failure(400, 160006, "Maximum number of active threads reached"),
};

/** 50035 with a field-error tree. */
export function invalidFormBody(errors: FormErrorTree): DiscordApiFailure {
  return new DiscordApiFailure(400, { code: 50035, errors, message: "Invalid Form Body" });
}

/** Collects field errors under their body paths, then answers all of them at once, as Discord does. */
export class FormErrors {
  readonly tree: FormErrorTree = {};
  private count = 0;

  add(path: readonly (string | number)[], error: FieldError): void {
    let node = this.tree;
    for (const key of path) {
      const next = node[String(key)];
      if (next === undefined || Array.isArray(next)) {
        const child: FormErrorTree = {};
        node[String(key)] = child;
        node = child;
      } else {
        node = next;
      }
    }
    const existing = node._errors;
    if (Array.isArray(existing)) existing.push(error);
    else node._errors = [error];
    this.count += 1;
  }

  get empty(): boolean {
    return this.count === 0;
  }

  /** Throws 50035 when anything was collected. */
  throwIfAny(): void {
    if (!this.empty) throw invalidFormBody(this.tree);
  }
}

/** Field-error wordings Discord uses for lengths and choices. */
export const fieldError = {
  maxLength: (max: number): FieldError => ({
    code: "BASE_TYPE_MAX_LENGTH",
    message: `Must be ${max} or fewer in length.`,
  }),
  minLength: (min: number): FieldError => ({
    code: "BASE_TYPE_MIN_LENGTH",
    message: `Must be ${min} or more in length.`,
  }),
  badLength: (min: number, max: number): FieldError => ({
    code: "BASE_TYPE_BAD_LENGTH",
    message: `Must be between ${min} and ${max} in length.`,
  }),
  choices: (values: readonly (string | number)[]): FieldError => ({
    code: "BASE_TYPE_CHOICES",
    message: `Value must be one of {${values.join(", ")}}.`,
  }),
  required: (): FieldError => ({ code: "BASE_TYPE_REQUIRED", message: "This field is required" }),
};
