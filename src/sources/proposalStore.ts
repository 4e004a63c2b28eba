import { randomUUID } from "node:crypto";
import type { AuditLog } from "../audit/auditLog.js";
import { canonicalJson } from "../audit/canonicalJson.js";
import type { AuditEvent } from "../audit/hashChain.js";
import type { Prisma, PrismaClient } from "../generated/prisma/client.js";
import type { ProposalSource, ProposalState, VotingType } from "../generated/prisma/enums.js";
import { chunk } from "./snapshot/hubLimits.js";

// One store for every source (Snapshot, Governor): proposals, their content versions and audit entries, each change
// in one commit. A source hands it records already checked and shaped; the store decides created/edited/unchanged.

/** A proposal as a source read it, checked and shaped for storage. */
export interface ProposalRecord {
  externalId: string;
  /** The space's own id at its source: a Snapshot space ("aave.eth"), a Governor ("<chainId>:<address>"). */
  space: string;
  title: string;
  body: string;
  choices: string[];
  votingType: VotingType;
  author: string | null;
  startAt: Date;
  endAt: Date;
  snapshotTimepoint: string | null;
  discussionUrl: string | null;
  privacy: string | null;
  contentHash: string;
  /** The source's record as read, for display and re-digesting. */
  raw: unknown;
}

/** A source's space id → Tribune's Space row id. */
export type SpaceIds = ReadonlyMap<string, string>;

/** What saving one proposal did; `versionId` is the proposal's current version after the save. */
export interface SavedProposal {
  proposalId: string;
  externalId: string;
  spaceId: string;
  versionId: string;
  change: "created" | "edited" | "unchanged";
}

export interface ProposalStoreOptions<R extends ProposalRecord = ProposalRecord> {
  prisma: PrismaClient;
  audit: AuditLog;
  /** Which source's rows this store writes; audit actions are named `<source>.proposal.<what>`. */
  source: Extract<ProposalSource, "snapshot" | "governor" | "tally">;
  /** Who the audit entries name as actor. */
  actor: string;
  /** A record's state at `now`: Snapshot's follows the clock, a Governor's is read from the chain. */
  stateOf: (record: R, now: Date) => ProposalState;
  now?: () => Date;
  /** Proposals per transaction: each chunk commits whole or not at all. */
  chunkSize?: number;
}

/** Where a source's watcher writes: proposals, their versions and the audit entries, each change in one commit. */
export interface ProposalStore<R extends ProposalRecord = ProposalRecord> {
  /** Creates or updates each proposal; an edit (new content hash) adds a version and keeps the old ones. */
  save(records: readonly R[], spaceIds: SpaceIds): Promise<SavedProposal[]>;
  /** Marks proposals deleted (never drops them) with one audit entry each; returns how many were newly marked. */
  markDeleted(proposalIds: readonly string[], reason: string): Promise<number>;
  /** The stored, not deleted proposals of these spaces. */
  live(spaceIds: readonly string[]): Promise<{ id: string; externalId: string; spaceId: string }[]>;
  /** Records proposals the hub returned but Tribune cannot read, so a missing proposal is explained, not silent. */
  reportUnreadable(
    items: readonly { externalId: string; space: string; reason: string }[],
    spaceIds: SpaceIds,
  ): Promise<void>;
}

const TX_OPTIONS = { maxWait: 30_000, timeout: 60_000 };
const SAVE_ATTEMPTS = 3;

/** Another writer changed the row between our read and our write; the chunk is read again and re-applied. */
class ConcurrentWriteError extends Error {}

