import { describe, expect, it } from "vitest";
import { blockExplorer, receiptMessage } from "./receiptMessage.js";
import { allText, expectWithinLimits, HOSTILE, proposalView } from "./viewFixtures.js";
import type { CastResultView, ReceiptView } from "./views.js";

const AT = new Date("2026-12-01T10:00:00Z");
const TX = `0x${"ab".repeat(32)}`;
const AUDIT = "f".repeat(64);

function receipt(result: CastResultView, overrides: Partial<ReceiptView> = {}): ReceiptView {
  return {
    proposal: proposalView(),
    voter: { kind: "member", member: { discordUserId: "111111111111111111", privacy: "public" } },
    choice: 1,
    reason: 'Tribune, for a delegating member, from their stated values: Vote "For" mainly for public goods.',
    result,
    at: AT,
    auditHash: AUDIT,
    ...overrides,
  };
}

function fields(message: ReturnType<typeof receiptMessage>): Record<string, string> {
  return Object.fromEntries((message.embeds[0]?.fields ?? []).map((f) => [f.name, f.value]));
}

describe("receipts", () => {
  it("link a Snapshot vote to its IPFS record and name the member without pinging", () => {
    const message = receiptMessage(receipt({ kind: "snapshot", voteId: "0xvote1", ipfsHash: "bafkreiabc123def456" }));
    const embed = message.embeds[0];
    expect(embed?.title).toBe("Vote cast on Snapshot: Fund the grants council for 2027");
    expect(embed?.url).toBe("https://snapshot.box/#/s:example.eth/proposal/0xabc123");
    expect(embed?.description).toBe("Voted **For** for <@111111111111111111>.");
    expect(fields(message)).toMatchObject({
      "Vote id": "`0xvote1`",
      IPFS: "[bafkreiabc123def456](https://ipfs.snapshot.box/ipfs/bafkreiabc123def456)",
      "Audit entry": `\`${AUDIT}\``,
    });
    expect(fields(message)["On-record reason"]).toContain('Vote "For" mainly for public goods.');
    expect(message.allowedMentions).toEqual({ parse: [], users: [] });
    expect(embed?.footer?.text).toBe("Example DAO · 2026-12-01 10:00 UTC");
  });

  it("link a Governor vote's transaction on the chain's explorer, or show the bare hash", () => {
    const governor = proposalView({ source: { kind: "governor", chainId: 1, proposalId: "42", url: null } });
    const mainnet = receiptMessage(receipt({ kind: "governor", chainId: 1, txHash: TX }, { proposal: governor }));
    expect(fields(mainnet).Transaction).toBe(`[${TX}](https://etherscan.io/tx/${TX})`);
    expect(mainnet.embeds[0]?.title).toMatch(/^Vote cast on-chain/);
    const unknown = receiptMessage(receipt({ kind: "governor", chainId: 987_654_321, txHash: TX }));
    expect(fields(unknown).Transaction).toBe(`\`${TX}\``);
    const odd = receiptMessage(receipt({ kind: "governor", chainId: 1, txHash: HOSTILE }));
    expect(allText([odd])).not.toMatch(/@everyone|<@&/);
  });

  it("know the explorers viem knows, and none for an id two chains share", () => {
    expect(blockExplorer(10)).toBe("https://optimistic.etherscan.io");
    expect(blockExplorer(42161)).toBe("https://arbiscan.io");
    expect(blockExplorer(-1)).toBeNull();
  });

  it("say what a dry run would have sent", () => {
    const message = receiptMessage(receipt({ kind: "dry_run" }, { choice: 2 }));
    expect(message.embeds[0]?.title).toMatch(/^Dry run: would have sent/);
    expect(message.embeds[0]?.description).toBe(
      "Would have voted **Against** for <@111111111111111111>. Nothing was sent.",
    );
    expect(fields(message)["On-record reason"]).toBeDefined();
  });

  it("say in plain words why nothing was cast", () => {
    const failed = receiptMessage(receipt({ kind: "failed", reason: "rejected", detail: "signature invalid" }));
    expect(failed.embeds[0]?.title).toMatch(/^Vote not cast: it failed/);
    expect(failed.embeds[0]?.description).toBe(
      "No vote was cast for <@111111111111111111> because the vote was refused.\n> signature invalid",
    );
    const skipped = receiptMessage(receipt({ kind: "skipped", reason: "vetoed", detail: null }));
    expect(skipped.embeds[0]?.description).toBe("No vote was cast for <@111111111111111111> because you vetoed it.");
    const unknown = receiptMessage(receipt({ kind: "failed", reason: "gas_spike", detail: HOSTILE.repeat(50) }));
    expect(unknown.embeds[0]?.description).toContain("because of a problem Tribune has no words for (gas spike)");
    expect(allText([unknown])).not.toMatch(/@everyone|<@&/);
    expectWithinLimits([unknown]);
  });

  it("never name a private member, and name the pooled delegate as such", () => {
    const hidden = receiptMessage(
      receipt(
        { kind: "dry_run" },
        { voter: { kind: "member", member: { discordUserId: "999999999999999999", privacy: "private" } } },
      ),
    );
    expect(allText([hidden])).not.toContain("999999999999999999");
    expect(hidden.embeds[0]?.description).toContain("for a delegator.");
    const pooled = receiptMessage(receipt({ kind: "dry_run" }, { voter: { kind: "pooled" } }));
    expect(pooled.embeds[0]?.description).toContain("for the pooled delegate.");
  });
});
