import type { AuditLog } from "../audit/auditLog.js";
import { TribuneError } from "../errors/tribuneError.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { offlineProfileCompiler } from "../values/offlineCompiler.js";
import { createProfileStore } from "../values/profileStore.js";
import { DEFAULT_TAXONOMY } from "../values/taxonomy.js";
import { createTaxonomyStore } from "../values/taxonomyStore.js";
import type { Keyring } from "../voting/keyring.js";
import { createMemberAgents } from "../voting/memberAgents.js";
import { createStewardRegistry } from "../web/stewardRegistry.js";
import type { DemoMembers } from "./demoMembers.js";

// Seeding the demo: its Snapshot space (dry-run, the default taxonomy), its steward, and the sample members, each with
// a personal agent and a confirmed profile compiled offline from their statement. Every step finds what an earlier
// start made and leaves it, so a second `npm start` adds nothing.

/** The demo's Snapshot space id; ".eth" like a real one, and no real space is called this. */
export const DEMO_SPACE = "tribune-demo.eth";
export const DEMO_SPACE_NAME = "Tribune demo (replayed proposals)";

export interface SeedDemoOptions {
  prisma: PrismaClient;
  audit: AuditLog;
  /** Derives the members' agent addresses (the data folder's local mnemonic in the demo). */
  keyring: Keyring;
  people: DemoMembers;
  space?: string;
}

export interface SeedReport {
  spaceId: string;
  /** What this run added; all zero on a second start. */
  spaceCreated: boolean;
  membersCreated: number;
  profilesConfirmed: number;
  members: { name: string; memberId: string; agentAddress: string }[];
}

/** Seeds (or finds) the demo's space, steward and sample members. */
export async function seedDemo({
  prisma,
  audit,
  keyring,
  people,
  space = DEMO_SPACE,
}: SeedDemoOptions): Promise<SeedReport> {
  const { count } = await prisma.space.createMany({
    data: [{ kind: "snapshot", externalId: space, name: DEMO_SPACE_NAME, taxonomy: DEFAULT_TAXONOMY }],
    skipDuplicates: true,
  });
  const spaceRow = await prisma.space.findUniqueOrThrow({
    where: { kind_externalId: { kind: "snapshot", externalId: space } },
    select: { id: true, mode: true },
  });
  if (count > 0) {
    await audit.append({
      action: "demo.seeded",
      actor: "demo",
      spaceId: spaceRow.id,
      data: { space, mode: spaceRow.mode, members: people.members.length },
    });
  }
  await createStewardRegistry({ prisma, audit }).grant({
    discordUserId: people.steward.discordUserId,
    space,
    grantedBy: "demo",
  });

  const agents = createMemberAgents({ prisma, audit, keyring });
  const profiles = createProfileStore({
    prisma,
    audit,
    taxonomies: createTaxonomyStore({ prisma, audit }),
    compiler: offlineProfileCompiler,
  });
  const report: SeedReport = {
    spaceId: spaceRow.id,
    spaceCreated: count > 0,
    membersCreated: 0,
    profilesConfirmed: 0,
    members: [],
  };
  for (const person of people.members) {
    const existed = await agents.find(person.discordUserId);
    const member = existed ?? (await agents.ensure(person.discordUserId));
    if (!existed) report.membersCreated += 1;
    report.members.push({ name: person.name, memberId: member.id, agentAddress: member.agentAddress });
    const current = await profiles.latest(member.id, spaceRow.id);
    if (current?.confirmedAt && current.statement === person.statement) continue;
    const drafted = await profiles.draft({ memberId: member.id, spaceId: spaceRow.id, statement: person.statement });
    if (!drafted.ok) {
      // The bundled statements are tested to compile; one that does not is a broken edit of demo/members.json.
      throw new TribuneError(
        "demo.statement_invalid",
        `The demo statement of ${person.name} does not compile: ${drafted.message}`,
        "Fix the statement in demo/members.json or restore the file from the repository",
      );
    }
    await profiles.confirm({ memberId: member.id, spaceId: spaceRow.id, version: drafted.profile.version });
    report.profilesConfirmed += 1;
  }
  return report;
}
