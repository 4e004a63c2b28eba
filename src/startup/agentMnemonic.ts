// Start-up wiring, split from main.ts by part: which mnemonic the agents' keys come from.
import type { Config } from "../config/loadConfig.js";
import type { Secret } from "../config/secret.js";
import { loadOrCreateLocalMnemonic } from "../voting/localMnemonic.js";

/** The agent mnemonic: the configured one, or on the embedded defaults one made for the data folder. */
export function agentMnemonic(config: Config): { mnemonic: Secret; local: boolean } | null {
  if (config.voting.agentMnemonic) return { mnemonic: config.voting.agentMnemonic, local: false };
  if (config.database.url) return null;
  return { mnemonic: loadOrCreateLocalMnemonic(config.database.dataDir).mnemonic, local: true };
}
