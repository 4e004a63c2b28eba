import { GuildMember, type Interaction, PermissionFlagsBits } from "discord.js";
import type { Invoker } from "./command.js";

// Who is acting, read from the interaction itself on every call (never cached): roles change, and a button in a
// public thread can be pressed by anyone. A steward holds the configured steward role (by id or by name); a
// server administrator counts as one too, since they could grant themselves the role anyway.

/** The invoker of an interaction, with the steward check applied. */
export function invokerOf(interaction: Interaction, stewardRole: string | undefined): Invoker {
  const member = interaction.member;
  let roleIds: readonly string[] = [];
  if (member instanceof GuildMember) roleIds = [...member.roles.cache.keys()];
  else if (member && Array.isArray(member.roles)) roleIds = member.roles;
  const roleNames = roleIds.map((id) => interaction.guild?.roles.cache.get(id)?.name).filter((n): n is string => !!n);
  const isAdmin = interaction.memberPermissions?.has(PermissionFlagsBits.Administrator) ?? false;
  const hasRole =
    stewardRole !== undefined &&
    (roleIds.includes(stewardRole) || roleNames.some((name) => name.toLowerCase() === stewardRole.toLowerCase()));
  return {
    discordUserId: interaction.user.id,
    displayName: (member instanceof GuildMember ? member.displayName : undefined) ?? interaction.user.username,
    isSteward: hasRole || isAdmin,
  };
}
