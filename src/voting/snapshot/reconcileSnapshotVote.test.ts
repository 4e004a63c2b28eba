import { describe, expect, it } from "vitest";
import type { RecordedVote } from "../../sources/snapshot/voteReader.js";
import { reconcileSnapshotVote } from "./reconcileSnapshotVote.js";

const ID = `0x${"ab".repeat(32)}`;
const recorded = (over: Partial<RecordedVote> = {}): RecordedVote => ({
  id: ID,
  voter: "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
  proposal: `0x${"01".repeat(32)}`,
  space: "dao.eth",
  choice: { "1": 70, "3": 30 },
  vp: 10,
  reason: "",
  created: 1_750_000_000,
  ...over,
});

describe("reconcileSnapshotVote", () => {
  it("is absent when the hub has nothing", () => {
    expect(reconcileSnapshotVote(null, { choice: 1, voteId: ID })).toEqual({ state: "absent" });
  });

  it("recognises the very message signed earlier by its id, in any case", () => {
    expect(
      reconcileSnapshotVote(recorded(), { choice: 2, voteId: ID.toUpperCase().replace("0X", "0x") }),
    ).toMatchObject({ state: "landed" });
  });

  it("compares choices by value: key order of a weighted split does not matter", () => {
    const vote = recorded({ id: `0x${"cd".repeat(32)}` });
    expect(reconcileSnapshotVote(vote, { choice: { "3": 30, "1": 70 }, voteId: ID })).toMatchObject({
      state: "same_choice",
    });
    expect(reconcileSnapshotVote(vote, { choice: { "1": 30, "3": 70 } })).toMatchObject({ state: "other_choice" });
    expect(reconcileSnapshotVote(recorded({ choice: [2, 1, 3] }), { choice: [2, 1, 3] })).toMatchObject({
      state: "same_choice",
    });
    expect(reconcileSnapshotVote(recorded({ choice: 2 }), { choice: 1 })).toMatchObject({ state: "other_choice" });
  });
});
