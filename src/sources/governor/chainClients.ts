import type { Config } from "../../config/loadConfig.js";
import { type ChainClient, createChainClient } from "./chainClient.js";

/** One client per configured chain (`RPC_URL_<chainId>`), keyed by chain id, as the watcher and the caster both need. */
export function createChainClients(config: Pick<Config, "sources" | "governor">): Map<number, ChainClient> {
  return new Map(
    Object.entries(config.sources.rpcUrls).map(([id, url]) => [
      Number(id),
      createChainClient({ chainId: Number(id), url, timeoutMs: config.governor.rpcTimeoutMs }),
    ]),
  );
}
