import type { Command, ComponentHandler } from "../src/discord/command.js";
import { profileComponents } from "../src/discord/profileFlow.js";
import { voteComponents } from "../src/discord/voteButtons.js";
import audit from "./audit.js";
import delegate from "./delegate.js";
import override from "./override.js";
import pause from "./pause.js";
import preview from "./preview.js";
import profile from "./profile.js";
import proposals from "./proposals.js";
import resume from "./resume.js";
import space from "./space.js";
import summary from "./summary.js";
import why from "./why.js";

// Every slash command Tribune registers, and every button or modal they lead to. Deploying (npm run
// commands:deploy) sends exactly `definitions`; the router answers exactly these.

/** The commands, in the order Discord lists them. */
export const commands = [
  proposals,
  summary,
  profile,
  delegate,
  preview,
  override,
  why,
  audit,
  space,
  pause,
  resume,
] as unknown as readonly Command[];

/** The buttons and modals, by custom id prefix. */
export const components: readonly ComponentHandler[] = [...profileComponents, ...voteComponents];

/** What Discord's bulk overwrite takes. */
export const definitions = commands.map((c) => c.definition);
