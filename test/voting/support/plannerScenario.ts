// Spaces for the planner's tests beyond outboxHarness's basic Snapshot one: any voting type, Governor spaces (with the
// raw record the Governor watcher stores), members with wallets, and pooled mode switched on the stewards' way.
import { randomBytes, randomUUID } from "node:crypto";
import type { Cast, SpaceKind, VotingType } from "../../../src/generated/prisma/client.js";
import { GOVERNOR_CHOICES } from "../../../src/sources/governor/governorAbi.js";
import { createSpaceAdmin, type SpaceAdmin } from "../../../src/spaces/spaceAdmin.js";
import { DEFAULT_TAXONOMY } from "../../../src/values/taxonomy.js";
import type { PoolRecord } from "../../../src/voting/pooledBallot.js";
import { seedDigest, seedProfile } from "../../values/seed.js";
import type { Outbox, Scenario } from "./outboxHarness.js";

let counter = 0;

export interface PlannerScenario extends Scenario {
  kind: SpaceKind;
  /** The space as stewards name it (`aave.eth`, `31337:0x…`). */
  ref: string;
  spaceName: string;
}

/** The stewards' service over the harness's store, with the harness's keyring for pooled delegates. */
export function spaceAdminFor(o: Outbox, withKeys = true): SpaceAdmin {
  return createSpaceAdmin({
    prisma: o.prisma,
    audit: o.audit,
    liveCastingAvailable: true,
    keyring: withKeys ? o.c.keyring : null,
  });
}

/**
 * A live space with one open proposal and `members` members, each with a wallet and a confirmed profile. Snapshot:
 * the proposal is on the local hub too. Governor: choices Against/For/Abstain, `raw.fractional` as asked.
 */
export async function seedPlannerScenario(
  o: Outbox,
  {
    kind = "snapshot" as SpaceKind,
    votingType = "single_choice" as VotingType,
    choices = ["Alpha", "Beta", "Gamma"],
    members = 3,
    fractional = false,
  } = {},
): Promise<PlannerScenario> {
  const { c, prisma } = o;
  const governor = kind === "governor";
  const spaceName = governor ? `31337:0x${randomBytes(20).toString("hex")}` : `planner-${randomUUID().slice(0, 8)}.eth`;
  const ballot = governor ? [...GOVERNOR_CHOICES] : choices;
  const type = governor ? "basic" : votingType;
  const start = c.hub.now - 60;
  const end = c.hub.now + 86_400;
  const externalId = governor
    ? String(BigInt(`0x${randomBytes(16).toString("hex")}`))
    : c.hub.createProposal({
        space: spaceName,
        title: "Pick one",
        type: type.replace("_", "-"),
        choices: ballot,
        start,
        end,
      });
  const space = await prisma.space.create({
    data: {
      kind,
      externalId: spaceName,
      name: "Planner DAO",
      chainId: governor ? 31337 : null,
      taxonomy: DEFAULT_TAXONOMY,
      mode: "live",
      vetoWindowSeconds: 30,
    },
  });
  const contentHash = randomUUID();
  const proposal = await prisma.proposal.create({
    data: {
      spaceId: space.id,
      source: governor ? "governor" : "snapshot",
      externalId,
      title: "Pick one",
      body: "Choose.",
      choices: ballot,
      votingType: type,
      startAt: new Date(start * 1000),
      endAt: new Date(end * 1000),
      state: "active",
      contentHash,
      raw: governor ? { kind: "governor", fractional, countingMode: fractional ? "params=fractional" : "" } : undefined,
    },
  });
  const version = await prisma.proposalVersion.create({
    data: { proposalId: proposal.id, version: 1, contentHash, title: proposal.title, body: proposal.body, choices: [] },
  });
  const digest = await seedDigest(prisma, proposal, version.id, {});
  const seeded: Scenario["members"] = [];
  const profileIds: string[] = [];
  for (let i = 0; i < members; i++) {
    counter += 1;
    const agentIndex = 20_000 + counter;
    const member = await prisma.member.create({
      data: {
        discordUserId: `discord-${randomUUID()}`,
        agentIndex,
        agentAddress: c.keyring.address(agentIndex),
        walletAddress: c.keyring.address(600_000 + counter),
      },
    });
    const profile = await seedProfile(prisma, member.id, space.id, {});
    profileIds.push(profile.id);
    seeded.push({
      id: member.id,
      agentIndex,
      agentAddress: member.agentAddress,
      walletAddress: member.walletAddress,
    });
  }
  return {
    kind,
    ref: spaceName,
    spaceName,
    spaceId: space.id,
    proposalId: proposal.id,
    externalId,
    members: seeded,
    digestId: digest.id,
    profileIds,
  };
}

/** Records member `i`'s wallet as delegating `power` (token units) to the space's pooled delegate, as the watcher does. */
export async function delegateToPool(o: Outbox, s: PlannerScenario, i: number, power: string): Promise<void> {
  const space = await o.prisma.space.findUniqueOrThrow({ where: { id: s.spaceId } });
  const wallet = s.members[i]?.walletAddress;
  if (!space.pooledAgentAddress || !wallet) throw new Error("switch the space to pooled first");
  await o.prisma.delegation.upsert({
    where: { spaceId_delegatorAddress: { spaceId: s.spaceId, delegatorAddress: wallet.toLowerCase() } },
    create: {
      spaceId: s.spaceId,
      delegatorAddress: wallet.toLowerCase(),
      delegateAddress: space.pooledAgentAddress.toLowerCase(),
      votingPower: power,
    },
    update: { votingPower: power, revokedAt: null },
  });
}

/** A pooled row's `payload.pool`. */
export function poolRecordOf(row: Cast | undefined): PoolRecord {
  if (!row) throw new Error("no row");
  return (row.payload as unknown as { pool: PoolRecord }).pool;
}
