import { z } from "zod";
import { defineJob } from "./jobDefinition.js";

// The contract between whoever enqueues a job and whoever handles it. Handlers live with their step
// (digest/digestJob.ts, values/decideJob.ts, …) and are registered in src/main.ts; this file only names the jobs.

/** Proves the queue end to end: a worker receives it and records an audit entry. */
export const systemPing = defineJob({
  name: "system.ping",
  payload: z.object({ note: z.string().max(200), requestedAt: z.iso.datetime() }),
  timeoutSeconds: 30,
  retry: { limit: 2, delaySeconds: 5, backoff: true },
});

/** Digest one stored proposal version (enqueued by the source watchers for every new version). */
export const digestProposal = defineJob({
  name: "digest.proposal",
  payload: z.object({ proposalId: z.string().min(1), proposalVersionId: z.string().min(1) }),
  timeoutSeconds: 300,
  retry: { limit: 3, delaySeconds: 30, backoff: true },
  // Keyed by proposal version: a watcher that sees the same version twice enqueues one digest.
  policy: "short",
});

/** Decide every confirmed member profile of the proposal's space against one digest (pure code, no LLM). */
export const decideProposal = defineJob({
  name: "values.decide",
  payload: z.object({ proposalId: z.string().min(1), digestId: z.string().min(1) }),
  timeoutSeconds: 300,
  retry: { limit: 3, delaySeconds: 10, backoff: true },
  // Keyed by digest: the same digest is decided once however often it is enqueued.
  policy: "short",
});

/** Bring a proposal's Discord thread up to date: create it, post or edit the digest, arguments and planned votes. */
export const announceProposal = defineJob({
  name: "discord.announce",
  payload: z.object({ proposalId: z.string().min(1) }),
  timeoutSeconds: 120,
  retry: { limit: 5, delaySeconds: 10, backoff: true },
  // Keyed by proposal, one running and one waiting at most: two workers never post to the same thread at once, and a
  // burst of changes while one runs collapses into one more run that sees them all.
  policy: "stately",
});

/** Remind a proposal's members who must act (an "ask me" decision, no delegation) before it ends. */
export const remindProposal = defineJob({
  name: "discord.remind",
  payload: z.object({ proposalId: z.string().min(1) }),
  timeoutSeconds: 120,
  retry: { limit: 5, delaySeconds: 30, backoff: true },
  // Keyed by proposal: the watcher's ending-soon notice is at least once, the reminder is posted once.
  policy: "short",
});

/** Claim and cast every due vote of the casting outbox (enqueued by a timer; row claims are atomic). */
export const castDueVotes = defineJob({
  name: "voting.cast",
  payload: z.object({ requestedAt: z.iso.datetime() }),
  timeoutSeconds: 300,
  retry: { limit: 2, delaySeconds: 15, backoff: true },
  // One waiting at most: a timer's ticks collapse while one runs. Any number may run at once anywhere, since each
  // row is claimed by one conditional UPDATE.
  policy: "short",
});

/** Every job Tribune knows, by name; queues are created for all of them at start-up. */
export const jobCatalog = [
  systemPing,
  digestProposal,
  decideProposal,
  announceProposal,
  remindProposal,
  castDueVotes,
] as const;
