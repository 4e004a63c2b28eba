import { describe, expect, it } from "vitest";
import { problemsOf } from "../../test/support/configProblems.js";
import { loadConfig } from "./loadConfig.js";

const ARBITRUM_GOVERNOR = "0xf07DeD9dC292157749B6Fd268E37DF6EA38395B9";
const ENS_GOVERNOR = "0x323A76393544d5ecca80cd6ef2A560C6a395b7E3";

describe("sources: Snapshot", () => {
  it("reads the spaces, trimming blanks and duplicates, and enables Snapshot", () => {
    const { sources } = loadConfig({ SNAPSHOT_SPACES: " aave.eth, ens.eth,,aave.eth " });
    expect(sources.snapshotSpaces).toEqual(["aave.eth", "ens.eth"]);
    expect(sources.snapshotEnabled).toBe(true);
  });

  it("rejects a space id with whitespace inside", () => {
    expect(problemsOf({ SNAPSHOT_SPACES: "aave.eth,ens eth" })).toEqual([
      'SNAPSHOT_SPACES entry "ens eth" is not a space id (no spaces inside)',
    ]);
  });
});

describe("sources: RPC URLs and Governors", () => {
  it("collects any number of RPC_URL_<chainId> into rpcUrls", () => {
    const { sources } = loadConfig({
      RPC_URL_1: "https://eth.example/v2/key",
      RPC_URL_42161: "wss://arb.example/ws/",
      RPC_URL_10: "",
    });
    expect(sources.rpcUrls).toEqual({ 1: "https://eth.example/v2/key", 42161: "wss://arb.example/ws" });
    expect(sources.governorEnabled).toBe(false);
  });

  it("reads Governors whose chains have RPC URLs, lower-casing addresses", () => {
    const { sources } = loadConfig({
      RPC_URL_1: "https://eth.example",
      RPC_URL_42161: "https://arb.example",
      GOVERNORS: `42161:${ARBITRUM_GOVERNOR}, 1:${ENS_GOVERNOR}, 1:${ENS_GOVERNOR.toLowerCase()}`,
    });
    expect(sources.governors).toEqual([
      { chainId: 42161, address: ARBITRUM_GOVERNOR.toLowerCase() },
      { chainId: 1, address: ENS_GOVERNOR.toLowerCase() },
    ]);
    expect(sources.governorEnabled).toBe(true);
  });

  it("names each Governor chain that lacks an RPC URL", () => {
    expect(
      problemsOf({
        RPC_URL_1: "https://eth.example",
        GOVERNORS: `42161:${ARBITRUM_GOVERNOR},1:${ENS_GOVERNOR},10:${ENS_GOVERNOR}`,
      }),
    ).toEqual([
      "GOVERNORS names chain 42161, but RPC_URL_42161 is not set (each Governor's chain needs an RPC URL)",
      "GOVERNORS names chain 10, but RPC_URL_10 is not set (each Governor's chain needs an RPC URL)",
    ]);
  });

  it("still checks the Governor rule when an unrelated source variable is wrong", () => {
    expect(problemsOf({ SNAPSHOT_POLL_SECONDS: "soon", GOVERNORS: `10:${ENS_GOVERNOR}` })).toEqual([
      'SNAPSHOT_POLL_SECONDS must be an integer 1–86400, got "soon"',
      "GOVERNORS names chain 10, but RPC_URL_10 is not set (each Governor's chain needs an RPC URL)",
    ]);
  });

  it("rejects malformed Governor entries, all in one problem", () => {
    expect(problemsOf({ GOVERNORS: `mainnet:${ENS_GOVERNOR},1:0x1234` })).toEqual([
      `GOVERNORS entry "mainnet:${ENS_GOVERNOR.slice(0, 32)}…" must be <chainId>:<0x and 40 hex digits>, e.g. 1:0x408ED6354d4973f66138C91495F2f2FCbd8724C3; entry "1:0x1234" must be <chainId>:<0x and 40 hex digits>, e.g. 1:0x408ED6354d4973f66138C91495F2f2FCbd8724C3`,
    ]);
  });

  it("rejects an RPC URL of the wrong scheme without echoing its path, where keys live", () => {
    expect(problemsOf({ RPC_URL_1: "ftp://eth.example/v2/sk_live_abcdef" })).toEqual([
      'RPC_URL_1 must be an http(s) or ws(s) URL, got "ftp://eth.example…"',
    ]);
  });

  it("rejects an RPC variable whose suffix is not a chain id", () => {
    expect(problemsOf({ RPC_URL_MAINNET: "https://eth.example", RPC_URL_0: "https://zero.example" })).toEqual([
      "RPC_URL_MAINNET is not RPC_URL_<chainId> with a positive integer chain id",
      "RPC_URL_0 is not RPC_URL_<chainId> with a positive integer chain id",
    ]);
  });
});

describe("sources: forums and Tally", () => {
  it("reads forum hosts in lower case, ports allowed", () => {
    expect(loadConfig({ FORUM_HOSTS: "Gov.Uniswap.org, 127.0.0.1:4020" }).sources.forumHosts).toEqual([
      "gov.uniswap.org",
      "127.0.0.1:4020",
    ]);
  });

  it("rejects a forum entry that is a URL rather than a host", () => {
    expect(problemsOf({ FORUM_HOSTS: "https://gov.uniswap.org/t/1" })).toEqual([
      'FORUM_HOSTS entry "https://gov.uniswap.org/t/1" must be a host name such as gov.uniswap.org (no scheme or path)',
    ]);
  });

  it("reads Tally's URL", () => {
    expect(loadConfig({ TALLY_API_URL: "http://127.0.0.1:4030/query" }).sources.tallyApiUrl).toBe(
      "http://127.0.0.1:4030/query",
    );
  });
});
