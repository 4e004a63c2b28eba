import { describe, expect, it } from "vitest";
import { receiptsMessages } from "./receiptsMessage.js";
import { allText, expectWithinLimits, HOSTILE, proposalView } from "./viewFixtures.js";
import type { CastResultView, MemberRef, ReceiptEntryView, ReceiptsView } from "./views.js";

const AT = new Date("2026-12-01T10:00:00Z");
const TX = `0x${"ab".repeat(32)}`;
const VOTE = `0x${"cd".repeat(32)}`;
const PUBLIC: MemberRef = { discordUserId: "111111111111111111", privacy: "public" };
const PRIVATE: MemberRef = { discordUserId: "999999999999999999", privacy: "private" };

function entry(result: CastResultView, overrides: Partial<ReceiptEntryView> = {}): ReceiptEntryView {
  return { voter: { kind: "member", member: PUBLIC }, choice: 1, result, at: AT, ...overrides };
}

function view(entries: ReceiptEntryView[], overrides: Partial<ReceiptsView> = {}): ReceiptsView {
  return { proposal: proposalView(), power: { decimals: 0, symbol: null }, entries, pool: null, ...overrides };
}

describe("the receipts message", () => {
  it("says nothing until a vote settled", () => {
    expect(receiptsMessages(view([]))).toEqual([]);
  });

  it("gives each settled vote one line: where to check it, or why nothing was cast", () => {
    const messages = receiptsMessages(
      view([
        entry({ kind: "snapshot", voteId: VOTE, ipfsHash: "bafkreiabc123def456" }),
        entry({ kind: "dry_run" }, { choice: 2 }),
        entry({ kind: "skipped", reason: "own_vote", detail: null }),
        entry({ kind: "skipped", reason: "no_voting_power", detail: null }),
        entry({ kind: "failed", reason: "rejected", detail: "signature invalid" }),
      ]),
    );
    expect(messages).toHaveLength(1);
    const text = allText(messages);
    expect(text).toContain("1 cast · 1 dry run · 3 not cast.");
    expect(text).toContain(
      `<@111111111111111111> → **For** · vote \`${VOTE}\` · [IPFS record](https://ipfs.snapshot.box/ipfs/bafkreiabc123def456)`,
    );
    expect(text).toContain("<@111111111111111111> → would have voted **Against**");
    expect(text).toContain("not cast, because you voted yourself");
    expect(text).toContain("not cast, because no voting power reached your agent at the proposal's snapshot");
    expect(text).toContain("not cast, it failed because the vote was refused (signature invalid)");
    // Grouped: cast first, then the dry run, then what was not cast.
    expect(messages[0]?.embeds.map((e) => e.title ?? null)).toEqual([
      "Receipts: Fund the grants council for 2027",
      "Cast",
      "Dry run: would have voted (nothing was sent)",
      "Not cast",
    ]);
    expect(messages[0]?.allowedMentions).toEqual({ parse: [], users: [] });
  });

  it("links a Governor vote's transaction on the chain's explorer", () => {
    const text = allText(receiptsMessages(view([entry({ kind: "governor", chainId: 1, txHash: TX })])));
    expect(text).toContain(`transaction [${TX}](https://etherscan.io/tx/${TX})`);
  });

  it("shows a pooled fractional Governor vote as its split", () => {
    const text = allText(
      receiptsMessages(
        view(
          [
            entry(
              { kind: "governor", chainId: 1, txHash: TX },
              {
                voter: { kind: "pooled" },
                choice: { fractional: { against: "3000000000000000000", for: "7000000000000000000", abstain: "0" } },
              },
            ),
          ],
          { power: { decimals: 18, symbol: null } },
        ),
      ),
    );
    expect(text).toMatch(/the pooled delegate → \*\*Against 3[^·]*· For 7[^·]*· Abstain 0/);
  });

  it("never names a private member, and names who a pooled vote left out and why", () => {
    const messages = receiptsMessages(
      view([entry({ kind: "snapshot", voteId: VOTE, ipfsHash: null }, { voter: { kind: "pooled" } })], {
        pool: {
          counted: 2,
          leftOut: [
            { member: PRIVATE, why: "vetoed" },
            { member: PUBLIC, why: "no_voting_power" },
            { member: null, why: "asked" },
          ],
        },
      }),
    );
    const text = allText(messages);
    expect(text).not.toContain(PRIVATE.discordUserId);
    expect(text).toContain("the pooled delegate → **For** · vote");
    expect(text).toContain("combined 2 members' ballots");
    expect(text).toContain("• a delegator, because you vetoed it");
    expect(text).toContain("• <@111111111111111111>, because no voting power reached your agent");
    expect(text).toContain("• a delegator, because your profile asked you to decide");
  });

  it("keeps hostile details and unknown codes inert", () => {
    const messages = receiptsMessages(
      view([
        entry({ kind: "failed", reason: "gas_spike", detail: HOSTILE.repeat(20) }),
        entry({ kind: "snapshot", voteId: HOSTILE, ipfsHash: HOSTILE }),
      ]),
    );
    const text = allText(messages);
    expect(text).toContain("of a problem Tribune has no words for (gas spike)");
    expect(text).not.toMatch(/@everyone|<@&|(?<!\\)\[click\]\(https/);
    expectWithinLimits(messages);
  });

  it("splits a long list across messages within Discord's limits, and counts whoever does not fit", () => {
    const many = Array.from({ length: 600 }, (_, n) =>
      entry(
        { kind: "snapshot", voteId: VOTE, ipfsHash: "bafkreiabc123def456" },
        {
          voter: {
            kind: "member",
            member: { discordUserId: String(100_000_000_000_000_000n + BigInt(n)), privacy: "public" },
          },
        },
      ),
    );
    const messages = receiptsMessages(view(many), { maxMessages: 3 });
    expect(messages).toHaveLength(3);
    expectWithinLimits(messages);
    const text = allText(messages);
    const lines = (text.match(/^• <@\d+> → /gm) ?? []).length;
    const more = Number(/…and (\d+) more/.exec(text)?.[1] ?? 0);
    expect(more).toBeGreaterThan(0);
    expect(lines + more).toBe(600);
  });
});
