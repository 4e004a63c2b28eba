import type { Cast, PrismaClient } from "../../generated/prisma/client.js";
import type { Logger } from "../../log/logger.js";
import type { RecordedVote, SnapshotVoteReader } from "../../sources/snapshot/voteReader.js";
import type { VotingPowers } from "./votingPowers.js";

// What the hub has on record for a claimed row before it is signed: the agent's vote (ours, landed or not) and the
// member's own. Asking per row costs one hub request per vote (the keyless hub allows about 60 a minute), so a worker
// reads the hub once for a whole claimed batch (`prepare`) and each row then takes its share of that read. A share is
// used only by the claim it was read for (same row, same fencing token), at most once, and while it is young: a
// retry, a reclaim or a late row asks the hub for itself, as does a row whose last attempt may have landed.

/** The agent's and the member's votes on the row's proposal, as the hub showed them. */
export interface OnRecord {
  mine: RecordedVote | null;
  theirs: RecordedVote | null;
}

/**
 * One row's share of a batch read: what was on record and, when the row had none recorded and powers are read in
 * batches, the agent's voting power (null: not read, the row asks for it); or why the read failed.
 */
export type PreparedRecord = { ok: true; record: OnRecord; power: number | null } | { ok: false; error: unknown };

export interface HubRecords {
  /** Reads the hub once for every first attempt in `batch`; never throws (a row without a share asks for itself). */
  prepare(batch: readonly Cast[]): Promise<void>;
  /** The row's share of a fresh batch read, taken (a second call returns null); null when there is none. */
  take(row: Cast): PreparedRecord | null;
  /** Asks the hub for this row alone. Throws what the hub client throws. */
  read(row: Cast, wallet: string | null, proposal: string): Promise<OnRecord>;
}

interface Share {
  attempts: number;
  takenAt: number;
  result: PreparedRecord;
}

/**
 * Builds the per-worker store of batch reads. `maxAgeMs`: how long a read stays usable (30 s by default). With
 * `powers`, the agents' voting power is read for the batch too.
 */
export function createHubRecords(options: {
  prisma: PrismaClient;
  votes: SnapshotVoteReader;
  powers?: VotingPowers;
  clock: () => Date;
  maxAgeMs?: number;
  logger?: Logger;
}): HubRecords {
  const { prisma, votes, clock } = options;
  const maxAgeMs = options.maxAgeMs ?? 30_000;
  const shares = new Map<string, Share>();

  /** Powers by row id; empty when not batched or when the read failed (each row then asks for its own). */
  async function readPowers(targets: readonly { id: string; agent: string; space: string; proposal: string }[]) {
    const byRow = new Map<string, number>();
    if (!options.powers || targets.length === 0) return byRow;
    try {
      const read = await options.powers.read(
        targets.map((t) => ({ voter: t.agent, space: t.space, proposal: t.proposal })),
      );
      for (const [i, t] of targets.entries()) {
        const power = read[i];
        if (power !== undefined) byRow.set(t.id, power);
      }
    } catch (error) {
      options.logger?.warn({ err: error }, "could not read the batch's voting power; each row asks the hub itself");
    }
    return byRow;
  }

  return {
    async prepare(batch) {
      const now = clock().getTime();
      for (const [id, share] of shares) if (now - share.takenAt > maxAgeMs) shares.delete(id);
      // A retry asks for itself (an earlier attempt may have landed since); so does a row already prepared.
      const first = batch.filter((row) => isFirstAttempt(row) && shares.get(row.id)?.attempts !== row.attempts);
      if (first.length === 0) return;
      let targets: {
        id: string;
        attempts: number;
        agent: string;
        wallet: string | null;
        proposal: string;
        space: string;
        needsPower: boolean;
      }[];
      try {
        const found = await prisma.cast.findMany({
          where: { id: { in: first.map((row) => row.id) } },
          select: {
            id: true,
            proposal: { select: { externalId: true, space: { select: { externalId: true } } } },
            member: { select: { walletAddress: true } },
          },
        });
        const byId = new Map(found.map((f) => [f.id, f]));
        targets = first.flatMap((row) => {
          const f = byId.get(row.id);
          if (!f) return [];
          const wallet = f.member?.walletAddress ?? null;
          return [
            {
              id: row.id,
              attempts: row.attempts,
              agent: row.voterAddress,
              wallet,
              proposal: f.proposal.externalId,
              space: f.proposal.space.externalId,
              needsPower: row.votingPower === null || row.votingPower === "0",
            },
          ];
        });
      } catch (error) {
        options.logger?.warn({ err: error }, "could not prepare the batch's hub read; each row asks the hub itself");
        return;
      }
      // Taken before the request goes out: the read shows the hub as it was at this moment or later.
      const takenAt = clock().getTime();
      let result: (target: (typeof targets)[number]) => PreparedRecord;
      try {
        // votesBy keeps within the hub's caps: `voter_in`/`proposal_in` lists of at most 100 each, five lists a
        // request, pages of 1,000 votes read on with a `created` cursor. A batch of 100 rows, its agents and their
        // members' wallets on one proposal, is one request when no one has voted yet.
        const found = await votes.votesBy({
          voters: targets.flatMap((t) => (t.wallet ? [t.agent, t.wallet] : [t.agent])),
          proposals: targets.map((t) => t.proposal),
        });
        const newest = indexNewest(found);
        const powers = await readPowers(targets.filter((t) => t.needsPower));
        result = (t) => ({
          ok: true,
          record: {
            mine: newest.get(key(t.agent, t.proposal)) ?? null,
            theirs: t.wallet ? (newest.get(key(t.wallet, t.proposal)) ?? null) : null,
          },
          power: powers.get(t.id) ?? null,
        });
      } catch (error) {
        // Kept as the rows' answer: the hub client already retried, and asking again per row would only wait longer.
        result = () => ({ ok: false, error });
      }
      for (const target of targets)
        shares.set(target.id, { attempts: target.attempts, takenAt, result: result(target) });
    },

    take(row) {
      const share = shares.get(row.id);
      if (!share) return null;
      shares.delete(row.id);
      const fresh = share.attempts === row.attempts && clock().getTime() - share.takenAt <= maxAgeMs;
      return fresh && isFirstAttempt(row) ? share.result : null;
    },

    async read(row, wallet, proposal) {
      const found = await votes.votesBy({
        voters: wallet ? [row.voterAddress, wallet] : [row.voterAddress],
        proposals: [proposal],
      });
      const newest = indexNewest(found);
      return {
        mine: newest.get(key(row.voterAddress, proposal)) ?? null,
        theirs: wallet ? (newest.get(key(wallet, proposal)) ?? null) : null,
      };
    },
  };
}

/** The row's first claim, with nothing signed before: no earlier attempt of ours can be on record. */
function isFirstAttempt(row: Cast): boolean {
  return row.attempts === 1 && row.voteId === null;
}

const key = (voter: string, proposal: string) => `${voter.toLowerCase()}\n${proposal}`;

/** The newest vote per voter and proposal (the hub keeps one, but a lagging replica may show two). */
function indexNewest(found: readonly RecordedVote[]): Map<string, RecordedVote> {
  const newest = new Map<string, RecordedVote>();
  for (const vote of found) {
    const k = key(vote.voter, vote.proposal);
    const known = newest.get(k);
    if (!known || vote.created > known.created) newest.set(k, vote);
  }
  return newest;
}
