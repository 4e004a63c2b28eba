import { describe, expect, it } from "vitest";
import { type ChainedEntry, ChainVerifier, chainEntry, entryHash, GENESIS_HASH } from "./hashChain.js";

function buildChain(length: number): ChainedEntry[] {
  const entries: ChainedEntry[] = [];
  for (let i = 0; i < length; i += 1) {
    const prev = entries[entries.length - 1] ?? null;
    const at = new Date(Date.UTC(2026, 10, 24, 12, 0, i));
    entries.push(chainEntry({ action: "test.step", actor: "system", proposalId: `p${i % 3}`, data: { i } }, at, prev));
  }
  return entries;
}

function verify(entries: ChainedEntry[]) {
  const verifier = new ChainVerifier();
  for (const entry of entries) verifier.push(entry);
  return verifier.verdict();
}

describe("hash chain", () => {
  it("links each entry to the one before it, starting from the genesis hash", () => {
    const [first, second] = buildChain(2);
    expect(first?.seq).toBe(1);
    expect(first?.prevHash).toBe(GENESIS_HASH);
    expect(second?.prevHash).toBe(first?.hash);
    expect(first?.hash).toBe(entryHash(GENESIS_HASH, first?.canonical ?? ""));
    expect(first?.canonical).toBe(
      '{"action":"test.step","actor":"system","at":"2026-11-24T12:00:00.000Z","data":{"i":0},"memberId":null,"proposalId":"p0","seq":1,"spaceId":null}',
    );
  });

  it("accepts an untouched chain and reports its head", () => {
    const entries = buildChain(50);
    expect(verify(entries)).toEqual({ intact: true, count: 50, lastSeq: 50, lastHash: entries[49]?.hash });
  });

  it("accepts an empty chain", () => {
    expect(verify([])).toEqual({ intact: true, count: 0, lastSeq: 0, lastHash: GENESIS_HASH });
  });

  it("names the entry whose hashed content was altered", () => {
    const entries = buildChain(10);
    const target = entries[6] as ChainedEntry;
    entries[6] = { ...target, canonical: target.canonical.replace('"i":6', '"i":66') };
    expect(verify(entries)).toMatchObject({ intact: false, brokenAt: 7, count: 6 });
  });

  it("names an entry whose columns no longer match what was hashed", () => {
    const entries = buildChain(10);
    entries[3] = { ...(entries[3] as ChainedEntry), action: "test.forged" };
    expect(verify(entries)).toMatchObject({ intact: false, brokenAt: 4, reason: expect.stringContaining("columns") });
  });

  it("catches a rehashed entry through the next link", () => {
    const entries = buildChain(10);
    const target = entries[2] as ChainedEntry;
    const canonical = target.canonical.replace('"i":2', '"i":22');
    entries[2] = { ...target, canonical, hash: entryHash(target.prevHash, canonical) };
    const verdict = verify(entries);
    // The forged entry now hashes correctly, so its successor's link is what breaks.
    expect(verdict).toMatchObject({ intact: false, brokenAt: 4, reason: expect.stringContaining("previous hash") });
  });

  it("catches a removed entry by the gap it leaves", () => {
    const entries = buildChain(10);
    entries.splice(5, 1);
    expect(verify(entries)).toMatchObject({ intact: false, brokenAt: 7, reason: expect.stringContaining("missing") });
  });

  it("refuses canonical content that was reformatted, even with a matching hash", () => {
    const entries = buildChain(3);
    const target = entries[0] as ChainedEntry;
    const canonical = JSON.stringify(JSON.parse(target.canonical), null, 1);
    entries[0] = { ...target, canonical, hash: entryHash(target.prevHash, canonical) };
    expect(verify(entries)).toMatchObject({ intact: false, brokenAt: 1, reason: expect.stringContaining("columns") });
  });
});