/** Builds the store of one source. */
export function createProposalStore<R extends ProposalRecord = ProposalRecord>({
  prisma,
  audit,
  source,
  actor,
  stateOf,
  now = () => new Date(),
  chunkSize = 100,
}: ProposalStoreOptions<R>): ProposalStore<R> {
  const event = (action: string, spaceId: string | null, proposalId: string | null, data: unknown): AuditEvent => ({
    action: `${source}.proposal.${action}`,
    actor,
    spaceId,
    proposalId,
    data,
  });

  async function saveChunk(records: readonly R[], spaceIds: SpaceIds): Promise<SavedProposal[]> {
    return prisma.$transaction(async (tx) => {
      const at = now();
      const existing = await tx.proposal.findMany({
        where: { source, externalId: { in: records.map((r) => r.externalId) } },
      });
      const byKey = new Map(existing.map((row) => [`${row.spaceId}\n${row.externalId}`, row]));
      const versions = await tx.proposalVersion.findMany({
        where: { proposalId: { in: existing.map((row) => row.id) } },
        select: { id: true, proposalId: true, version: true, contentHash: true },
      });
      const events: AuditEvent[] = [];
      const saved: SavedProposal[] = [];
      const newProposals: Prisma.ProposalCreateManyInput[] = [];
      const newVersions: Prisma.ProposalVersionCreateManyInput[] = [];

      for (const record of records) {
        const spaceId = spaceIds.get(record.space);
        if (!spaceId) continue;
        const state = stateOf(record, at);
        const row = byKey.get(`${spaceId}\n${record.externalId}`);
        const base = { spaceId, externalId: record.externalId };
        if (!row) {
          const proposalId = randomUUID();
          const versionId = randomUUID();
          newProposals.push({ id: proposalId, source, spaceId, ...columns(record), state, version: 1 });
          newVersions.push({ id: versionId, proposalId, version: 1, ...versionColumns(record) });
          events.push(event("ingested", spaceId, proposalId, { ...summary(record), version: 1 }));
          saved.push({ ...base, proposalId, versionId, change: "created" });
          continue;
        }
        const own = versions.filter((v) => v.proposalId === row.id);
        let versionId = own.find((v) => v.contentHash === row.contentHash)?.id;
        let version = row.version;
        let change: SavedProposal["change"] = "unchanged";
        if (row.contentHash !== record.contentHash) {
          // Back to content it had before: point at that version again (the pair is unique) instead of a copy.
          const earlier = own.find((v) => v.contentHash === record.contentHash);
          version = earlier?.version ?? Math.max(0, ...own.map((v) => v.version)) + 1;
          versionId = earlier?.id ?? randomUUID();
          if (!earlier) newVersions.push({ id: versionId, proposalId: row.id, version, ...versionColumns(record) });
          change = "edited";
          events.push(
            event("edited", spaceId, row.id, {
              ...summary(record),
              fromVersion: row.version,
              version,
              reverted: Boolean(earlier),
            }),
          );
        }
        if (!versionId) throw new Error(`Proposal ${row.id} has no version for its own content hash`);
        const update = { ...columns(record), state, version, deletedAt: null };
        if (change === "edited" || differs(row, update)) {
          // Compare-and-set on the version read above: a concurrent writer makes this chunk start over.
          const { count } = await tx.proposal.updateMany({
            where: { id: row.id, version: row.version, contentHash: row.contentHash },
            data: update,
          });
          if (count !== 1) throw new ConcurrentWriteError(`proposal ${row.id} changed underneath`);
          if (row.state !== state) {
            events.push(event("state_changed", spaceId, row.id, stateChange(record, row.state, state)));
          }
          if (row.deletedAt) events.push(event("restored", spaceId, row.id, summary(record)));
        }
        saved.push({ ...base, proposalId: row.id, versionId, change });
      }
      if (newProposals.length > 0) await tx.proposal.createMany({ data: newProposals });
      if (newVersions.length > 0) await tx.proposalVersion.createMany({ data: newVersions });
      // Last: the audit append holds the chain's lock until this transaction ends.
      await audit.appendMany(events, tx);
      return saved;
    }, TX_OPTIONS);
  }

  return {
    async save(records, spaceIds) {
      const saved: SavedProposal[] = [];
      for (const part of chunk(dedupeLatest(records), chunkSize)) {
        for (let attempt = 1; ; attempt += 1) {
          try {
            saved.push(...(await saveChunk(part, spaceIds)));
            break;
          } catch (error) {
            // Two writers creating the same proposal meet on the unique key; reading again turns it into an update.
            const raced = error instanceof ConcurrentWriteError || (error as { code?: string }).code === "P2002";
            if (!raced || attempt >= SAVE_ATTEMPTS) throw error;
          }
        }
      }
      return saved;
    },

    async markDeleted(proposalIds, reason) {
      if (proposalIds.length === 0) return 0;
      return prisma.$transaction(async (tx) => {
        const at = now();
        const events: AuditEvent[] = [];
        for (const id of proposalIds) {
          const { count } = await tx.proposal.updateMany({ where: { id, deletedAt: null }, data: { deletedAt: at } });
          if (count !== 1) continue;
          const row = await tx.proposal.findUniqueOrThrow({
            where: { id },
            select: { spaceId: true, externalId: true },
          });
          events.push(event("deleted", row.spaceId, id, { externalId: row.externalId, reason }));
        }
        await audit.appendMany(events, tx);
        return events.length;
      }, TX_OPTIONS);
    },

    live(spaceIds) {
      return prisma.proposal.findMany({
        where: { source, spaceId: { in: [...spaceIds] }, deletedAt: null },
        select: { id: true, externalId: true, spaceId: true },
      });
    },

    async reportUnreadable(items, spaceIds) {
      await audit.appendMany(
        items.map((item) =>
          event("unreadable", spaceIds.get(item.space) ?? null, null, {
            externalId: item.externalId,
            space: item.space,
            reason: item.reason,
          }),
        ),
      );
    },
  };
}

