import { encodePacked } from "viem";
import { describe, expect, it } from "vitest";
import { FRACTIONAL_SUPPORT, governorBallotOf, plannedCall, supportAndParams, UNSIGNED } from "./governorBallot.js";

const GOVERNOR = "0x1111111111111111111111111111111111111111";
const VOTER = "0x2222222222222222222222222222222222222222";
const RELAYER = "0x3333333333333333333333333333333333333333";

describe("a Governor row's ballot", () => {
  it("reads choice n as support n − 1, and a split as three uint128 amounts", () => {
    expect(governorBallotOf(1)).toEqual({ kind: "support", support: 0 });
    expect(governorBallotOf(3)).toEqual({ kind: "support", support: 2 });
    expect(
      governorBallotOf({ fractional: { against: "1", for: "340282366920938463463374607431768211455", abstain: "0" } }),
    ).toEqual({
      kind: "fractional",
      against: 1n,
      for: (1n << 128n) - 1n,
      abstain: 0n,
      usedBefore: 0n,
    });
  });

  it("refuses what a Governor cannot take", () => {
    for (const choice of [0, 4, 1.5, "2", null, [1], { fractional: { against: "1", for: "1" } }]) {
      expect(governorBallotOf(choice)).toBeNull();
    }
    expect(governorBallotOf({ fractional: { against: "0", for: "0", abstain: "0" } })).toBeNull();
    expect(governorBallotOf({ fractional: { against: "-1", for: "2", abstain: "0" } })).toBeNull();
    expect(governorBallotOf({ fractional: { against: (1n << 128n).toString(), for: "0", abstain: "0" } })).toBeNull();
    expect(governorBallotOf({ fractional: { against: "1", for: "1", abstain: "1" }, extra: 1 })).toBeNull();
  });

  it("packs a split as GovernorCountingFractional reads it", () => {
    const split = governorBallotOf({ fractional: { against: "5", for: "7", abstain: "9" } });
    if (!split) throw new Error("not a ballot");
    expect(supportAndParams(split)).toEqual({
      support: FRACTIONAL_SUPPORT,
      params: encodePacked(["uint128", "uint128", "uint128"], [5n, 7n, 9n]),
    });
    expect(supportAndParams(split).params).toHaveLength(2 + 96);
  });

  it("plans the caster's call: direct, by signature through a relayer, and Bravo's", () => {
    const base = { chainId: 1, governor: GOVERNOR, proposalId: 42n, reason: "why", voter: VOTER } as const;
    const support = { kind: "support", support: 1 } as const;
    expect(plannedCall({ ...base, flavor: "oz", ballot: support, relayer: null })).toEqual({
      function: "castVoteWithReason",
      args: ["42", 1, "why"],
      sender: VOTER,
      governor: GOVERNOR,
      chainId: 1,
    });
    expect(plannedCall({ ...base, flavor: "oz", ballot: support, relayer: RELAYER })).toMatchObject({
      function: "castVoteWithReasonAndParamsBySig",
      args: ["42", 1, VOTER, "why", "0x", UNSIGNED],
      sender: RELAYER,
    });
    expect(plannedCall({ ...base, flavor: "bravo", ballot: support, relayer: RELAYER })).toMatchObject({
      function: "castVoteBySig",
      args: ["42", 1, UNSIGNED],
    });
    const split = { kind: "fractional", against: 1n, for: 2n, abstain: 3n, usedBefore: 0n } as const;
    expect(plannedCall({ ...base, flavor: "oz", ballot: split, relayer: null })).toMatchObject({
      function: "castVoteWithReasonAndParams",
      args: ["42", 255, "why", encodePacked(["uint128", "uint128", "uint128"], [1n, 2n, 3n])],
    });
  });
});
