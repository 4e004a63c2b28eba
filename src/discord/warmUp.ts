import { offlineProfileCompiler } from "../values/offlineCompiler.js";
import { DEFAULT_TAXONOMY } from "../values/taxonomy.js";
import type { Keyring } from "../voting/keyring.js";
import type { DiscordServices } from "./discordServices.js";

// Paying for first uses before going online. The first database query (Prisma loading its query compiler), the first
// profile compile (the offline lexicon building its patterns) and the first key derivation (the curve's tables) each
// run synchronously for a while: ~600 ms together on a busy machine, during which the bot's event loop answers
// nothing. Done after login, the first members' interactions would pay it and risk Discord's 3 s; so the bot (and the
// test harness, the same way) runs this before the client logs in. Nothing here writes anything or calls out.

/** How long each first use took, for the start-up log. */
export interface WarmUpReport {
  databaseMs: number;
  compilerMs: number;
  keysMs: number;
}

/** The services whose first uses are paid here; `keyring` is null when no agent mnemonic is configured. */
export type WarmUpServices = Pick<DiscordServices, "prisma" | "proposals"> & {
  keyring?: Pick<Keyring, "address"> | null;
};

/** Runs the slow first uses once; read-only. */
export async function warmUp(services: WarmUpServices): Promise<WarmUpReport> {
  const timed = async (work: () => unknown): Promise<number> => {
    const started = performance.now();
    await work();
    return Math.round(performance.now() - started);
  };
  // The queries autocomplete and /proposals run first, for a guild that does not exist: the shapes compile, no rows.
  const databaseMs = await timed(async () => {
    await services.prisma.space.findFirst({ select: { id: true } });
    await services.proposals.suggest("0", "");
    await services.proposals.list("0", { state: "open", limit: 1 });
  });
  const compilerMs = await timed(() =>
    offlineProfileCompiler.compile("Warm-up: treasury prudence and public goods.", DEFAULT_TAXONOMY),
  );
  const keysMs = await timed(() => services.keyring?.address(0));
  return { databaseMs, compilerMs, keysMs };
}
