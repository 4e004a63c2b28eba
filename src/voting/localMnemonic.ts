import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { entropyToMnemonic } from "@ethersproject/hdnode";
import { Secret } from "../config/secret.js";
import { TribuneError } from "../errors/tribuneError.js";

// On the embedded defaults (no DATABASE_URL, no AGENT_MNEMONIC), members still need agent addresses to see the whole
// flow, so Tribune makes a mnemonic for this data folder and keeps it in a file only the owner can read, beside the
// embedded database: never in the database, never in a log. It can never cast: live mode needs AGENT_MNEMONIC.

/** The file name inside TRIBUNE_DATA_DIR. */
export const LOCAL_MNEMONIC_FILE = "agent-mnemonic.local";

/** Reads the data folder's mnemonic, making one (128 bits of entropy, 12 words) on first use. */
export function loadOrCreateLocalMnemonic(dataDir: string): { mnemonic: Secret; created: boolean; path: string } {
  try {
    return readOrCreate(dataDir);
  } catch (error) {
    // The same words the embedded database uses for the same folder, since it is the same fix.
    throw new TribuneError(
      "voting.local_mnemonic_unwritable",
      `The data folder ${dataDir} is not writable (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
      "Set TRIBUNE_DATA_DIR to a folder Tribune may write, or set DATABASE_URL and AGENT_MNEMONIC",
      { cause: error },
    );
  }
}

function readOrCreate(dataDir: string): { mnemonic: Secret; created: boolean; path: string } {
  const path = join(dataDir, LOCAL_MNEMONIC_FILE);
  if (existsSync(path)) {
    return { mnemonic: new Secret(readFileSync(path, "utf8").trim().split(/\s+/).join(" ")), created: false, path };
  }
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(path, `${entropyToMnemonic(randomBytes(16))}\n`, { mode: 0o600, flag: "wx" });
  chmodSync(path, 0o600);
  return { mnemonic: new Secret(readFileSync(path, "utf8").trim()), created: true, path };
}
