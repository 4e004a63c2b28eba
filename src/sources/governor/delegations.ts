import { type Address, getAbiItem } from "viem";
import type { AuditLog } from "../../audit/auditLog.js";
import type { AuditEvent } from "../../audit/hashChain.js";
import type { PrismaClient } from "../../generated/prisma/client.js";
import type { ChainClient } from "./chainClient.js";
import { ChainRangeTooLargeError } from "./chainErrors.js";
import { votesTokenAbi } from "./governorAbi.js";
import type { BlockCursors } from "./governorCursors.js";

// Who delegates voting power to Tribune's agents on a Governor's token. ERC20Votes emits DelegateChanged on every
// (re)delegation; the ones whose new or old delegate is an agent (a member's personal agent, or the space's pooled
// delegate) become Delegation rows, found or revoked. Voting power at a proposal is read with getPastVotes.
// @see https://docs.openzeppelin.com/contracts/5.x/api/governance#Votes

const delegateChangedEvent = getAbiItem({ abi: votesTokenAbi, name: "DelegateChanged" });

export const DELEGATION_ACTOR = "governor-watcher";

export interface DelegationIndexInput {
  prisma: PrismaClient;
  audit: AuditLog;
  client: ChainClient;
  cursors: BlockCursors;
  spaceId: string;
  token: Address;
  /** The confirmed head: logs are read up to it. */
  safeHead: bigint;
  blockRange: bigint;
  /** Where reading starts when the token has no cursor yet. */
  firstBlock: bigint;
  now: () => Date;
  signal?: AbortSignal;
}

/** Reads DelegateChanged logs from the token's cursor to the confirmed head; returns what changed. */
export async function indexDelegations(input: DelegationIndexInput): Promise<{ found: number; revoked: number }> {
  const { prisma, client, token, spaceId } = input;
  const key = `${client.chainId}:${token.toLowerCase()}`;
  const cursor = await input.cursors.read(key);
  let from = cursor ? BigInt(cursor.next) : input.firstBlock;
  const agents = await agentAddresses(prisma, spaceId);
  const result = { found: 0, revoked: 0 };
  let range = input.blockRange;
  while (from <= input.safeHead) {
    const to = from + range - 1n < input.safeHead ? from + range - 1n : input.safeHead;
    let logs: { delegator: string; from: string; to: string }[];
    try {
      const raw = await client.call(
        `eth_getLogs(DelegateChanged, ${from}..${to})`,
        (c) => c.getLogs({ address: token, event: delegateChangedEvent, fromBlock: from, toBlock: to, strict: true }),
        input.signal,
      );
      logs = raw
        .filter((log) => !log.removed)
        .map((log) => ({
          delegator: log.args.delegator.toLowerCase(),
          from: log.args.fromDelegate.toLowerCase(),
          to: log.args.toDelegate.toLowerCase(),
        }));
    } catch (error) {
      if (error instanceof ChainRangeTooLargeError && range > 1n) {
        range = range / 2n;
        continue;
      }
      throw error;
    }
    const relevant = logs.filter((l) => agents.has(l.to) || agents.has(l.from));
    if (relevant.length > 0) {
      const changed = await apply(input, relevant, agents);
      result.found += changed.found;
      result.revoked += changed.revoked;
    }
    await input.cursors.write(key, { next: String(to + 1n), checkpoint: null });
    from = to + 1n;
  }
  return result;
}

/** Lower-case agent addresses → the member they vote for (null for the space's pooled delegate). */
async function agentAddresses(prisma: PrismaClient, spaceId: string): Promise<Map<string, string | null>> {
  const [members, space] = await Promise.all([
    prisma.member.findMany({ select: { id: true, agentAddress: true } }),
    prisma.space.findUnique({ where: { id: spaceId }, select: { pooledAgentAddress: true } }),
  ]);
  const agents = new Map<string, string | null>(members.map((m) => [m.agentAddress.toLowerCase(), m.id]));
  if (space?.pooledAgentAddress) agents.set(space.pooledAgentAddress.toLowerCase(), null);
  return agents;
}

async function apply(
  input: DelegationIndexInput,
  logs: readonly { delegator: string; from: string; to: string }[],
  agents: ReadonlyMap<string, string | null>,
): Promise<{ found: number; revoked: number }> {
  const { prisma, client, token, spaceId } = input;
  // The last change per delegator is what stands.
  const latest = new Map(logs.map((l) => [l.delegator, l]));
  const balances = new Map<string, bigint>();
  for (const l of latest.values()) {
    if (!agents.has(l.to)) continue;
    balances.set(
      l.delegator,
      await client.call(
        `balanceOf(${l.delegator})`,
        (c) =>
          c.readContract({
            address: token,
            abi: votesTokenAbi,
            functionName: "balanceOf",
            args: [l.delegator as Address],
          }),
        input.signal,
      ),
    );
  }
  return prisma.$transaction(async (tx) => {
    const at = input.now();
    const events: AuditEvent[] = [];
    let found = 0;
    let revoked = 0;
    for (const l of latest.values()) {
      if (agents.has(l.to)) {
        const data = {
          delegateAddress: l.to,
          memberId: agents.get(l.to) ?? null,
          votingPower: String(balances.get(l.delegator) ?? 0n),
          checkedAt: at,
          revokedAt: null,
        };
        await tx.delegation.upsert({
          where: { spaceId_delegatorAddress: { spaceId, delegatorAddress: l.delegator } },
          create: { spaceId, delegatorAddress: l.delegator, ...data },
          update: data,
        });
        found += 1;
        events.push(event("governor.delegation.found", spaceId, data.memberId, { delegator: l.delegator, ...data }));
      } else {
        const { count } = await tx.delegation.updateMany({
          where: { spaceId, delegatorAddress: l.delegator, delegateAddress: l.from, revokedAt: null },
          data: { revokedAt: at, checkedAt: at },
        });
        if (count === 0) continue;
        revoked += count;
        events.push(
          event("governor.delegation.revoked", spaceId, agents.get(l.from) ?? null, {
            delegator: l.delegator,
            from: l.from,
            to: l.to,
          }),
        );
      }
    }
    await input.audit.appendMany(events, tx);
    return { found, revoked };
  });
}

function event(action: string, spaceId: string, memberId: string | null, data: unknown): AuditEvent {
  return { action, actor: DELEGATION_ACTOR, spaceId, memberId, data };
}

/** `delegates(account)`: whom an account delegates to now (the zero address: nobody). */
export function currentDelegate(client: ChainClient, token: Address, account: Address, signal?: AbortSignal) {
  return client.call(
    `delegates(${account})`,
    (c) => c.readContract({ address: token, abi: votesTokenAbi, functionName: "delegates", args: [account] }),
    signal,
  );
}

/** `getPastVotes(account, timepoint)`: an agent's voting power at a proposal's snapshot timepoint. */
export function votingPowerAt(
  client: ChainClient,
  token: Address,
  account: Address,
  timepoint: bigint,
  signal?: AbortSignal,
): Promise<bigint> {
  return client.call(
    `getPastVotes(${account}, ${timepoint})`,
    (c) =>
      c.readContract({ address: token, abi: votesTokenAbi, functionName: "getPastVotes", args: [account, timepoint] }),
    signal,
  );
}
