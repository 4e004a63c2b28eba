import type { AuditLog } from "../audit/auditLog.js";
import { TribuneError } from "../errors/tribuneError.js";
import type { PrismaClient, Space } from "../generated/prisma/client.js";
import { DEFAULT_TAXONOMY } from "../values/taxonomy.js";
import type { Keyring } from "../voting/keyring.js";
import { skipOtherKind } from "../voting/planRows.js";
import { ensurePooledAgent } from "../voting/pooledAgent.js";
import { formatDuration, parseDuration } from "./duration.js";

// The stewards' operations on spaces, one service shared by the Discord commands and the command line, so both faces
// apply the same checks and write the same audit entries. Every change is one row update plus its audit entry in a
// single transaction.

/** A steward asked for something that cannot be done as asked; the message says what to do instead. */
export class SpaceAdminError extends TribuneError {}

export interface SpaceAdminOptions {
  prisma: PrismaClient;
  audit: AuditLog;
  /** Whether live casting is possible at all (an agent mnemonic is configured); a space cannot go live without it. */
  liveCastingAvailable: boolean;
  /**
   * The agents' keyring (the same one members' agents come from): a space switched to pooled gets its delegate's
   * address from it. Without one, a space that has no delegate yet cannot be switched to pooled.
   */
  keyring?: Keyring | null;
  /** Tells the watchers a space was added or removed, so they start or stop watching it. */
  onSpacesChanged?: () => void;
}

/** A space as stewards see it. */
export interface SpaceSummary {
  id: string;
  kind: "snapshot" | "governor";
  externalId: string;
  name: string;
  channelId: string | null;
  mode: "dry-run" | "live";
  votingMode: "personal" | "pooled";
  /** The address members delegate to in pooled mode; null until the space was first switched to pooled. */
  pooledAgentAddress: string | null;
  vetoWindowSeconds: number;
  vetoWindow: string;
}

/**
 * Which Discord server asks: a guild id from Discord (a space must belong to it), or null from the operator's command
 * line (any space; `add` may then leave the guild and channel unset, for a space watched without Discord).
 */
export type GuildScope = string | null;

export interface SpaceAdmin {
  /** Adds (or re-adds) a space, with the channel its threads go to; new spaces start in dry-run. */
  add(input: { ref: string; guildId: GuildScope; channelId: string | null; actor: string }): Promise<SpaceSummary>;
  /** Stops watching and voting in a space; its record stays. */
  remove(input: { ref: string; guildId: GuildScope; actor: string }): Promise<SpaceSummary>;
  list(guildId: GuildScope): Promise<SpaceSummary[]>;
  setMode(input: { ref: string; guildId: GuildScope; mode: "dry-run" | "live"; actor: string }): Promise<SpaceSummary>;
  setVotingMode(input: {
    ref: string;
    guildId: GuildScope;
    votingMode: "personal" | "pooled";
    actor: string;
  }): Promise<SpaceSummary>;
  /** Accepts durations such as "30s", "15m", "24h", "2d". */
  setVetoWindow(input: { ref: string; guildId: GuildScope; duration: string; actor: string }): Promise<SpaceSummary>;
  /** The space by its external id ("aave.eth", "1:0xabc…") within the scope, or a typed error naming the spaces. */
  resolve(ref: string, guildId: GuildScope): Promise<Space>;
}

const GOVERNOR_REF = /^(\d{1,12}):(0x[0-9a-fA-F]{40})$/;
// Snapshot space ids are ENS-like names (letters, digits, dots, hyphens); see the hub's `space(id)` argument.
const SNAPSHOT_REF = /^[a-z0-9][a-z0-9.-]{0,62}[a-z0-9]$/i;
/** The shortest veto window the scheduler can honour; shorter would let a vote go before anyone could read it. */
export const MIN_VETO_WINDOW_SECONDS = 30;
export const MAX_VETO_WINDOW_SECONDS = 30 * 86_400;

/** Parses "aave.eth" or "1:0x…" into the kind and the canonical external id, or explains the expected forms. */
export function parseSpaceRef(raw: string): {
  kind: "snapshot" | "governor";
  externalId: string;
  chainId: number | null;
} {
  const ref = raw.trim();
  const governor = GOVERNOR_REF.exec(ref);
  if (governor) {
    return {
      kind: "governor",
      externalId: `${Number(governor[1])}:${governor[2]?.toLowerCase()}`,
      chainId: Number(governor[1]),
    };
  }
  if (SNAPSHOT_REF.test(ref)) return { kind: "snapshot", externalId: ref.toLowerCase(), chainId: null };
  throw new SpaceAdminError(
    "space.ref_invalid",
    `"${ref.slice(0, 80)}" is neither a Snapshot space id nor a Governor`,
    'Give a Snapshot space id such as "aave.eth", or a Governor as "<chain id>:<contract address>", e.g. "1:0x408E…"',
  );
}

