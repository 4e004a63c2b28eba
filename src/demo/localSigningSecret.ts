import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Secret } from "../config/secret.js";
import { TribuneError } from "../errors/tribuneError.js";

// The demo's web view needs WEB_SIGNING_SECRET to sign the steward's link. A newcomer has none, so the demo makes one
// for the data folder, the way the agents' local mnemonic is made: random, in a file only the owner can read, never in
// the database or a log. It is used only when WEB_SIGNING_SECRET is unset.

/** The file name inside TRIBUNE_DATA_DIR. */
export const LOCAL_SIGNING_SECRET_FILE = "web-signing-secret.local";

/** Reads the data folder's signing secret, making one (256 bits, hex) on first use. */
export function loadOrCreateLocalSigningSecret(dataDir: string): { secret: Secret; created: boolean; path: string } {
  const path = join(dataDir, LOCAL_SIGNING_SECRET_FILE);
  try {
    if (existsSync(path)) {
      const text = readFileSync(path, "utf8").trim();
      // A file cut short (a full disk) would sign guessable links: replace it rather than use it.
      if (/^[0-9a-f]{64}$/.test(text)) return { secret: new Secret(text), created: false, path };
    }
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(path, `${randomBytes(32).toString("hex")}\n`, { mode: 0o600 });
    chmodSync(path, 0o600);
    return { secret: new Secret(readFileSync(path, "utf8").trim()), created: true, path };
  } catch (error) {
    throw new TribuneError(
      "demo.signing_secret_unwritable",
      `The data folder ${dataDir} is not writable (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
      "Set TRIBUNE_DATA_DIR to a folder Tribune may write, or set WEB_SIGNING_SECRET",
      { cause: error },
    );
  }
}
