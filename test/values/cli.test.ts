import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { digestContent, impact } from "./digestFixtures.js";

// The real `tribune` entry point in a child process, on a real Snapshot hub proposal record.
const HUB_PROPOSAL =
  "test/fixtures/values/sidekick-hub-proposal-0x07387077920ce65b805bd0ba913a02ecfe63d22cac3dbaed3d97c23afd053fe2.json";

function tribune(...args: string[]) {
  const result = spawnSync(process.execPath, ["--import", "tsx", "src/cli/tribune.ts", ...args], {
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", TRIBUNE_ENV_FILE: "" },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

// Each run starts Node with tsx and loads every command: seconds apiece, so these tests get more time than most.
describe("tribune profile compile and tribune decide", { timeout: 120_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), "tribune-values-"));

  it("compiles a statement into the profile document decide reads, and decides a real hub proposal with it", () => {
    const compiled = tribune("profile", "compile", "Security above all; treasury prudence matters somewhat.");
    expect(compiled.code).toBe(0);
    const out = JSON.parse(compiled.stdout);
    expect(out).toMatchObject({
      ok: true,
      compiledBy: "offline@lexicon-1",
      profile: { weights: { security_risk: 5, treasury_prudence: 2 }, rules: { rules: [], whenUnsure: "ask" } },
    });
    expect(out.shownBack).toContain("Security and risk: 5 (above all)");
    const profileFile = join(dir, "profile.json");
    writeFileSync(profileFile, compiled.stdout);

    const digestFile = join(dir, "digest.json");
    const content = digestContent({
      impacts: [impact(1, "security_risk", 2), impact(2, "security_risk", -1), impact(1, "treasury_prudence", -1)],
    });
    writeFileSync(digestFile, JSON.stringify({ content, confidence: 0.9, flagged: false, unreliable: false }));

    const decided = tribune("decide", HUB_PROPOSAL, digestFile, profileFile);
    expect(decided.stderr).toBe("");
    expect(decided.code).toBe(0);
    const decision = JSON.parse(decided.stdout);
    // YES gets everything: NO is negative, ABSTAIN never competes on utility.
    expect(decision).toMatchObject({
      outcome: "vote",
      votingType: "quadratic",
      choice: { "1": 100 },
      utilities: [8, -5, 0],
    });
    expect(decision.contributions).toEqual({ treasury_prudence: [-2, 0, 0], security_risk: [10, -5, 0] });
    expect(decision.explanation.reason.length).toBeLessThanOrEqual(420);
  });

  it("decides from what `tribune digest` prints, so the two commands chain", () => {
    const proposal = "test/fixtures/digest/proposals/lumen-lip-17.json";
    const digested = tribune("digest", proposal);
    expect(digested.code).toBe(0);
    const digestFile = join(dir, "piped-digest.json");
    writeFileSync(digestFile, digested.stdout);
    const profileFile = join(dir, "piped-profile.json");
    writeFileSync(profileFile, tribune("profile", "compile", "Security above all.").stdout);

    const decided = tribune("decide", proposal, digestFile, profileFile);
    expect(decided.stderr).toBe("");
    expect(decided.code).toBe(0);
    const decision = JSON.parse(decided.stdout);
    const printed = JSON.parse(digested.stdout);
    // The offline digest is extractive and low in confidence: the engine asks rather than votes, and says why.
    expect(decision.confidence).toBeLessThanOrEqual(printed.assessment.confidence);
    expect(decision.versions.taxonomyVersion).toBe(printed.producer.taxonomyVersion);
    expect(["vote", "ask", "abstain"]).toContain(decision.outcome);
    expect(decision.explanation.line.length).toBeGreaterThan(0);
  });

  it("prints a clear failure for an empty or contradictory statement, and usage for bad arguments", () => {
    const empty = tribune("profile", "compile", "");
    expect(empty.code).toBe(1);
    expect(JSON.parse(empty.stdout)).toMatchObject({ ok: false, problem: "empty" });
    expect(empty.stderr).toContain("The statement is empty");
    const contradictory = tribune("profile", "compile", "Growth is critical. I don't care about growth.");
    expect(JSON.parse(contradictory.stdout)).toMatchObject({ ok: false, problem: "contradictory" });
    expect(tribune("profile", "explain").code).toBe(2);
    expect(tribune("decide", "only-one.json").code).toBe(2);
  });

  it("names the file and the field when an input is wrong, and warns when a digest has no assessment", () => {
    const badProfile = join(dir, "bad-profile.json");
    writeFileSync(
      badProfile,
      JSON.stringify({ weights: { security_risk: 7 }, rules: { rules: [], whenUnsure: "ask" } }),
    );
    const digestFile = join(dir, "bare-digest.json");
    writeFileSync(digestFile, JSON.stringify(digestContent({ impacts: [impact(1, "security_risk", 2)] })));
    const bad = tribune("decide", HUB_PROPOSAL, digestFile, badProfile);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(`${badProfile} is not a profile at weights.security_risk`);

    const goodProfile = join(dir, "good-profile.json");
    writeFileSync(
      goodProfile,
      JSON.stringify({ weights: { security_risk: 4 }, rules: { rules: [], whenUnsure: "ask" } }),
    );
    const bare = tribune("decide", HUB_PROPOSAL, digestFile, goodProfile);
    expect(bare.code).toBe(0);
    expect(bare.stderr).toContain("the digest file has no assessment");
  });
});
