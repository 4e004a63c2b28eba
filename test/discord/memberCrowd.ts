// Many members at once, each with a confirmed profile in one space, written in two statements as the profile store
// would leave them: for plans too long for one message, and for the acknowledgement benchmark. No vitest here, so
// a plain benchmark script can use it too.
import type { PrismaClient } from "../../src/generated/prisma/client.js";
import { DEFAULT_TAXONOMY } from "../../src/values/taxonomy.js";
import type { Privacy } from "../../src/values/valueProfile.js";

/** Member n's Discord id in a crowd: a snowflake, so threads can mention them. */
export const crowdMemberId = (n: number): string => String(1_300_000_000_000_000_000n + BigInt(n));

/**
 * Members 0 … count−1 (by `crowdMemberId`), with agent indexes after any already taken and weights that vary from
 * member to member; `privacy` says who is public (default: everyone).
 */
export async function seedCrowd(
  prisma: PrismaClient,
  spaceId: string,
  count: number,
  privacy: (n: number) => Privacy = () => "public",
): Promise<void> {
  const top = (await prisma.member.aggregate({ _max: { agentIndex: true } }))._max.agentIndex ?? -1;
  await prisma.member.createMany({
    data: Array.from({ length: count }, (_, n) => ({
      discordUserId: crowdMemberId(n),
      agentIndex: top + 1 + n,
      agentAddress: `0x${(top + 1 + n).toString(16).padStart(40, "0")}`,
    })),
  });
  const members = await prisma.member.findMany({ where: { agentIndex: { gt: top } }, orderBy: { agentIndex: "asc" } });
  await prisma.valueProfile.createMany({
    data: members.map((m, n) => ({
      memberId: m.id,
      spaceId,
      version: 1,
      statement: "seeded",
      weights: Object.fromEntries(DEFAULT_TAXONOMY.map((d, j) => [d.id, (n + j) % 6])),
      rules: { rules: [], whenUnsure: "ask" },
      taxonomyVersion: 1,
      privacy: privacy(n),
      compiledBy: "seeded",
      confirmedAt: new Date(),
    })),
  });
}
