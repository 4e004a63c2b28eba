import type { PrismaClient } from "../generated/prisma/client.js";
import type { CastingSwitch } from "../spaces/castingSwitch.js";
import type { SpaceAdmin } from "../spaces/spaceAdmin.js";
import type { MemberDecisions } from "../values/memberDecisions.js";
import type { ProfileStore } from "../values/profileStore.js";
import type { TaxonomyStore } from "../values/taxonomyStore.js";
import type { MemberAgents } from "../voting/memberAgents.js";
import type { OverrideStore } from "../voting/overrideStore.js";
import type { ProposalIndex } from "./proposalIndex.js";

// Everything the Discord face may call. Faces read the store and call services; they never reach a source, the LLM
// or a signer directly. main.ts builds one of these; tests build one over a test database.

export interface DiscordServices {
  prisma: PrismaClient;
  proposals: ProposalIndex;
  spaces: SpaceAdmin;
  casting: CastingSwitch;
  members: MemberAgents;
  profiles: ProfileStore;
  taxonomies: TaxonomyStore;
  decisions: MemberDecisions;
  overrides: OverrideStore;
  /** A signed sign-in link to the stewards' web view, granting the steward the guild's spaces; null when the web view is off. */
  stewardLink(input: { discordUserId: string; guildId: string }): Promise<string | null>;
  /** Asks for the proposal's thread to be brought up to date (a job; returns at once). */
  refreshThread(proposalId: string): Promise<void>;
  /** Brings every open proposal's thread up to date (after a pause or resume, so threads show it). */
  refreshOpenThreads(): Promise<void>;
  /** Re-decides a member's open proposals after a profile change (no LLM). */
  redecideMember(memberId: string, spaceId: string): Promise<void>;
  /** The space's veto window default and cast margin, for telling members when votes go out. */
  castSafetyMarginSeconds: number;
}
