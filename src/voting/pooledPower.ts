import type { PrismaClient, Space } from "../generated/prisma/client.js";
import type { SnapshotVoteReader } from "../sources/snapshot/voteReader.js";

// How much of each member's voting power reaches a space's pooled delegate, for weighing their ballots in the pooled
// vote. Two sources: the delegations the watchers recorded (`Delegation` rows from the member's wallet to the pooled
// address, with the power last read), and, for a Snapshot space when a vote reader is given, the hub's `vp` of the
// member's wallet at the proposal's snapshot (what the space's strategies count for that proposal). A member with no
// known power is not guessed at: they are left out, with the reason, so the thread can say why.

/**
 * Snapshot's vp is a float ("1234.5", "1.2e+21"); it is weighed as an integer at this many decimals, enough for any
 * float the hub writes. Governor power is already an integer (token units) and is weighed as it is.
 */
export const SNAPSHOT_POWER_DECIMALS = 18;

export type MemberPower =
  | { kind: "known"; power: bigint; source: "hub" | "delegation"; read: string }
  | { kind: "unknown"; why: "no_delegation" | "no_voting_power" | "power_unreadable" };

export interface PoolMember {
  id: string;
  walletAddress: string | null;
}

/** Hub reads at once; members beyond that wait their turn (the hub client has its own rate limiter as well). */
const HUB_CONCURRENCY = 8;
const DECIMAL = /^(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/i;

/** A non-negative decimal (optionally with an exponent) as an integer at `decimals` decimals; digits below are cut. */
export function powerUnits(text: string, decimals: number): bigint | null {
  const m = DECIMAL.exec(text.trim());
  if (!m) return null;
  const [, whole = "0", fraction = "", exponent = "0"] = m;
  const shift = Number(exponent) - fraction.length + decimals;
  // Far past any real amount of power: a corrupt record, not power.
  if (Math.abs(shift) > 200) return null;
  const digits = BigInt(whole + fraction);
  return shift >= 0 ? digits * 10n ** BigInt(shift) : digits / 10n ** BigInt(-shift);
}

/**
 * Each member's power reaching `pooledAddress` for the proposal. Hub errors are thrown, not turned into "unknown":
 * a ballot that changed because a read failed would differ from the one announced, and cast nothing right.
 */
export async function readPoolPowers(input: {
  prisma: PrismaClient;
  votes?: SnapshotVoteReader;
  space: Pick<Space, "id" | "kind" | "externalId">;
  pooledAddress: string;
  /** The proposal's id on the hub (Snapshot spaces). */
  proposalExternalId: string;
  members: readonly PoolMember[];
}): Promise<Map<string, MemberPower>> {
  const { space, members } = input;
  const decimals = space.kind === "snapshot" ? SNAPSHOT_POWER_DECIMALS : 0;
  const recorded = await input.prisma.delegation.findMany({
    where: {
      spaceId: space.id,
      delegateAddress: { equals: input.pooledAddress, mode: "insensitive" },
      revokedAt: null,
    },
    select: { memberId: true, delegatorAddress: true, votingPower: true },
  });
  const result = new Map<string, MemberPower>();
  const viaHub = space.kind === "snapshot" && input.votes ? members.filter((m) => m.walletAddress) : [];
  const hubPower = await readHubPowers(input.votes, viaHub, space.externalId, input.proposalExternalId);
  for (const member of members) {
    const read = hubPower.get(member.id);
    if (read !== undefined) {
      result.set(member.id, known(read, "hub", decimals));
      continue;
    }
    const wallet = member.walletAddress?.toLowerCase() ?? null;
    const rows = recorded.filter((r) => r.memberId === member.id || r.delegatorAddress.toLowerCase() === wallet);
    if (rows.length === 0) {
      result.set(member.id, { kind: "unknown", why: "no_delegation" });
      continue;
    }
    // One row per delegating address; a member whose several wallets delegate brings all of them.
    let total = 0n;
    let unreadable = false;
    for (const row of rows) {
      const units = row.votingPower === null ? null : powerUnits(row.votingPower, decimals);
      if (units === null || (decimals === 0 && !/^\d+$/.test(row.votingPower ?? ""))) unreadable = true;
      else total += units;
    }
    if (unreadable) result.set(member.id, { kind: "unknown", why: "power_unreadable" });
    else if (total === 0n) result.set(member.id, { kind: "unknown", why: "no_voting_power" });
    else result.set(member.id, { kind: "known", power: total, source: "delegation", read: total.toString() });
  }
  return result;
}

function known(read: string, source: "hub", decimals: number): MemberPower {
  const power = powerUnits(read, decimals);
  if (power === null) return { kind: "unknown", why: "power_unreadable" };
  if (power === 0n) return { kind: "unknown", why: "no_voting_power" };
  return { kind: "known", power, source, read };
}

/** The hub's vp of each member's wallet at the proposal, as the hub wrote it (a float, as text). */
async function readHubPowers(
  votes: SnapshotVoteReader | undefined,
  members: readonly PoolMember[],
  space: string,
  proposal: string,
): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  if (!votes) return found;
  for (let i = 0; i < members.length; i += HUB_CONCURRENCY) {
    const part = members.slice(i, i + HUB_CONCURRENCY);
    const read = await Promise.all(
      part.map((m) => votes.votingPower({ voter: m.walletAddress as string, space, proposal })),
    );
    part.forEach((m, j) => {
      const vp = read[j]?.vp;
      if (vp !== undefined && Number.isFinite(vp) && vp >= 0) found.set(m.id, String(vp));
    });
  }
  return found;
}
