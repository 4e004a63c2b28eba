// Permission arithmetic as Discord computes it: guild base permissions from @everyone and the member's roles (owner
// and ADMINISTRATOR get everything), then the channel's overwrites in order: @everyone, roles, member. Threads take
// their parent's overwrites. A channel the member cannot view grants nothing.
// @see https://discord.com/developers/docs/topics/permissions#permission-overwrites
import { PermissionFlagsBits } from "discord.js";

export const Perm = PermissionFlagsBits;

/** Every permission bit Discord defines. */
export const ALL_PERMISSIONS: bigint = Object.values(PermissionFlagsBits).reduce((all, bit) => all | bit, 0n);

/** @everyone's permissions when a test does not give its own: what a new server grants (minus voice). */
export const DEFAULT_EVERYONE_PERMISSIONS: bigint =
  Perm.ViewChannel |
  Perm.SendMessages |
  Perm.SendMessagesInThreads |
  Perm.CreatePublicThreads |
  Perm.CreatePrivateThreads |
  Perm.EmbedLinks |
  Perm.AttachFiles |
  Perm.AddReactions |
  Perm.ReadMessageHistory |
  Perm.UseApplicationCommands |
  Perm.UseExternalEmojis |
  Perm.ChangeNickname |
  Perm.CreateInstantInvite;

/**
 * The bot's own role when a test does not say: what Tribune asks for in its invite. MANAGE_THREADS is left out on
 * purpose, so locked threads behave for the bot as for any member (160005).
 */
export const DEFAULT_BOT_PERMISSIONS: bigint =
  Perm.ViewChannel |
  Perm.SendMessages |
  Perm.SendMessagesInThreads |
  Perm.CreatePublicThreads |
  Perm.CreatePrivateThreads |
  Perm.EmbedLinks |
  Perm.AttachFiles |
  Perm.ReadMessageHistory |
  Perm.UseApplicationCommands |
  Perm.AddReactions;

export interface PermissionOverwrite {
  id: string;
  /** 0 = role, 1 = member. */
  type: 0 | 1;
  allow: bigint;
  deny: bigint;
}

/** What the permission computation needs to know about a guild and a member. */
export interface PermissionSubject {
  guildId: string;
  ownerId: string;
  userId: string;
  /** The member's role ids (without @everyone). */
  roleIds: readonly string[];
  /** Permissions by role id, @everyone (id = guild id) included. */
  rolePermissions: ReadonlyMap<string, bigint>;
}

/** Guild-level permissions of a member. */
export function basePermissions(subject: PermissionSubject): bigint {
  if (subject.userId === subject.ownerId) return ALL_PERMISSIONS;
  let permissions = subject.rolePermissions.get(subject.guildId) ?? 0n;
  for (const roleId of subject.roleIds) permissions |= subject.rolePermissions.get(roleId) ?? 0n;
  return (permissions & Perm.Administrator) === Perm.Administrator ? ALL_PERMISSIONS : permissions;
}

/** A member's permissions in a channel with the given overwrites. */
export function channelPermissions(subject: PermissionSubject, overwrites: readonly PermissionOverwrite[]): bigint {
  const base = basePermissions(subject);
  if ((base & Perm.Administrator) === Perm.Administrator) return ALL_PERMISSIONS;
  let permissions = base;
  const everyone = overwrites.find((o) => o.type === 0 && o.id === subject.guildId);
  if (everyone) permissions = (permissions & ~everyone.deny) | everyone.allow;
  let allow = 0n;
  let deny = 0n;
  for (const o of overwrites) {
    if (o.type === 0 && subject.roleIds.includes(o.id)) {
      allow |= o.allow;
      deny |= o.deny;
    }
  }
  permissions = (permissions & ~deny) | allow;
  const member = overwrites.find((o) => o.type === 1 && o.id === subject.userId);
  if (member) permissions = (permissions & ~member.deny) | member.allow;
  return (permissions & Perm.ViewChannel) === Perm.ViewChannel ? permissions : 0n;
}

/** True when every bit of `needed` is in `permissions`. */
export function has(permissions: bigint, needed: bigint): boolean {
  return (permissions & needed) === needed;
}
