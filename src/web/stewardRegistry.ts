import type { AuditLog } from "../audit/auditLog.js";
import { TribuneError } from "../errors/tribuneError.js";
import type { PrismaClient } from "../generated/prisma/client.js";

/** A space a steward may read. */
export interface StewardSpace {
  id: string;
  name: string;
  externalId: string;
}

/** Refused grant or revoke: the space is not known, or there is nothing to revoke. */
export class StewardError extends TribuneError {}

/** Who may see which space. Grants and revocations are audited, as every change of who can see what should be. */
export interface StewardRegistry {
  /** The spaces this Discord user stewards, by name. */
  spacesOf(discordUserId: string): Promise<StewardSpace[]>;
  /** Makes a Discord user a steward of a space (by id or external id, e.g. "aave.eth"); idempotent. */
  grant(input: { discordUserId: string; space: string; grantedBy: string }): Promise<StewardSpace>;
  revoke(input: { discordUserId: string; space: string; revokedBy: string }): Promise<StewardSpace>;
  list(): Promise<{ discordUserId: string; space: StewardSpace; grantedBy: string; createdAt: Date }[]>;
}

export function createStewardRegistry({ prisma, audit }: { prisma: PrismaClient; audit: AuditLog }): StewardRegistry {
  const spaceSelect = { id: true, name: true, externalId: true } as const;

  async function findSpace(space: string): Promise<StewardSpace> {
    const found = await prisma.space.findMany({
      where: { OR: [{ id: space }, { externalId: space }] },
      select: spaceSelect,
      take: 2,
    });
    if (found.length === 1) return found[0] as StewardSpace;
    if (found.length === 0) {
      throw new StewardError("steward.unknown_space", `No space "${space}"`, "Give the space's id or its Snapshot id");
    }
    throw new StewardError(
      "steward.ambiguous_space",
      `More than one space is called "${space}"`,
      "Give the space's id (tribune steward list shows them)",
    );
  }

  return {
    async spacesOf(discordUserId) {
      const rows = await prisma.steward.findMany({
        where: { discordUserId },
        select: { space: { select: spaceSelect } },
        orderBy: { space: { name: "asc" } },
      });
      return rows.map((row) => row.space);
    },

    async grant({ discordUserId, space, grantedBy }) {
      const target = await findSpace(space);
      await prisma.$transaction(async (tx) => {
        const existing = await tx.steward.findUnique({
          where: { discordUserId_spaceId: { discordUserId, spaceId: target.id } },
        });
        if (existing) return;
        await tx.steward.create({ data: { discordUserId, spaceId: target.id, grantedBy } });
        await audit.append(
          { action: "steward.granted", actor: grantedBy, spaceId: target.id, data: { discordUserId } },
          tx,
        );
      });
      return target;
    },

    async revoke({ discordUserId, space, revokedBy }) {
      const target = await findSpace(space);
      await prisma.$transaction(async (tx) => {
        const { count } = await tx.steward.deleteMany({ where: { discordUserId, spaceId: target.id } });
        if (count === 0) {
          throw new StewardError(
            "steward.not_a_steward",
            `${discordUserId} is not a steward of ${target.name}`,
            "Nothing to revoke; tribune steward list shows who is",
          );
        }
        await audit.append(
          { action: "steward.revoked", actor: revokedBy, spaceId: target.id, data: { discordUserId } },
          tx,
        );
      });
      return target;
    },

    async list() {
      const rows = await prisma.steward.findMany({
        select: { discordUserId: true, grantedBy: true, createdAt: true, space: { select: spaceSelect } },
        orderBy: [{ space: { name: "asc" } }, { discordUserId: "asc" }],
      });
      return rows;
    },
  };
}
