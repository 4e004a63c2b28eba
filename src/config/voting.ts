import { z } from "zod";
import { intVar, secretVar } from "./envFields.js";
import type { Secret } from "./secret.js";

/** What casting votes needs: the keys, and the timing around the veto window. */
export type VotingConfig = {
  /** `AGENT_MNEMONIC`: the BIP-39 phrase every member's agent key is derived from; unset means no live casting. */
  readonly agentMnemonic: Secret | undefined;
  /** `RELAYER_PRIVATE_KEY`: pays gas for on-chain casts. */
  readonly relayerPrivateKey: Secret | undefined;
  /** `VETO_WINDOW_SECONDS`: how long an announced vote waits for a member's veto. */
  readonly vetoWindowSeconds: number;
  /** `CAST_SAFETY_MARGIN_SECONDS`: cast at least this long before the proposal closes. */
  readonly castSafetyMarginSeconds: number;
  /**
   * `SNAPSHOT_CAST_TIMEOUT_MS`: how long one vote's POST to the sequencer may take, answer included. The sequencer
   * checks voting power with the score API before answering, which can take seconds. (The sequencer's URL is
   * `SNAPSHOT_SEQUENCER_URL`, with the other Snapshot endpoints in the sources' config.)
   */
  readonly snapshotCastTimeoutMs: number;
};

/** Voting's variables that hold secrets. */
export const votingSecretVariables = ["AGENT_MNEMONIC", "RELAYER_PRIVATE_KEY"] as const;

const MNEMONIC_WORD_COUNTS = [12, 15, 18, 21, 24];

// Only the word count is checked: checking words against the BIP-39 list belongs to the keyring, which has it. The
// message may state the count, which reveals nothing of the phrase.
function checkMnemonic(phrase: string): string | undefined {
  const words = phrase.split(" ").length;
  return MNEMONIC_WORD_COUNTS.includes(words)
    ? undefined
    : `must be a BIP-39 phrase of 12, 15, 18, 21 or 24 words, got ${words} word${words === 1 ? "" : "s"} (value not shown)`;
}

function checkPrivateKey(raw: string): string | undefined {
  return /^0x[0-9a-fA-F]{64}$/.test(raw) ? undefined : "must be 0x followed by 64 hex digits (value not shown)";
}

/** Parses voting's variables. */
export const votingSchema = z
  .object({
    // One space between words, as BIP-39 hashes the phrase exactly (a file may hold it over several lines).
    AGENT_MNEMONIC: secretVar({ check: checkMnemonic, normalize: (raw) => raw.split(/\s+/).join(" ") }),
    RELAYER_PRIVATE_KEY: secretVar({ check: checkPrivateKey }),
    VETO_WINDOW_SECONDS: intVar({ min: 30, fallback: 86_400 }),
    CAST_SAFETY_MARGIN_SECONDS: intVar({ min: 0, fallback: 600 }),
    SNAPSHOT_CAST_TIMEOUT_MS: intVar({ min: 1_000, max: 300_000, fallback: 30_000 }),
  })
  .transform(
    (env): VotingConfig => ({
      agentMnemonic: env.AGENT_MNEMONIC,
      relayerPrivateKey: env.RELAYER_PRIVATE_KEY,
      vetoWindowSeconds: env.VETO_WINDOW_SECONDS,
      castSafetyMarginSeconds: env.CAST_SAFETY_MARGIN_SECONDS,
      snapshotCastTimeoutMs: env.SNAPSHOT_CAST_TIMEOUT_MS,
    }),
  );
