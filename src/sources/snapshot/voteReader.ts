import { readCreatedPages } from "./createdPager.js";
import type { HubClient } from "./hubClient.js";
import { chunk, hubLimits } from "./hubLimits.js";
import { type HubVote, hubVoteSchema, votesRoot } from "./operations/votesWhere.js";
import { type VotingPower, votingPowerRequest } from "./operations/votingPower.js";

/** A vote already on record. */
export interface RecordedVote {
  id: string;
  voter: string;
  proposal: string;
  space: string;
  choice: unknown;
  vp: number | null;
  reason: string | null;
  created: number;
}

/** Reads voting power and existing votes from the hub, for casting (never writes anything). */
export interface SnapshotVoteReader {
  /** `voter`'s voting power in `space`, at `proposal`'s snapshot when given. */
  votingPower(input: { voter: string; space: string; proposal?: string }, signal?: AbortSignal): Promise<VotingPower>;
  /**
   * The votes any of `voters` cast on any of `proposals`. Both lists are split under the hub's 100-entry cap, the
   * pairs share requests five at a time, and each is read to its end with a `created` cursor.
   */
  votesBy(
    input: { voters: readonly string[]; proposals: readonly string[] },
    signal?: AbortSignal,
  ): Promise<RecordedVote[]>;
  /**
   * The vote `voter` has on record for `proposal`, or null: what casting checks before signing and before any retry.
   * The hub keeps one vote per voter and proposal (a newer one replaces it); the newest is taken should it show more.
   */
  voteOf(input: { voter: string; proposal: string }, signal?: AbortSignal): Promise<RecordedVote | null>;
}

export function createSnapshotVoteReader({ hub }: { hub: HubClient }): SnapshotVoteReader {
  const reader: SnapshotVoteReader = {
    votingPower(input, signal) {
      return hub.send(votingPowerRequest(input), signal);
    },

    async votesBy({ voters, proposals }, signal) {
      const uniqueVoters = [...new Set(voters)];
      const uniqueProposals = [...new Set(proposals)];
      if (uniqueVoters.length === 0 || uniqueProposals.length === 0) return [];
      const lists = chunk(uniqueVoters, hubLimits.inList).flatMap((voterPart) =>
        chunk(uniqueProposals, hubLimits.inList).map((proposalPart) => ({
          root: votesRoot,
          where: { voter_in: voterPart, proposal_in: proposalPart },
          row: hubVoteSchema,
        })),
      );
      const votes = new Map<string, RecordedVote>();
      await readCreatedPages<HubVote>(hub, lists, {
        operation: "votes",
        signal,
        onPage: async (_, rows) => {
          for (const vote of rows) {
            votes.set(vote.id, {
              id: vote.id,
              voter: vote.voter,
              proposal: vote.proposal?.id ?? "",
              space: vote.space.id,
              choice: vote.choice,
              vp: vote.vp,
              reason: vote.reason,
              created: vote.created,
            });
          }
        },
      });
      return [...votes.values()];
    },

    async voteOf({ voter, proposal }, signal) {
      const found = await reader.votesBy({ voters: [voter], proposals: [proposal] }, signal);
      const mine = found.filter(
        (vote) => vote.voter.toLowerCase() === voter.toLowerCase() && vote.proposal === proposal,
      );
      return mine.reduce<RecordedVote | null>(
        (newest, vote) => (!newest || vote.created > newest.created ? vote : newest),
        null,
      );
    },
  };
  return reader;
}
