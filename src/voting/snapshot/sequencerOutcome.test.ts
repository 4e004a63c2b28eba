import { describe, expect, it } from "vitest";
import { readSequencerAnswer, type SequencerRejection, type SequencerTransient } from "./sequencerOutcome.js";

const VOTE_ID = `0x${"12".repeat(32)}`;
const refusal = (description: unknown, status = 400) => ({
  kind: "answered" as const,
  status,
  body: { error: status < 500 ? "client_error" : "server_error", error_description: description },
  retryAfterMs: null,
});

describe("readSequencerAnswer", () => {
  it("accepts the sequencer's receipt for this very vote", () => {
    const receipt = { id: VOTE_ID, ipfs: "bafkrei…", relayer: { address: "0xrelayer", receipt: "0xsig" } };
    expect(readSequencerAnswer({ kind: "answered", status: 200, body: receipt, retryAfterMs: null }, VOTE_ID)).toEqual({
      kind: "accepted",
      receipt,
    });
  });

  it("does not take a receipt for another message, or a 200 that is no receipt, as success", () => {
    const other = { id: `0x${"34".repeat(32)}`, ipfs: "x", relayer: { address: "a", receipt: "r" } };
    for (const body of [other, "<html>ok</html>", { id: VOTE_ID }]) {
      expect(readSequencerAnswer({ kind: "answered", status: 200, body, retryAfterMs: null }, VOTE_ID)).toMatchObject({
        kind: "retryable",
        code: "unreadable_answer",
        mayHaveLanded: true,
      });
    }
  });

  // Every refusal the sequencer can send for a vote, in its own words (src/ingestor.ts, src/writer/vote.ts, alias.ts).
  it.each<[string, SequencerRejection]>([
    ["wrong envelope format", "envelope_format"],
    ["too large message", "too_large_message"],
    ["wrong timestamp", "wrong_timestamp"],
    ["proposal cannot contain whitespace", "invalid_proposal_id"],
    ["wrong domain", "wrong_domain"],
    ["wrong types", "wrong_types"],
    ["Invalid space id", "invalid_space_id"],
    ["unknown space", "unknown_space"],
    ["alias not allowed for the type: vote", "alias_refused"],
    ["wrong alias", "alias_refused"],
    ["signature validation failed", "signature_invalid"],
    ["duplicate message", "duplicate_message"],
    ["too large metadata", "metadata_too_large"],
    ["unknown proposal", "unknown_proposal"],
    ["invalid choice", "invalid_choice"],
    ["wrong vote format", "vote_format"],
    ["not in voting window", "not_in_voting_window"],
    ["reason not allowed with shutter", "shutter_refused"],
    ["failed vote validation", "vote_validation_failed"],
    ["no voting power", "no_voting_power"],
    ["already voted at later time", "voted_later"],
    ["already voted same time with lower index", "voted_same_time"],
    ["unauthorized", "unauthorized"],
    ["something new the sequencer says", "client_error"],
  ])("%j is final: %s", (description, code) => {
    expect(readSequencerAnswer(refusal(description), VOTE_ID)).toEqual({
      kind: "rejected",
      code,
      status: 400,
      description,
    });
  });

  it.each<[number, unknown, SequencerTransient, boolean]>([
    [425, "request already being processed", "in_progress", true],
    [429, "too many requests, refer to https://docs.snapshot.org/tools/api/api-keys#limits", "rate_limited", false],
    [503, "update in progress, try later", "maintenance", false],
    [500, {}, "server_error", true],
    [502, "bad gateway", "server_error", true],
    [400, "failed to check voting power", "upstream_failed", false],
    [400, "failed to check vote validation", "upstream_failed", false],
    [400, "pinning failed", "upstream_failed", false],
  ])("status %i %j is retryable: %s (may have landed: %s)", (status, description, code, mayHaveLanded) => {
    expect(readSequencerAnswer(refusal(description, status), VOTE_ID)).toMatchObject({
      kind: "retryable",
      code,
      status,
      mayHaveLanded,
    });
  });

  it("keeps the server's Retry-After, and reads an HTML error page as words", () => {
    const limited = { ...refusal("too many requests", 429), retryAfterMs: 60_000 };
    expect(readSequencerAnswer(limited, VOTE_ID)).toMatchObject({ retryAfterMs: 60_000 });
    const html = { kind: "answered" as const, status: 502, body: "<h1>502 Bad Gateway</h1>", retryAfterMs: null };
    expect(readSequencerAnswer(html, VOTE_ID)).toMatchObject({
      code: "server_error",
      description: "<h1>502 Bad Gateway</h1>",
    });
  });

  it("tells a request that never left (nothing stored) from one whose answer was lost", () => {
    expect(readSequencerAnswer({ kind: "network", refused: true, detail: "ECONNREFUSED" }, VOTE_ID)).toMatchObject({
      code: "network",
      mayHaveLanded: false,
    });
    expect(
      readSequencerAnswer({ kind: "network", refused: false, detail: "other side closed" }, VOTE_ID),
    ).toMatchObject({ code: "network", mayHaveLanded: true });
    expect(readSequencerAnswer({ kind: "timeout", afterMs: 500 }, VOTE_ID)).toMatchObject({
      code: "timeout",
      mayHaveLanded: true,
    });
    expect(readSequencerAnswer({ kind: "cancelled" }, VOTE_ID)).toMatchObject({
      code: "cancelled",
      mayHaveLanded: true,
    });
  });
});
