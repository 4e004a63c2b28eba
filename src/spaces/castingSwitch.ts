import type { AuditLog } from "../audit/auditLog.js";
import type { PrismaClient } from "../generated/prisma/client.js";

// The one switch that stops every cast at once. It lives in the database, not in a process, so every worker on every
// machine sees a pause at its next check; casting reads it right before signing.

const CASTING = "casting.paused";

export interface CastingState {
  paused: boolean;
  changedBy: string | null;
  changedAt: Date | null;
}

export interface CastingSwitch {
  /** Stops all casting; says whether it was already paused. */
  pause(actor: string, reason?: string): Promise<{ alreadyPaused: boolean }>;
  resume(actor: string): Promise<{ wasPaused: boolean }>;
  state(): Promise<CastingState>;
}

/** Builds the switch over the `Switch` table, auditing every flip. */
export function createCastingSwitch({ prisma, audit }: { prisma: PrismaClient; audit: AuditLog }): CastingSwitch {
  async function flip(paused: boolean, actor: string, reason?: string): Promise<boolean> {
    return prisma.$transaction(async (tx) => {
      // Lock the row (or its absence, via the upsert) so two stewards flipping at once both see a consistent "before".
      const before = await tx.switch.findUnique({ where: { name: CASTING } });
      const was = before?.on ?? false;
      await tx.switch.upsert({
        where: { name: CASTING },
        create: { name: CASTING, on: paused, changedBy: actor },
        update: { on: paused, changedBy: actor, changedAt: new Date() },
      });
      if (was !== paused) {
        await audit.append(
          { action: paused ? "casting.paused" : "casting.resumed", actor, data: reason ? { reason } : {} },
          tx,
        );
      }
      return was;
    });
  }
  return {
    async pause(actor, reason) {
      return { alreadyPaused: await flip(true, actor, reason) };
    },
    async resume(actor) {
      return { wasPaused: await flip(false, actor) };
    },
    async state() {
      const row = await prisma.switch.findUnique({ where: { name: CASTING } });
      return { paused: row?.on ?? false, changedBy: row?.changedBy ?? null, changedAt: row?.changedAt ?? null };
    },
  };
}
