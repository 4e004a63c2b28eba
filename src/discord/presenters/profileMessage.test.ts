import { MessageFlags } from "discord.js";
import { describe, expect, it } from "vitest";
import { describeProfile } from "../../values/describeProfile.js";
import { safeText } from "./hostileText.js";
import { profileMessages } from "./profileMessage.js";
import { allText, expectWithinLimits, HOSTILE, LONG_PROPOSAL_ID, LONG_USER_ID, profileView } from "./viewFixtures.js";

describe("the profile shown back", () => {
  it("is ephemeral, shows the weights as bars and the whole profile in plain words, with Confirm and Edit", () => {
    const view = profileView();
    const messages = profileMessages(view);
    expect(messages).toHaveLength(1);
    const [message] = messages;
    expect(message?.flags).toBe(MessageFlags.Ephemeral);
    const embed = message?.embeds[0];
    expect(embed?.title).toBe("Your values in Example DAO (version 3)");
    expect(embed?.description).toContain("**Not confirmed yet:** nothing votes for you from this profile");
    expect(embed?.description).toContain(safeText(describeProfile(view, view.taxonomy)));
    expect(embed?.description).toContain("moves more than $1,000,000 out of the treasury, Tribune will ask you");
    const bars = embed?.fields?.find((f) => f.name === "At a glance")?.value.split("\n") ?? [];
    expect(bars).toHaveLength(8);
    expect(bars).toContain("`▰▰▰▰▰` 5 · Treasury prudence");
    expect(bars).toContain("`▰▰▱▱▱` 2 · Public goods and community");
    expect(bars).toContain("`▱▱▱▱▱` 0 · Decentralization");
    expect(embed?.footer?.text).toBe("Compiled by offline@lexicon-1 · version 3 · not confirmed");
    const buttons = message?.components[0]?.components ?? [];
    expect(buttons.map((b) => ("custom_id" in b ? [b.label, b.custom_id, b.disabled] : []))).toEqual([
      ["Confirm", `profile:confirm:${LONG_PROPOSAL_ID}:3:${LONG_USER_ID}`, false],
      ["Edit", `profile:edit:${LONG_PROPOSAL_ID}:${LONG_USER_ID}`, false],
    ]);
    expectWithinLimits(messages);
  });

  it("says when it was confirmed and disables Confirm", () => {
    const confirmedAt = new Date("2026-11-01T00:00:00Z");
    const [message] = profileMessages(profileView({ confirmedAt }));
    expect(message?.embeds[0]?.description).toContain(
      `✅ **Confirmed** <t:${confirmedAt.getTime() / 1000}:R>: this is what votes for you in Example DAO.`,
    );
    expect(message?.components[0]?.components.map((b) => b.disabled)).toEqual([true, false]);
  });

  it("keeps the member's own words inert and fits the largest profile, buttons under the last part", () => {
    const rules = Array.from({ length: 20 }, (_, i) => ({
      id: `rule-${i}`,
      when: [{ kind: "author" as const, in: Array.from({ length: 20 }, () => "a".repeat(100)) }],
      action: { kind: "vote" as const, choice: { label: HOSTILE } },
    }));
    const messages = profileMessages(
      profileView({
        rules: { rules, whenUnsure: "abstain" },
        because: { treasury_prudence: [HOSTILE] },
        notes: [HOSTILE],
      }),
    );
    expectWithinLimits(messages);
    expect(allText(messages)).not.toMatch(/@everyone|<@&|<@123456789012345678>/);
    expect(messages.length).toBeGreaterThan(1);
    expect(messages.at(-1)?.components).toHaveLength(1);
    expect(messages.slice(0, -1).every((m) => m.components.length === 0)).toBe(true);
  });
});
