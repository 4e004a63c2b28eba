import { ButtonStyle } from "discord.js";
import { describeProfile } from "../../values/describeProfile.js";
import { clip } from "../../values/plainText.js";
import { safeClip, safeInline, safeText } from "./hostileText.js";
import { layoutEmbeds } from "./limits.js";
import { button, buttonRows, customId, type EphemeralMessage, embedMessages, ephemeral } from "./presentedMessage.js";
import { COLOURS, relativeTime } from "./proposalText.js";
import type { ProfileView } from "./views.js";

// A member's compiled profile shown back before it votes: the weights at a glance, then exactly what the engine will
// use in plain words (describeProfile), then Confirm or Edit. Only the member sees it (an ephemeral reply), and the
// buttons' ids name the member, so the handler can refuse anyone else who somehow presses them.

const MAX_WEIGHT = 5;

/** The profile shown back as ephemeral message(s); Confirm and Edit are on the last one, under the text. */
export function profileMessages(view: ProfileView): EphemeralMessage[] {
  const status = view.confirmedAt
    ? `✅ **Confirmed** ${relativeTime(view.confirmedAt)}: this is what votes for you in ${safeInline(view.spaceName)}.`
    : "**Not confirmed yet:** nothing votes for you from this profile until you confirm it.";
  const embeds = layoutEmbeds({
    title: clip(`Your values in ${safeInline(view.spaceName)} (version ${view.version})`, 200),
    color: view.confirmedAt ? COLOURS.done : COLOURS.personal,
    description: `${status}\n\n${safeText(describeProfile(view, view.taxonomy))}`,
    sections: [{ name: "At a glance", value: weightBars(view) }],
    footer: `Compiled by ${view.compiledBy} · version ${view.version}${view.confirmedAt ? " · confirmed" : " · not confirmed"}`,
  });
  const buttons = buttonRows([
    button(
      view.confirmedAt ? "Confirmed" : "Confirm",
      customId("profile", "confirm", view.spaceId, view.version, view.discordUserId),
      ButtonStyle.Success,
      view.confirmedAt !== null,
    ),
    button("Edit", customId("profile", "edit", view.spaceId, view.discordUserId), ButtonStyle.Secondary),
  ]);
  return embedMessages(embeds, buttons, "last").map(ephemeral);
}

/** One bar per dimension in the space's order: "▰▰▰▱▱ 3 · Treasury prudence". */
function weightBars(view: ProfileView): string {
  return view.taxonomy
    .map((dimension) => {
      const weight = Math.max(0, Math.min(MAX_WEIGHT, Math.round(view.weights[dimension.id] ?? 0)));
      const bar = "▰".repeat(weight) + "▱".repeat(MAX_WEIGHT - weight);
      return `\`${bar}\` ${weight} · ${safeClip(dimension.name, 60)}`;
    })
    .join("\n");
}
