import type { AuditLog } from "../audit/auditLog.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { announceProposal } from "../jobs/jobCatalog.js";
import type { JobQueue } from "../jobs/jobQueue.js";
import type { CastingSwitch } from "../spaces/castingSwitch.js";
import type { SpaceAdmin } from "../spaces/spaceAdmin.js";
import type { DecisionService } from "../values/decisionService.js";
import { createMemberDecisions } from "../values/memberDecisions.js";
import type { ProfileStore } from "../values/profileStore.js";
import type { TaxonomyStore } from "../values/taxonomyStore.js";
import type { MemberAgents } from "../voting/memberAgents.js";
import type { OverrideStore } from "../voting/overrideStore.js";
import type { StewardRegistry } from "../web/stewardRegistry.js";
import type { DiscordServices } from "./discordServices.js";
import { createProposalIndex } from "./proposalIndex.js";

// Assembles what the Discord face may call from services built once in main.ts (so the CLI and the web view share the
// same instances and checks). Thread updates go through the job queue, never straight to Discord from a handler.

export interface DiscordServiceParts {
  prisma: PrismaClient;
  audit: AuditLog;
  jobs: Pick<JobQueue, "enqueue">;
  spaces: SpaceAdmin;
  casting: CastingSwitch;
  members: MemberAgents;
  profiles: ProfileStore;
  taxonomies: TaxonomyStore;
  decisions: DecisionService;
  overrides: OverrideStore;
  stewards: StewardRegistry;
  /** Signs a login link for the web view, or null when the web view is off. */
  signLink: ((discordUserId: string) => string) | null;
  castSafetyMarginSeconds: number;
}

/** Builds the services object the router hands to every handler. */
export function buildDiscordServices(parts: DiscordServiceParts): DiscordServices {
  const { prisma, jobs } = parts;
  const refreshThread = async (proposalId: string) => {
    await jobs.enqueue(announceProposal, { proposalId }, { singletonKey: proposalId });
  };
  return {
    prisma,
    proposals: createProposalIndex({ prisma }),
    spaces: parts.spaces,
    casting: parts.casting,
    members: parts.members,
    profiles: parts.profiles,
    taxonomies: parts.taxonomies,
    decisions: createMemberDecisions({ prisma, taxonomies: parts.taxonomies }),
    overrides: parts.overrides,
    castSafetyMarginSeconds: parts.castSafetyMarginSeconds,
    refreshThread,
    async refreshOpenThreads() {
      const open = await prisma.proposalThread.findMany({
        where: { proposal: { endAt: { gt: new Date() }, deletedAt: null } },
        select: { proposalId: true },
      });
      for (const { proposalId } of open) await refreshThread(proposalId);
    },
    async redecideMember(memberId, spaceId) {
      const reports = await parts.decisions.redecideMember(memberId, spaceId);
      for (const report of reports) await refreshThread(report.proposalId);
    },
    async stewardLink({ discordUserId, guildId }) {
      if (!parts.signLink) return null;
      // The steward role in this guild grants the web view of this guild's spaces; the grant is audited.
      const spaces = await parts.spaces.list(guildId);
      const held = new Set((await parts.stewards.spacesOf(discordUserId)).map((s) => s.id));
      for (const space of spaces) {
        if (!held.has(space.id)) {
          await parts.stewards.grant({ discordUserId, space: space.externalId, grantedBy: `discord-role:${guildId}` });
        }
      }
      return parts.signLink(discordUserId);
    },
  };
}
