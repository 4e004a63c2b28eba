import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createOfflineDigester } from "../../src/digest/offline/offlineDigester.js";
import { loadOfflineLexicon } from "../../src/digest/offline/offlineLexicon.js";
import { produceDigest } from "../../src/digest/produceDigest.js";
import { findQuote, normaliseForMatch } from "../../src/digest/textNormalise.js";
import { adversarialVariants } from "./support/adversarialSet.js";
import { fixtureInput, fixturePath } from "./support/fixtures.js";

describe("offline digester", () => {
  it("digests the real YIP-63 proposal byte-identically, from independently loaded lexicons", async () => {
    const input = fixtureInput("snapshotjs-yip-63");
    const first = await produceDigest(createOfflineDigester(await loadOfflineLexicon()), input);
    const second = await produceDigest(
      createOfflineDigester(await loadOfflineLexicon()),
      fixtureInput("snapshotjs-yip-63"),
    );
    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
    expect(first.ok).toBe(true);
  });

  it("says it is extractive, copies only what the proposal says, and passes its own evidence check", async () => {
    const raw = JSON.parse(readFileSync(fixturePath("proposals", "snapshotjs-yip-63"), "utf8")) as { body: string };
    const outcome = await produceDigest(
      createOfflineDigester(await loadOfflineLexicon()),
      fixtureInput("snapshotjs-yip-63"),
    );
    if (!outcome.ok) throw new Error(outcome.detail);
    expect(outcome.content.extractive).toBe(true);
    expect(outcome.content.tldr.startsWith("Extractive summary (offline, not a model's judgement): ")).toBe(true);
    expect(outcome.producer).toMatchObject({ provider: "offline", model: "tribune-extractive" });
    expect(outcome.findings.evidence).toEqual([]);
    expect(outcome.usage).toEqual({ inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 });
    for (const item of [...outcome.content.whatChanges, ...outcome.content.risks]) {
      expect(findQuote(item, raw.body), item).toBe("found");
    }
    expect(outcome.content.money.map((m) => `${m.amount} ${m.token}`)).toContain("20,000 YAM");
    expect(outcome.content.category).toBe("treasury");
    // "Add 20,000 $YAM" approves, "Do not add $YAM" rejects: impacts mirror each other.
    const byChoice = (choice: number) => outcome.content.impacts.filter((i) => i.choice === choice);
    expect(byChoice(1).length).toBeGreaterThan(0);
    expect(byChoice(2).map((i) => -i.impact)).toEqual(byChoice(1).map((i) => i.impact));
  });

  it("never copies a passage the injection screen flagged", async () => {
    const digester = createOfflineDigester(await loadOfflineLexicon());
    for (const variant of adversarialVariants()) {
      const outcome = await produceDigest(digester, variant.input);
      if (!outcome.ok) throw new Error(outcome.detail);
      expect(outcome.assessment.flagged, variant.name).toBe(true);
      const copied = normaliseForMatch(JSON.stringify(outcome.content));
      const planted = normaliseForMatch(variant.payload.text).slice(0, 40);
      expect(copied.includes(planted), variant.name).toBe(false);
    }
  });
});
