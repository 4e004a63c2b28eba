import type { z } from "zod";

/** How a job is retried after it throws or times out: only a bounded number of times, with backoff. */
export interface RetryPolicy {
  limit: number;
  delaySeconds: number;
  backoff: boolean;
}

/** One entry of the job catalog: a namespaced name, its payload's schema, a timeout and a retry policy. */
export interface JobDefinition<Schema extends z.ZodType = z.ZodType> {
  /** "<step>.<action>", e.g. "digest.proposal". */
  name: string;
  payload: Schema;
  timeoutSeconds: number;
  retry: RetryPolicy;
  /**
   * "standard": every enqueue is a job. "short": at most one waiting job per `singletonKey` (pg-boss's queue policy),
   * so enqueuing the same work twice is harmless; every enqueue must then give a key. "stately": at most one waiting
   * and one running job per key, so work on one thing (a proposal's thread) never runs twice at once anywhere.
   */
  policy?: "standard" | "short" | "stately";
}

export type JobPayload<Def extends JobDefinition> = z.infer<Def["payload"]>;

/** Declares a catalog entry, keeping the payload's type for `enqueue` and `work`. */
export function defineJob<Schema extends z.ZodType>(definition: JobDefinition<Schema>): JobDefinition<Schema> {
  if (!/^[a-z][a-zA-Z]*(\.[a-z][a-zA-Z]*)+$/.test(definition.name)) {
    throw new TypeError(`Job name "${definition.name}" must be namespaced like "digest.proposal"`);
  }
  return definition;
}
