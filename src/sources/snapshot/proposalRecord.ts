import { createHash } from "node:crypto";
import { canonicalJson } from "../../audit/canonicalJson.js";
import type { ProposalState, VotingType } from "../../generated/prisma/enums.js";
import type { ProposalRecord as StoredRecord } from "../proposalStore.js";
import type { HubProposal } from "./hubProposal.js";

/** A hub proposal checked and shaped for storage. */
export interface ProposalRecord extends StoredRecord {
  /** The hub's record as read, for display and re-digesting. */
  raw: HubProposal;
}

export type RecordVerdict = { ok: true; record: ProposalRecord } | { ok: false; externalId: string; reason: string };

/** Snapshot's wire names → the stored enum (Prisma names use underscores; the database keeps the wire names). */
const VOTING_TYPES: Record<string, VotingType> = {
  "single-choice": "single_choice",
  approval: "approval",
  quadratic: "quadratic",
  "ranked-choice": "ranked_choice",
  weighted: "weighted",
  basic: "basic",
  copeland: "copeland",
};

/**
 * Turns a hub proposal into a record Tribune can store, or says why it cannot (a voting type Tribune does not know,
 * a missing choice). Such a proposal is reported, not guessed at: casting on a misread ballot would be worse.
 */
export function toProposalRecord(hub: HubProposal): RecordVerdict {
  const reject = (reason: string): RecordVerdict => ({ ok: false, externalId: hub.id, reason });
  if (!hub.space) return reject("the hub gave no space");
  const votingType = hub.type ? VOTING_TYPES[hub.type] : undefined;
  if (!votingType) return reject(`unknown voting type ${JSON.stringify(hub.type)}`);
  if (hub.choices.length === 0 || hub.choices.some((c) => c === null)) return reject("a choice is missing");
  if (hub.end < hub.start) return reject("the voting window ends before it starts");
  const choices = hub.choices as string[];
  const body = hub.body ?? "";
  return {
    ok: true,
    record: {
      externalId: hub.id,
      space: hub.space.id,
      title: hub.title,
      body,
      choices,
      votingType,
      author: hub.author || null,
      startAt: new Date(hub.start * 1000),
      endAt: new Date(hub.end * 1000),
      snapshotTimepoint: hub.snapshot === null ? null : String(hub.snapshot),
      discussionUrl: hub.discussion.trim() || null,
      privacy: hub.privacy || null,
      contentHash: proposalContentHash({
        title: hub.title,
        body,
        choices,
        type: hub.type ?? "",
        start: hub.start,
        end: hub.end,
      }),
      raw: hub,
    },
  };
}

/**
 * sha256 of what a member reads and votes on: title, body, choices, voting type and window. A change to any of them
 * is a new version (digested again); counters and labels are not content.
 */
export function proposalContentHash(content: {
  title: string;
  body: string;
  choices: readonly string[];
  type: string;
  start: number;
  end: number;
}): string {
  return createHash("sha256").update(canonicalJson(content)).digest("hex");
}

/**
 * Snapshot's state is a function of the clock: pending until `start`, active until `end`, closed after. The hub
 * computes it the same way on every read, so Tribune can follow it without asking.
 * @see https://github.com/snapshot-labs/snapshot-hub/blob/master/src/graphql/helpers.ts (formatProposal)
 */
export function snapshotState(startAt: Date, endAt: Date, now: Date): ProposalState {
  const t = now.getTime();
  if (t > endAt.getTime()) return "closed";
  if (t > startAt.getTime()) return "active";
  return "pending";
}
