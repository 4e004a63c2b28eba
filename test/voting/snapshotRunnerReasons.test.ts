import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { castIntent } from "../../src/voting/castIntent.js";
import { CAST_REASONS, castReasonLine, isCastReason } from "../../src/voting/castReasons.js";
import type { MemberWord } from "../../src/voting/memberOverride.js";

// Every reason the casting path writes must have a line a member can read in the thread.

describe("cast reasons", () => {
  it('every line is one short sentence fragment that completes "because …"', () => {
    for (const [code, line] of Object.entries(CAST_REASONS)) {
      expect(code).toMatch(/^[a-z][a-z_]*$/);
      expect(line.trim()).toBe(line);
      expect(line).not.toMatch(/\n|\.$/);
      expect(line.length).toBeLessThan(140);
    }
    expect(castReasonLine("own_vote")).toBe("you voted yourself");
    expect(castReasonLine("from_the_future")).toMatch(/no words for \(from the future\)/);
  });

  it("covers every skip the member's word or decision can cause", () => {
    const words: (MemberWord | null)[] = [null, { kind: "veto" }, { kind: "auto" }];
    const outcomes = ["vote", "abstain", "ask", "never"] as const;
    const seen = new Set<string>();
    for (const word of words)
      for (const outcome of outcomes)
        for (const choice of [1, null])
          for (const votedThemselves of [false, true])
            for (const privacy of ["", "shutter"]) {
              const intent = castIntent({
                decision: { outcome, choice },
                word,
                votingType: "basic",
                choices: ["For", "Against"],
                privacy,
                votedThemselves,
              });
              if (intent.kind === "skip") seen.add(intent.reason);
            }
    expect(seen.size).toBeGreaterThan(4);
    for (const reason of seen) expect(isCastReason(reason), reason).toBe(true);
  });

  it("covers every literal reason the Snapshot runner, its helpers and the outbox write", () => {
    const sources = [
      "src/voting/snapshotCastRunner.ts",
      "src/voting/snapshot/castBallot.ts",
      "src/voting/snapshot/afterSending.ts",
      "src/voting/announcements.ts",
      "src/voting/castPlanner.ts",
    ].map((path) => readFileSync(path, "utf8"));
    const literal =
      /(?:settle|retry)\(\s*"(?:confirmed|failed|skipped)",\s*"([a-z_]+)"|retry\(\s*"([a-z_]+)"|failureReason: "([a-z_]+)"|reason: "([a-z_]+)"|code: "([a-z_]+)"/g;
    const codes = new Set<string>();
    for (const text of sources) for (const m of text.matchAll(literal)) codes.add(m.slice(1).find(Boolean) as string);
    expect(codes).toContain("no_voting_power");
    expect(codes).toContain("hub_unavailable");
    for (const code of codes) expect(isCastReason(code), code).toBe(true);
  });
});
