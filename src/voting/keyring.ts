import { HDNode } from "@ethersproject/hdnode";
import { Wallet } from "@ethersproject/wallet";
import type { Secret } from "../config/secret.js";
import { TribuneError } from "../errors/tribuneError.js";

// One BIP-39 mnemonic, many agents: member n's personal agent is the key at m/44'/60'/0'/0/n (the path every wallet
// uses for "account n", so an operator can inspect an agent in any wallet). The phrase and the keys stay in this
// closure; callers get addresses, or a signer to hand straight to a caster. Nothing here is ever logged or stored.

/** The standard Ethereum derivation path; the agent index is the last segment. */
export const AGENT_PATH_PREFIX = "m/44'/60'/0'/0";

/** The mnemonic is not a valid BIP-39 phrase (the message never contains it). */
export class KeyringError extends TribuneError {}

export interface Keyring {
  /** The checksummed address of the agent at this index. */
  address(index: number): string;
  /** An ethers v5 signer for the agent at this index, made on each call (for viem accounts and tests). */
  signer(index: number): Wallet;
  /** The agent's private key (0x hex), for a signer made on the spot; never log, store or show it. */
  privateKey(index: number): string;
}

export interface KeyringOptions {
  /** How many agents' signers stay derived in memory (least recently used go first); 10,000 by default. */
  cacheSize?: number;
}

/** Builds the keyring from the configured mnemonic. */
export function createKeyring(mnemonic: Secret, options: KeyringOptions = {}): Keyring {
  const cacheSize = Math.max(1, options.cacheSize ?? 10_000);
  let root: HDNode;
  try {
    root = HDNode.fromMnemonic(mnemonic.reveal()).derivePath(AGENT_PATH_PREFIX);
  } catch {
    // Deliberately no `cause`: ethers' error may quote the phrase, and a cause travels into logs with the error.
    throw new KeyringError(
      "config.mnemonic_invalid",
      "AGENT_MNEMONIC is not a valid BIP-39 phrase (a word is not in the English list, or the checksum fails)",
      "check the phrase word by word; the value is not shown",
    );
  }
  // Deriving an agent costs about 2.5 ms (a child key, then its public key), and a vote per member per proposal
  // asks for it again, so each agent's key and address are kept once derived: about 200 bytes an agent. Not a Wallet:
  // ethers' Wallets keep elliptic's precomputed tables (about 40 KB each, 400 MB for 10,000 agents), and not the child
  // node itself: ethers' child nodes carry the whole mnemonic phrase along. The cache is bounded (insertion order of
  // a Map, refreshed on use, is the recency order).
  const agents = new Map<number, { address: string; privateKey: string }>();
  const agent = (index: number) => {
    if (!Number.isInteger(index) || index < 0 || index >= 0x80000000) {
      throw new KeyringError(
        "voting.agent_index_invalid",
        `agent index ${index} is not a non-hardened index`,
        "agent indexes are whole numbers from 0 to 2^31 − 1; this is a bug in the caller",
      );
    }
    let found = agents.get(index);
    if (found) {
      agents.delete(index);
    } else {
      const child = root.derivePath(String(index));
      found = { address: child.address, privateKey: child.privateKey };
      if (agents.size >= cacheSize) agents.delete(agents.keys().next().value as number);
    }
    agents.set(index, found);
    return found;
  };
  return {
    address: (index) => agent(index).address,
    signer: (index) => new Wallet(agent(index).privateKey),
    privateKey: (index) => agent(index).privateKey,
  };
}
