import { z } from "zod";
import type { ProposalState } from "../../generated/prisma/enums.js";
import { GOVERNOR_CHOICES } from "../governor/governorAbi.js";
import { governorSpaceId } from "../governor/governorProposal.js";
import type { ProposalRecord } from "../proposalStore.js";
import { proposalContentHash } from "../snapshot/proposalRecord.js";

// Tally's Proposal as the adapter asks for it, checked with zod, and turned into the store's record. Tally's ids are
// 64-bit integers: they travel and are stored as decimal strings, never as JS numbers.
// @see https://apidocs.tally.xyz (Proposal, ProposalsInput, BlockOrTimestamp)

/** The proposals page query: nodes are a union, only `... on Proposal` is read. */
export const PROPOSALS_QUERY = /* GraphQL */ `
  query TribuneProposals($input: ProposalsInput!) {
    proposals(input: $input) {
      nodes {
        ... on Proposal {
          id
          onchainId
          status
          createdAt
          metadata { title description discourseURL }
          start { ... on Block { number timestamp } ... on BlocklessTimestamp { timestamp } }
          end { ... on Block { number timestamp } ... on BlocklessTimestamp { timestamp } }
          proposer { address }
          creator { address }
          voteStats { type votesCount }
          executableCalls { target value calldata signature }
        }
      }
      pageInfo { firstCursor lastCursor count }
    }
  }
`;

/** A 64-bit id: digits only, as a string (a JSON number past 2^53 would already have lost digits). */
const int64 = z.string().regex(/^\d{1,20}$/, "a 64-bit id as a decimal string");
const timestamp = z.string().refine((s) => !Number.isNaN(Date.parse(s)), "an ISO timestamp");
const blockOrTimestamp = z.object({ number: z.union([z.number(), z.string()]).optional(), timestamp });

export const tallyProposalSchema = z.object({
  id: int64,
  onchainId: z.string().nullable(),
  status: z.string().min(1),
  createdAt: timestamp,
  metadata: z.object({
    title: z.string().nullable(),
    description: z.string().nullable(),
    discourseURL: z.string().nullable().optional(),
  }),
  start: blockOrTimestamp,
  end: blockOrTimestamp,
  proposer: z.object({ address: z.string() }).nullable(),
  creator: z.object({ address: z.string() }).nullable(),
  voteStats: z.array(z.object({ type: z.string(), votesCount: z.string() })).nullable(),
  executableCalls: z
    .array(z.object({ target: z.string(), value: z.string(), calldata: z.string(), signature: z.string().nullable() }))
    .nullable(),
});
export type TallyProposal = z.infer<typeof tallyProposalSchema>;

/** A page of the answer: a node that is not a Proposal (another union member) comes back as `{}`. */
export const proposalsPageSchema = z.object({
  proposals: z.object({
    nodes: z.array(z.union([tallyProposalSchema, z.object({}).strict()])),
    pageInfo: z.object({ lastCursor: z.string().nullable() }),
  }),
});

/** Tally's status → the store's state; null for statuses that are not proposals yet or any more (drafts, archived). */
export function tallyState(status: string): ProposalState | null {
  switch (status.toLowerCase()) {
    case "draft":
    case "archived":
      return null;
    case "pending":
    case "submitted":
      return "pending";
    case "active":
    case "extended":
      return "active";
    case "canceled":
      return "canceled";
    case "defeated":
    case "vetoed":
      return "defeated";
    case "succeeded":
    case "pendingexecution":
      return "succeeded";
    case "queued":
      return "queued";
    case "expired":
      return "expired";
    case "executed":
    case "callexecuted":
    case "crosschainexecuted":
      return "executed";
    default:
      // A status Tally added later: the proposal is kept, as no longer open.
      return "closed";
  }
}

/** A Tally proposal in the store: its state and what Tally said, JSON-safe. */
export interface TallyProposalRecord extends ProposalRecord {
  state: ProposalState;
}

/** The store's record of a Tally proposal of the Governor `chainId`:`governor` (Space externalId as the chain reader's). */
export function toTallyRecord(chainId: number, governor: string, p: TallyProposal, state: ProposalState) {
  const description = p.metadata.description ?? "";
  const title = (p.metadata.title?.trim() || `Proposal ${p.onchainId ?? p.id}`).slice(0, 300);
  const choices = [...GOVERNOR_CHOICES];
  const votes = Object.fromEntries((p.voteStats ?? []).map((v) => [v.type, v.votesCount]));
  const startAt = new Date(p.start.timestamp);
  const endAt = new Date(p.end.timestamp);
  return {
    externalId: p.id,
    space: governorSpaceId(chainId, governor),
    title,
    body: description,
    choices,
    votingType: "basic",
    author: (p.proposer ?? p.creator)?.address.toLowerCase() ?? null,
    startAt,
    endAt,
    snapshotTimepoint: p.start.number === undefined ? null : String(p.start.number),
    discussionUrl: p.metadata.discourseURL || null,
    privacy: null,
    contentHash: proposalContentHash({
      title,
      body: `${description}\n${JSON.stringify(p.executableCalls ?? [])}`,
      choices,
      type: "basic",
      start: Math.floor(startAt.getTime() / 1000),
      end: Math.floor(endAt.getTime() / 1000),
    }),
    state,
    raw: {
      kind: "tally",
      chainId,
      governor: governor.toLowerCase(),
      tallyId: p.id,
      onchainId: p.onchainId,
      status: p.status,
      createdAt: p.createdAt,
      votes,
      calls: p.executableCalls ?? [],
    },
  } satisfies TallyProposalRecord;
}
