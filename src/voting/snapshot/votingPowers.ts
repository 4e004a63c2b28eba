import { z } from "zod";
import type { HubClient } from "../../sources/snapshot/hubClient.js";
import { chunk, hubLimits } from "../../sources/snapshot/hubLimits.js";
import type { HubRequest } from "../../sources/snapshot/hubRequest.js";
import { votingPowerSchema } from "../../sources/snapshot/operations/votingPower.js";

// The agents' voting power for a claimed batch in few requests: the hub's `vp` root takes one voter, but a query may
// hold five root fields, so five agents share each request (a fifth of the requests the per-row check makes).
// @see https://github.com/snapshot-labs/snapshot-hub/blob/master/src/graphql/index.ts (queryCountLimit(5, 5))

/** One agent's power to read: at `proposal`'s snapshot, in `space`. */
export interface PowerQuery {
  voter: string;
  space: string;
  proposal: string;
}

/** Reads many agents' voting power. */
export interface VotingPowers {
  /** The `vp` of each query, in the same order. Throws what the hub client throws. */
  read(queries: readonly PowerQuery[], signal?: AbortSignal): Promise<number[]>;
}

/** Builds the batched reader over the hub client. */
export function createVotingPowers(hub: HubClient): VotingPowers {
  return {
    async read(queries, signal) {
      const powers: number[] = [];
      for (const group of chunk(queries, hubLimits.rootFields)) {
        const answer = await hub.send(votingPowersRequest(group), signal);
        powers.push(...answer);
      }
      return powers;
    },
  };
}

/** Up to five aliased `vp` roots, every argument a typed variable. */
export function votingPowersRequest(group: readonly PowerQuery[]): HubRequest<number[]> {
  if (group.length === 0 || group.length > hubLimits.rootFields) {
    throw new RangeError(`votingPowers: a hub query takes 1–${hubLimits.rootFields} root fields, got ${group.length}`);
  }
  const declarations = group.map((_, i) => `$voter${i}: String!, $space${i}: String!, $proposal${i}: String`);
  const fields = group.map(
    (_, i) =>
      `  p${i}: vp(voter: $voter${i}, space: $space${i}, proposal: $proposal${i}) { vp vp_by_strategy vp_state }`,
  );
  const variables = Object.fromEntries(
    group.flatMap((q, i) => [
      [`voter${i}`, q.voter],
      [`space${i}`, q.space],
      [`proposal${i}`, q.proposal],
    ]),
  );
  const shape = z.object(Object.fromEntries(group.map((_, i) => [`p${i}`, votingPowerSchema])));
  return {
    operation: "votingPowers",
    document: [`query votingPowers(${declarations.join(", ")}) {`, ...fields, "}"].join("\n"),
    variables,
    answer: shape.transform((data) => group.map((_, i) => (data[`p${i}`] as { vp: number }).vp)),
  };
}
