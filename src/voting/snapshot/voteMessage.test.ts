import { describe, expect, it } from "vitest";
import {
  buildVoteMessage,
  SNAPSHOT_REASON_MAX_LENGTH,
  type SnapshotBallot,
  snapshotVoteReason,
  TRIBUNE_APP,
} from "./voteMessage.js";

const HASH = "9f2c".repeat(16);
const ballot = (over: Partial<SnapshotBallot> = {}): SnapshotBallot => ({
  space: "dao.eth",
  proposal: `0x${"ab".repeat(32)}`,
  votingType: "single-choice",
  privacy: "",
  choice: 1,
  reason: "Because.",
  digestHash: HASH,
  ...over,
});

describe("buildVoteMessage", () => {
  it("fills what Client712.vote takes: app tribune, the digest in metadata, the given timestamp", () => {
    const built = buildVoteMessage(ballot(), 1_750_000_000);
    expect(built).toEqual({
      ok: true,
      message: {
        space: "dao.eth",
        proposal: `0x${"ab".repeat(32)}`,
        type: "single-choice",
        choice: 1,
        reason: "Because.",
        app: TRIBUNE_APP,
        metadata: JSON.stringify({ digest: HASH }),
        timestamp: 1_750_000_000,
      },
    });
  });

  it("signs a copeland ranking as ranked-choice, the only array type Client712 knows for rankings", () => {
    const built = buildVoteMessage(ballot({ votingType: "copeland", choice: [3, 1, 2] }), 1);
    expect(built.ok && built.message.type).toBe("ranked-choice");
  });

  it("copies the choice, so what the library does to the message never reaches the caller's ballot", () => {
    const original = ballot({ votingType: "weighted", choice: { "1": 70, "3": 30 } });
    const built = buildVoteMessage(original, 1);
    if (!built.ok) throw new Error("refused");
    expect(built.message.choice).toEqual(original.choice);
    expect(built.message.choice).not.toBe(original.choice);
  });

  it("refuses a shutter proposal before signing, saying why", () => {
    const built = buildVoteMessage(ballot({ privacy: "shutter" }), 1);
    expect(built).toMatchObject({ ok: false, refusal: { code: "shutter_private" } });
    expect(!built.ok && built.refusal.message).toMatch(/Shutter/);
  });

  it.each([
    ["single-choice", [1]],
    ["approval", 2],
    ["ranked-choice", { "1": 1 }],
    ["weighted", [1, 2]],
    ["quadratic", { a: 1 }],
    ["basic", 0],
  ] as const)("refuses a %s choice in another type's format (%j)", (votingType, choice) => {
    const built = buildVoteMessage(ballot({ votingType, choice: choice as never }), 1);
    expect(built).toMatchObject({ ok: false, refusal: { code: "choice_format" } });
  });

  it("refuses a reason longer than Snapshot's 5,000 characters, counting characters as the schema does", () => {
    const astral = "𝔗".repeat(SNAPSHOT_REASON_MAX_LENGTH); // 5,000 characters, 10,000 UTF-16 units
    expect(buildVoteMessage(ballot({ reason: astral }), 1).ok).toBe(true);
    expect(buildVoteMessage(ballot({ reason: `${astral}!` }), 1)).toMatchObject({
      ok: false,
      refusal: { code: "reason_too_long" },
    });
  });

  it("refuses metadata over the sequencer's 2,000 characters", () => {
    expect(buildVoteMessage(ballot({ digestHash: "x".repeat(2_000) }), 1)).toMatchObject({
      ok: false,
      refusal: { code: "metadata_too_large" },
    });
  });
});

describe("snapshotVoteReason", () => {
  it("puts the audit hash after the explanation", () => {
    expect(snapshotVoteReason("  Treasury prudence decided it.  ", HASH)).toBe(
      `Treasury prudence decided it. (Tribune audit ${HASH})`,
    );
    expect(snapshotVoteReason("", HASH)).toBe(`(Tribune audit ${HASH})`);
  });

  it("shortens a long explanation with an ellipsis and always keeps the whole hash", () => {
    const reason = snapshotVoteReason("é".repeat(10_000), HASH);
    expect([...reason].length).toBe(SNAPSHOT_REASON_MAX_LENGTH);
    expect(reason.endsWith(`… (Tribune audit ${HASH})`)).toBe(true);
  });
});