/** Builds the service. */
export function createSpaceAdmin(options: SpaceAdminOptions): SpaceAdmin {
  const { prisma, audit } = options;

  async function resolve(ref: string, guildId: GuildScope): Promise<Space> {
    const { kind, externalId } = parseSpaceRef(ref);
    const space = await prisma.space.findUnique({ where: { kind_externalId: { kind, externalId } } });
    if (!space || space.removedAt || (guildId !== null && space.discordGuildId !== guildId)) {
      const known = await prisma.space.findMany({
        where: { ...(guildId !== null ? { discordGuildId: guildId } : {}), removedAt: null },
        select: { externalId: true },
        orderBy: { externalId: "asc" },
        take: 10,
      });
      throw new SpaceAdminError(
        "space.not_found",
        guildId !== null ? `This server does not follow the space "${externalId}"` : `No space "${externalId}"`,
        known.length > 0
          ? `Known spaces: ${known.map((s) => s.externalId).join(", ")}`
          : "A steward can add one with /space add (or npx tribune space add)",
      );
    }
    return space;
  }

  async function change(
    space: Space,
    data: Partial<Pick<Space, "mode" | "votingMode" | "vetoWindowSeconds">>,
    action: string,
    actor: string,
  ): Promise<SpaceSummary> {
    const updated = await prisma.$transaction(async (tx) => {
      const row = await tx.space.update({ where: { id: space.id }, data });
      await audit.append(
        {
          action,
          actor,
          spaceId: space.id,
          data: { space: space.externalId, before: pick(space, data), after: pick(row, data) },
        },
        tx,
      );
      return row;
    });
    return summarize(updated);
  }

  return {
    resolve,
    async add({ ref, guildId, channelId, actor }) {
      const { kind, externalId, chainId } = parseSpaceRef(ref);
      const existing = await prisma.space.findUnique({ where: { kind_externalId: { kind, externalId } } });
      if (
        guildId !== null &&
        existing &&
        !existing.removedAt &&
        existing.discordGuildId &&
        existing.discordGuildId !== guildId
      ) {
        throw new SpaceAdminError(
          "space.taken",
          `The space "${externalId}" is already followed by another Discord server`,
          "A space posts to one server; remove it there first",
        );
      }
      const row = await prisma.$transaction(async (tx) => {
        const saved = existing
          ? await tx.space.update({
              where: { id: existing.id },
              data: {
                discordGuildId: guildId ?? existing.discordGuildId,
                discordChannelId: channelId ?? existing.discordChannelId,
                removedAt: null,
              },
            })
          : await tx.space.create({
              data: {
                kind,
                externalId,
                name: externalId,
                chainId,
                discordGuildId: guildId,
                discordChannelId: channelId,
                taxonomy: DEFAULT_TAXONOMY,
              },
            });
        await audit.append(
          {
            action: "space.added",
            actor,
            spaceId: saved.id,
            data: { space: externalId, kind, guildId: saved.discordGuildId, channelId: saved.discordChannelId },
          },
          tx,
        );
        return saved;
      });
      options.onSpacesChanged?.();
      return summarize(row);
    },
    async remove({ ref, guildId, actor }) {
      const space = await resolve(ref, guildId);
      const row = await prisma.$transaction(async (tx) => {
        const saved = await tx.space.update({ where: { id: space.id }, data: { removedAt: new Date() } });
        await audit.append(
          { action: "space.removed", actor, spaceId: space.id, data: { space: space.externalId } },
          tx,
        );
        return saved;
      });
      options.onSpacesChanged?.();
      return summarize(row);
    },
    async list(guildId) {
      const rows = await prisma.space.findMany({
        where: { ...(guildId !== null ? { discordGuildId: guildId } : {}), removedAt: null },
        orderBy: { externalId: "asc" },
      });
      return rows.map(summarize);
    },
    async setMode({ ref, guildId, mode, actor }) {
      const space = await resolve(ref, guildId);
      if (mode === "live" && !options.liveCastingAvailable) {
        throw new SpaceAdminError(
          "space.live_unavailable",
          "Live casting is not available: Tribune has no agent keys configured",
          "An operator must set AGENT_MNEMONIC (or AGENT_MNEMONIC_FILE) and restart Tribune; until then spaces stay in dry-run",
        );
      }
      return change(space, { mode: mode === "live" ? "live" : "dry_run" }, "space.mode_changed", actor);
    },
    async setVotingMode({ ref, guildId, votingMode, actor }) {
      const space = await resolve(ref, guildId);
      const keyring = options.keyring ?? null;
      if (votingMode === "pooled" && !space.pooledAgentAddress && !keyring) throw pooledUnavailable();
      const updated = await prisma.$transaction(
        async (tx) => {
          // The space row first, then its outbox rows: the planner locks in the same order, so a plan in progress
          // finishes before the switch (and the switch skips what it wrote) or sees the switch and plans again. Both
          // before the first audit entry, whose chain lock a claiming worker that holds some of these rows waits for.
          await tx.$queryRaw`SELECT id FROM "Space" WHERE id = ${space.id} FOR UPDATE`;
          await tx.$queryRaw`
            SELECT id FROM "Cast" WHERE "spaceId" = ${space.id} AND state NOT IN ('confirmed', 'failed') FOR UPDATE`;
          const before = await tx.space.findUniqueOrThrow({ where: { id: space.id } });
          let agent: { index: number; address: string; allocated: boolean } | null = null;
          if (votingMode === "pooled") {
            if (keyring) agent = await ensurePooledAgent(tx, keyring, space.id);
            else if (before.pooledAgentIndex === null || !before.pooledAgentAddress) throw pooledUnavailable();
          }
          const row = await tx.space.update({ where: { id: space.id }, data: { votingMode } });
          await audit.append(
            {
              action: "space.voting_mode_changed",
              actor,
              spaceId: space.id,
              data: {
                space: space.externalId,
                before: { votingMode: before.votingMode },
                after: { votingMode: row.votingMode },
                pooledAgent: row.pooledAgentAddress
                  ? {
                      index: row.pooledAgentIndex,
                      address: row.pooledAgentAddress,
                      allocated: agent?.allocated ?? false,
                    }
                  : null,
              },
            },
            tx,
          );
          // No row of the other kind may stay castable: each is skipped (revivably) with its own audit entry.
          const rows = await tx.cast.findMany({
            where: {
              spaceId: space.id,
              voterKind: { not: votingMode },
              state: { in: ["planned", "announced", "due", "skipped"] },
            },
          });
          await skipOtherKind(tx, audit, rows, votingMode, actor);
          return row;
        },
        { maxWait: 30_000, timeout: 60_000 },
      );
      return summarize(updated);
    },
    async setVetoWindow({ ref, guildId, duration, actor }) {
      const space = await resolve(ref, guildId);
      const seconds = parseDuration(duration);
      if (seconds < MIN_VETO_WINDOW_SECONDS || seconds > MAX_VETO_WINDOW_SECONDS) {
        throw new SpaceAdminError(
          "space.veto_window_out_of_range",
          `A veto window of ${formatDuration(seconds)} is out of range`,
          `Choose between ${formatDuration(MIN_VETO_WINDOW_SECONDS)} and ${formatDuration(MAX_VETO_WINDOW_SECONDS)}`,
        );
      }
      return change(space, { vetoWindowSeconds: seconds }, "space.veto_window_changed", actor);
    },
  };
}

function pooledUnavailable(): SpaceAdminError {
  return new SpaceAdminError(
    "space.pooled_unavailable",
    "Pooled voting is not available: Tribune has no agent keys configured to give the space a pooled delegate",
    "An operator must set AGENT_MNEMONIC (or AGENT_MNEMONIC_FILE) and restart Tribune; then switch the space to pooled again",
  );
}

function pick(row: Space, keys: object): Record<string, unknown> {
  return Object.fromEntries(Object.keys(keys).map((key) => [key, row[key as keyof Space]]));
}

/** A stored row as stewards see it. */
export function summarize(row: Space): SpaceSummary {
  return {
    id: row.id,
    kind: row.kind,
    externalId: row.externalId,
    name: row.name,
    channelId: row.discordChannelId,
    mode: row.mode === "live" ? "live" : "dry-run",
    votingMode: row.votingMode,
    pooledAgentAddress: row.pooledAgentAddress,
    vetoWindowSeconds: row.vetoWindowSeconds,
    vetoWindow: formatDuration(row.vetoWindowSeconds),
  };
}
