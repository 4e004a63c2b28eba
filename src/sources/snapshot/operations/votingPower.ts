import { z } from "zod";
import type { HubRequest } from "../hubRequest.js";

export const votingPowerSchema = z.object({
  vp: z.number(),
  vp_by_strategy: z.array(z.number().nullable()).nullable(),
  vp_state: z.string().nullable(),
});

/** A voter's voting power in a space, for one proposal (at its snapshot) or, without one, at the latest block. */
export interface VotingPower {
  vp: number;
  byStrategy: (number | null)[];
  /** "final" once the proposal's scores are settled, "pending" before. */
  state: string | null;
}

/**
 * `vp(voter, space, proposal)`: the hub asks its score API, evaluating the space's strategies at the proposal's
 * snapshot block. @see https://docs.snapshot.box/tools/api (vp)
 */
export function votingPowerRequest(input: {
  voter: string;
  space: string;
  proposal?: string;
}): HubRequest<VotingPower> {
  return {
    operation: "votingPower",
    document: `query votingPower($voter: String!, $space: String!, $proposal: String) {
  vp(voter: $voter, space: $space, proposal: $proposal) { vp vp_by_strategy vp_state }
}`,
    variables: { voter: input.voter, space: input.space, proposal: input.proposal ?? null },
    answer: z
      .object({ vp: votingPowerSchema })
      .transform(({ vp }) => ({ vp: vp.vp, byStrategy: vp.vp_by_strategy ?? [], state: vp.vp_state })),
  };
}
