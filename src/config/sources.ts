import { z } from "zod";
import { fail, httpUrlVar, intVar, listVar, ok, type Parsed, parseUrl, secretVar, whenParsed } from "./envFields.js";
import { quoteValue } from "./quoteValue.js";
import type { Secret } from "./secret.js";

/** One on-chain Governor to watch. */
export type GovernorTarget = { readonly chainId: number; readonly address: `0x${string}` };

/** Where proposals come from: Snapshot spaces, Governor contracts, forums and Tally. */
export type SourcesConfig = {
  /** True when `SNAPSHOT_SPACES` names at least one space. */
  readonly snapshotEnabled: boolean;
  /** `SNAPSHOT_HUB_URL`: the hub's GraphQL endpoint. */
  readonly snapshotHubUrl: string;
  /** `SNAPSHOT_SEQUENCER_URL`: where signed votes are posted. */
  readonly snapshotSequencerUrl: string;
  /** `SNAPSHOT_API_KEY`: raises the hub's rate limit. */
  readonly snapshotApiKey: Secret | undefined;
  /** `SNAPSHOT_SPACES`: space ids such as "aave.eth". */
  readonly snapshotSpaces: readonly string[];
  /** `SNAPSHOT_POLL_SECONDS`: how often the hub is polled. */
  readonly snapshotPollSeconds: number;
  /** `SNAPSHOT_WEBHOOK_SECRET`: verifies the hub's webhook calls; unset means webhooks are not accepted. */
  readonly snapshotWebhookSecret: Secret | undefined;
  /** True when `GOVERNORS` names at least one contract. */
  readonly governorEnabled: boolean;
  /** `RPC_URL_<chainId>`: one JSON-RPC endpoint per chain. */
  readonly rpcUrls: Readonly<Record<number, string>>;
  /** `GOVERNORS`: the contracts to watch; each chain has an entry in `rpcUrls`. */
  readonly governors: readonly GovernorTarget[];
  /** `FORUM_HOSTS`: the only hosts whose forum threads are read (lower case, optionally with a port). */
  readonly forumHosts: readonly string[];
  /** `TALLY_API_KEY`. */
  readonly tallyApiKey: Secret | undefined;
  /** `TALLY_API_URL`: Tally's GraphQL endpoint. */
  readonly tallyApiUrl: string;
};

/** The sources' variables that hold secrets. */
export const sourcesSecretVariables = ["SNAPSHOT_API_KEY", "SNAPSHOT_WEBHOOK_SECRET", "TALLY_API_KEY"] as const;

const DEFAULT_FORUM_HOSTS = [
  "forum.arbitrum.foundation",
  "gov.uniswap.org",
  "discuss.ens.domains",
  "governance.aave.com",
  "forum.gnosis.io",
];

const RPC_PREFIX = "RPC_URL_";

function parseSpaceId(item: string): Parsed<string> {
  return /\s/.test(item) ? fail(`entry ${quoteValue(item)} is not a space id (no spaces inside)`) : ok(item);
}

function parseChainId(text: string): number | undefined {
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  return Number.isSafeInteger(value) && value > 0 ? value : undefined;
}

function parseGovernor(item: string): Parsed<GovernorTarget> {
  const match = /^(\d+):(0x[0-9a-fA-F]{40})$/.exec(item);
  const chainId = match?.[1] === undefined ? undefined : parseChainId(match[1]);
  if (!match?.[2] || chainId === undefined) {
    return fail(
      `entry ${quoteValue(item)} must be <chainId>:<0x and 40 hex digits>, e.g. 1:0x408ED6354d4973f66138C91495F2f2FCbd8724C3`,
    );
  }
  // Lower case so that the same contract written twice is one entry.
  return ok({ chainId, address: match[2].toLowerCase() as `0x${string}` });
}

const HOST = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?$/;

function parseForumHost(item: string): Parsed<string> {
  const host = item.toLowerCase();
  return HOST.test(host)
    ? ok(host)
    : fail(`entry ${quoteValue(item)} must be a host name such as gov.uniswap.org (no scheme or path)`);
}

