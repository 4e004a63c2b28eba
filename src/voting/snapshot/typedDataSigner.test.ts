import { randomBytes } from "node:crypto";
import { verifyTypedData, Wallet } from "@ethersproject/wallet";
import { describe, expect, it } from "vitest";
import { snapshot } from "./snapshotJs.js";
import { typedDataSigner } from "./typedDataSigner.js";

// The fast signer must be indistinguishable from the ethers Wallet it stands in for: the same signature for the same
// key and message (RFC 6979), which recovers to the agent's address.

const domain = { name: "snapshot", version: "0.1.4" };
const vote = (from: string, i: number, choice: unknown, type: string) => ({
  types: {
    Vote: [
      { name: "from", type: "address" },
      { name: "space", type: "string" },
      { name: "timestamp", type: "uint64" },
      { name: "proposal", type: "bytes32" },
      { name: "choice", type },
      { name: "reason", type: "string" },
      { name: "app", type: "string" },
      { name: "metadata", type: "string" },
    ],
  },
  message: {
    from,
    space: "tribune.eth",
    timestamp: 1_764_000_000 + i,
    proposal: `0x${randomBytes(32).toString("hex")}`,
    choice,
    reason: `Security decided it, ${i}. Audit entry 0x${randomBytes(32).toString("hex")} — ünïcode too`,
    app: "tribune",
    metadata: JSON.stringify({ digest: randomBytes(8).toString("hex") }),
  },
});

describe("typedDataSigner", () => {
  it("makes, for 200 random keys and votes of every choice type, the very signature the ethers Wallet makes", async () => {
    const choices: [unknown, string][] = [
      [1, "uint32"],
      [[2, 1, 3], "uint32[]"],
      [JSON.stringify({ 1: 2, 3: 1 }), "string"],
    ];
    for (let i = 0; i < 200; i++) {
      const wallet = new Wallet(randomBytes(32));
      const [choice, type] = choices[i % choices.length] as [unknown, string];
      const { types, message } = vote(wallet.address, i, choice, type);
      const fast = await typedDataSigner(wallet.privateKey)._signTypedData(domain, types, message);
      expect(fast).toBe(await wallet._signTypedData(domain, types, message));
      expect(verifyTypedData(domain, types, message, fast)).toBe(wallet.address);
    }
  });

  it("signs what snapshot.js's Client712 hands it, and the envelope verifies as the sequencer checks it", async () => {
    const wallet = new Wallet(randomBytes(32));
    let envelope: { address: string; sig: string; data: unknown } | undefined;
    class Capture extends snapshot.Client712 {
      override async send(sent: { address: string; sig: string; data: unknown }) {
        envelope = sent;
        return sent;
      }
    }
    const signer = typedDataSigner(wallet.privateKey);
    expect(signer.digest).toBeNull();
    await new Capture("http://127.0.0.1:9").vote(signer as never, wallet.address, {
      space: "tribune.eth",
      proposal: `0x${randomBytes(32).toString("hex")}`,
      type: "single-choice",
      choice: 2,
      reason: "because",
      app: "tribune",
      metadata: "{}",
      timestamp: 1_764_000_000,
    });
    const sent = envelope as { address: string; sig: string; data: { domain: object; types: object; message: object } };
    expect(sent.address).toBe(wallet.address);
    // The digest the caster takes as the vote's id is the sequencer's id for the envelope.
    expect(signer.digest).toBe(snapshot.utils.getHash(sent.data as never));
    expect(await snapshot.utils.verify(wallet.address, sent.sig, sent.data as never)).toBe(true);
  });
});