function columns(record: ProposalRecord) {
  return {
    externalId: record.externalId,
    title: record.title,
    body: record.body,
    choices: record.choices,
    votingType: record.votingType,
    author: record.author,
    startAt: record.startAt,
    endAt: record.endAt,
    snapshotTimepoint: record.snapshotTimepoint,
    discussionUrl: record.discussionUrl,
    privacy: record.privacy,
    contentHash: record.contentHash,
    raw: record.raw as unknown as Prisma.InputJsonValue,
  };
}

function versionColumns(record: ProposalRecord) {
  return {
    contentHash: record.contentHash,
    title: record.title,
    body: record.body,
    choices: record.choices,
    raw: record.raw as unknown as Prisma.InputJsonValue,
  };
}

/** Whether a same-content save would change anything stored (state, links, the raw record, a deletion mark). */
function differs(
  row: {
    state: ProposalState;
    discussionUrl: string | null;
    privacy: string | null;
    author: string | null;
    snapshotTimepoint: string | null;
    startAt: Date;
    endAt: Date;
    raw: unknown;
    deletedAt: Date | null;
  },
  next: ReturnType<typeof columns> & { state: ProposalState },
): boolean {
  return (
    row.state !== next.state ||
    row.discussionUrl !== next.discussionUrl ||
    row.privacy !== next.privacy ||
    row.author !== next.author ||
    row.snapshotTimepoint !== next.snapshotTimepoint ||
    // A Governor's window is an estimate from its timepoints, which can move without the content changing.
    row.startAt.getTime() !== next.startAt.getTime() ||
    row.endAt.getTime() !== next.endAt.getTime() ||
    row.deletedAt !== null ||
    // jsonb does not keep key order, so the raw records are compared in canonical form.
    canonicalJson(row.raw) !== canonicalJson(next.raw)
  );
}

/** The same proposal twice in one batch (two messages about it): the later record wins. */
function dedupeLatest<R extends ProposalRecord>(records: readonly R[]): R[] {
  return [...new Map(records.map((r) => [`${r.space}\n${r.externalId}`, r])).values()];
}

function summary(record: ProposalRecord) {
  return {
    externalId: record.externalId,
    space: record.space,
    contentHash: record.contentHash,
    title: record.title.slice(0, 200),
  };
}

function stateChange(record: ProposalRecord, from: ProposalState, to: ProposalState) {
  return { externalId: record.externalId, from, to };
}
