import { inspect } from "node:util";
import { verifyMessage } from "@ethersproject/wallet";
import { describe, expect, it } from "vitest";
import { Secret } from "../config/secret.js";
import { createKeyring, KeyringError } from "./keyring.js";

// The mnemonic every Ethereum dev tool ships with (Hardhat, Anvil): its first accounts are public test vectors.
const DEV_PHRASE = "test test test test test test test test test test test junk";
const DEV_ADDRESSES = [
  "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
  "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
  "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC",
];

/** Everything an error can put in front of a person or a log line. */
function everythingShown(error: unknown): string {
  const e = error as Error & { hint?: string; cause?: unknown };
  return [e.message, e.hint, e.stack, String(e), inspect(e, { depth: 10 }), JSON.stringify(e), inspect(e.cause)].join(
    "\n",
  );
}

describe("createKeyring", () => {
  it("derives the standard accounts: agent n is m/44'/60'/0'/0/n, checksummed", () => {
    const keyring = createKeyring(new Secret(DEV_PHRASE));
    expect(DEV_ADDRESSES.map((_, i) => keyring.address(i))).toEqual(DEV_ADDRESSES);
  });

  it("gives each agent a signer whose signatures recover to that agent's address", async () => {
    const keyring = createKeyring(new Secret(DEV_PHRASE));
    for (const index of [0, 1, 2, 41_337]) {
      const signature = await keyring.signer(index).signMessage("tribune");
      expect(verifyMessage("tribune", signature)).toBe(keyring.address(index));
      // The key a caster signs with on the spot is that signer's key.
      expect(keyring.privateKey(index)).toBe(keyring.signer(index).privateKey);
    }
    expect(new Set([0, 1, 2, 3, 4].map((i) => keyring.address(i))).size).toBe(5);
  });

  it("gives the same agents after its cache forgot them", () => {
    const small = createKeyring(new Secret(DEV_PHRASE), { cacheSize: 2 });
    const first = [0, 1, 2, 3].map((i) => small.address(i));
    expect([3, 2, 1, 0].map((i) => small.address(i))).toEqual([...first].reverse());
    expect(first.slice(0, 3)).toEqual(DEV_ADDRESSES);
  });

  it("keeps no mnemonic in the signers it hands out, and prints none", () => {
    const keyring = createKeyring(new Secret(DEV_PHRASE));
    const signer = keyring.signer(0);
    expect(signer.mnemonic).toBeNull();
    const printed = [inspect(signer, { depth: 10, showHidden: true }), JSON.stringify(signer)].join("\n");
    expect(printed).not.toContain("test test");
    expect(printed).not.toContain(signer.privateKey.slice(2));
  });

  it.each([
    [
      "a word outside the BIP-39 list",
      "legal winner thank year wave sausage worth useful legal winner thank tribunezz",
    ],
    ["a failing checksum", "legal winner thank year wave sausage worth useful legal winner thank thank"],
    ["the wrong number of words", "legal winner thank year wave sausage worth useful legal winner"],
  ])("refuses a phrase with %s without ever showing its words", (_, phrase) => {
    const error = (() => {
      try {
        createKeyring(new Secret(phrase));
      } catch (caught) {
        return caught;
      }
      throw new Error("the phrase was accepted");
    })();
    expect(error).toBeInstanceOf(KeyringError);
    expect((error as KeyringError).code).toBe("config.mnemonic_invalid");
    const shown = everythingShown(error);
    for (const word of new Set(phrase.split(" "))) expect(shown).not.toMatch(new RegExp(`\\b${word}\\b`, "i"));
  });

  it.each([-1, 1.5, 0x80000000, Number.NaN])("refuses agent index %s (hardened or not a whole number)", (index) => {
    const keyring = createKeyring(new Secret(DEV_PHRASE));
    expect(() => keyring.address(index)).toThrow(KeyringError);
    expect(() => keyring.signer(index)).toThrow(KeyringError);
  });
});
