import { type Address, encodePacked } from "viem";
import { z } from "zod";
import type { GovernorFlavor } from "../../sources/governor/bravoGovernor.js";
import { GOVERNOR_CHOICES } from "../../sources/governor/governorAbi.js";
import type { GovernorBallot, GovernorCastReceipt } from "./governorCaster.js";

// What a Governor row of the casting outbox asks to send, read from `Cast.choice`: the 1-based choice n of a personal
// or plurality vote (support = n − 1, GOVERNOR_CHOICES order), or a pooled split for GovernorCountingFractional,
// `{ "fractional": { "against": "<dec>", "for": "<dec>", "abstain": "<dec>" } }` in token base units. And, for
// dry-run, the call that ballot would become: the same function and arguments the caster sends.

const MAX_UINT128 = (1n << 128n) - 1n;
const amount = z
  .string()
  .regex(/^\d{1,39}$/)
  .transform((s) => BigInt(s))
  .refine((n) => n <= MAX_UINT128, "exceeds uint128");

const choiceSchema = z.union([
  z
    .number()
    .int()
    .min(1)
    .max(GOVERNOR_CHOICES.length)
    .transform((n) => ({ kind: "support", support: (n - 1) as 0 | 1 | 2 }) as const),
  z
    .object({ fractional: z.object({ against: amount, for: amount, abstain: amount }).strict() })
    .strict()
    .refine((c) => c.fractional.against + c.fractional.for + c.fractional.abstain > 0n, "an empty split")
    .transform(({ fractional }) => ({ kind: "fractional", ...fractional, usedBefore: 0n }) as const),
]);

/** The ballot a row's stored choice stands for; null when the choice is not one a Governor can take. */
export function governorBallotOf(choice: unknown): GovernorBallot | null {
  const parsed = choiceSchema.safeParse(choice);
  return parsed.success ? parsed.data : null;
}

/** support value of a split vote in GovernorCountingFractional. */
export const FRACTIONAL_SUPPORT = 255;

/** `support` and `params` as the Governor receives them. */
export function supportAndParams(ballot: GovernorBallot): { support: number; params: `0x${string}` } {
  return ballot.kind === "support"
    ? { support: ballot.support, params: "0x" }
    : {
        support: FRACTIONAL_SUPPORT,
        params: encodePacked(["uint128", "uint128", "uint128"], [ballot.against, ballot.for, ballot.abstain]),
      };
}

/** A contract call as recorded in a row's payload (JSON-safe: big numbers as decimal strings). */
export interface RecordedCall {
  function: GovernorCastReceipt["method"];
  args: unknown[];
  sender: string;
  governor: string;
  chainId: number;
}

/** Stands where the voter's EIP-712 signature goes: a dry run signs nothing. */
export const UNSIGNED = "<the voter's signature, made when sent>";

/**
 * The call the caster would make for this ballot (the same choice of function: …BySig through a relayer, …AndParams
 * for a split), for dry-run. Signatures are not made; their place is marked.
 */
export function plannedCall(input: {
  chainId: number;
  governor: Address;
  flavor: GovernorFlavor;
  proposalId: bigint;
  ballot: GovernorBallot;
  reason: string;
  voter: Address;
  relayer: Address | null;
}): RecordedCall {
  const { support, params } = supportAndParams(input.ballot);
  const id = input.proposalId.toString();
  const base = { sender: input.relayer ?? input.voter, governor: input.governor, chainId: input.chainId };
  if (input.relayer) {
    return input.flavor === "bravo"
      ? { function: "castVoteBySig", args: [id, support, UNSIGNED], ...base }
      : {
          function: "castVoteWithReasonAndParamsBySig",
          args: [id, support, input.voter, input.reason, params, UNSIGNED],
          ...base,
        };
  }
  return input.ballot.kind === "fractional"
    ? { function: "castVoteWithReasonAndParams", args: [id, support, input.reason, params], ...base }
    : { function: "castVoteWithReason", args: [id, support, input.reason], ...base };
}

/** Replaces big numbers by decimal strings, deeply, so decoded call arguments can be stored as JSON. */
export function jsonSafe(value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (Array.isArray(value)) return value.map(jsonSafe);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonSafe(v)]));
  }
  return value;
}