/** Every `RPC_URL_<chainId>`, validated; problems are reported under the variable's own name. */
const rpcUrlsField = z.record(z.string(), z.string()).transform((vars, ctx) => {
  const rpcUrls: Record<number, string> = {};
  for (const [name, raw] of Object.entries(vars)) {
    if (raw.trim() === "") continue;
    const chainId = parseChainId(name.slice(RPC_PREFIX.length));
    const url = parseUrl(raw.trim(), ["http:", "https:", "ws:", "wss:"], "an http(s) or ws(s) URL");
    if (chainId === undefined) {
      ctx.addIssue({
        code: "custom",
        path: [name],
        message: "is not RPC_URL_<chainId> with a positive integer chain id",
      });
    } else if (!url.ok) {
      ctx.addIssue({ code: "custom", path: [name], message: url.problem });
    } else {
      rpcUrls[chainId] = url.value;
    }
  }
  return rpcUrls;
});

function pickRpcUrls(env: object): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (name.startsWith(RPC_PREFIX) && typeof value === "string") picked[name] = value;
  }
  return picked;
}

const sourcesFields = z
  .object({
    SNAPSHOT_HUB_URL: httpUrlVar("https://hub.snapshot.org/graphql"),
    SNAPSHOT_SEQUENCER_URL: httpUrlVar("https://seq.snapshot.org"),
    SNAPSHOT_API_KEY: secretVar(),
    SNAPSHOT_SPACES: listVar(parseSpaceId, []),
    SNAPSHOT_POLL_SECONDS: intVar({ min: 1, max: 86_400, fallback: 60 }),
    SNAPSHOT_WEBHOOK_SECRET: secretVar(),
    RPC_URLS: rpcUrlsField,
    GOVERNORS: listVar(parseGovernor, []),
    FORUM_HOSTS: listVar(parseForumHost, DEFAULT_FORUM_HOSTS),
    TALLY_API_KEY: secretVar(),
    TALLY_API_URL: httpUrlVar("https://api.tally.xyz/query"),
  })
  .superRefine(
    (env, ctx) => {
      const chains = new Set(env.GOVERNORS.map((governor) => governor.chainId));
      for (const chainId of chains) {
        if (env.RPC_URLS[chainId] !== undefined) continue;
        ctx.addIssue({
          code: "custom",
          path: ["GOVERNORS"],
          message: `names chain ${chainId}, but ${RPC_PREFIX}${chainId} is not set (each Governor's chain needs an RPC URL)`,
        });
      }
    },
    { when: whenParsed("GOVERNORS", "RPC_URLS") },
  )
  .transform(
    (env): SourcesConfig => ({
      snapshotEnabled: env.SNAPSHOT_SPACES.length > 0,
      snapshotHubUrl: env.SNAPSHOT_HUB_URL,
      snapshotSequencerUrl: env.SNAPSHOT_SEQUENCER_URL,
      snapshotApiKey: env.SNAPSHOT_API_KEY,
      snapshotSpaces: env.SNAPSHOT_SPACES,
      snapshotPollSeconds: env.SNAPSHOT_POLL_SECONDS,
      snapshotWebhookSecret: env.SNAPSHOT_WEBHOOK_SECRET,
      governorEnabled: env.GOVERNORS.length > 0,
      rpcUrls: env.RPC_URLS,
      governors: env.GOVERNORS,
      forumHosts: env.FORUM_HOSTS,
      tallyApiKey: env.TALLY_API_KEY,
      tallyApiUrl: env.TALLY_API_URL,
    }),
  );

/** Parses the sources' variables, including any number of `RPC_URL_<chainId>`. */
export const sourcesSchema = z.preprocess(
  // The RPC variables have open-ended names, so they are gathered into one field before the object is checked.
  (env) => (typeof env === "object" && env !== null ? { ...env, RPC_URLS: pickRpcUrls(env) } : env),
  sourcesFields,
);
