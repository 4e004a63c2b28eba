import type { AuditLog } from "../audit/auditLog.js";
import { TribuneError } from "../errors/tribuneError.js";
import type { Member, PrismaClient } from "../generated/prisma/client.js";
import type { Keyring } from "./keyring.js";

// Members and their personal agents. A member is created the first time they need one (setting a profile, asking for
// their agent address); their agent is the key at the next free derivation index, and only the index and the address
// are stored. Index allocation is serialised by an advisory lock so two processes never hand out the same index.

/** Advisory lock key for agent index allocation. */
const AGENT_INDEX_LOCK = 7_283_903;

/** Tribune cannot give out agents because no mnemonic is configured. */
export class AgentsUnavailableError extends TribuneError {}

export interface MemberAgents {
  /** The member for a Discord user, created with their agent on first use. */
  ensure(discordUserId: string): Promise<Member>;
  /** The member for a Discord user, or null if they never used Tribune. */
  find(discordUserId: string): Promise<Member | null>;
}

/** Builds the directory; without a keyring, `ensure` explains what the operator must configure. */
export function createMemberAgents({
  prisma,
  audit,
  keyring,
}: {
  prisma: PrismaClient;
  audit: AuditLog;
  keyring: Keyring | null;
}): MemberAgents {
  const find = (discordUserId: string) => prisma.member.findUnique({ where: { discordUserId } });
  return {
    find,
    async ensure(discordUserId) {
      const existing = await find(discordUserId);
      if (existing) return existing;
      if (!keyring) {
        throw new AgentsUnavailableError(
          "voting.agents_unavailable",
          "Tribune cannot give you a voting agent yet: no agent keys are configured",
          "Ask an operator to set AGENT_MNEMONIC (or AGENT_MNEMONIC_FILE) and restart Tribune",
        );
      }
      return prisma.$transaction(async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(${AGENT_INDEX_LOCK})`;
        const again = await tx.member.findUnique({ where: { discordUserId } });
        if (again) return again;
        const top = await tx.member.aggregate({ _max: { agentIndex: true } });
        const agentIndex = (top._max.agentIndex ?? -1) + 1;
        const member = await tx.member.create({
          data: { discordUserId, agentIndex, agentAddress: keyring.address(agentIndex) },
        });
        await audit.append(
          {
            action: "member.created",
            actor: discordUserId,
            memberId: member.id,
            data: { agentIndex, agentAddress: member.agentAddress },
          },
          tx,
        );
        return member;
      });
    },
  };
}
