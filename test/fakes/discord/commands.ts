// Application commands: registered by bulk overwrite (guild or global), checked as Discord checks definitions, and
// used to type the options of a simulated invocation the way Discord's client would send them.
// @see https://discord.com/developers/docs/interactions/application-commands
import type { APIApplicationCommand } from "discord.js";
import { FormErrors, fieldError } from "./apiErrors.js";
import { isoTimestamp, snowflake } from "./ids.js";
import { memberWithoutUser, rolePayload, userPayload } from "./payloads.js";
import { ALL_PERMISSIONS, has } from "./permissions.js";
import type { DiscordWorld } from "./state.js";

/** A command option as a bot defines it. */
export interface CommandOptionDef {
  type: number;
  name: string;
  description?: string;
  required?: boolean;
  autocomplete?: boolean;
  choices?: { name: string; value: string | number }[];
  options?: CommandOptionDef[];
  channel_types?: number[];
}

interface CommandDef {
  name?: unknown;
  type?: number;
  description?: unknown;
  options?: CommandOptionDef[];
  default_member_permissions?: string | null;
  [key: string]: unknown;
}

// Discord's rule for command and option names; chat-input names must also be lowercase.
const NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;
const MAX_COMMANDS = 100;
const MAX_OPTIONS = 25;

function checkName(errors: FormErrors, path: (string | number)[], name: unknown, chatInput: boolean): void {
  if (typeof name !== "string" || !NAME.test(name) || (chatInput && name !== name.toLowerCase())) {
    errors.add(path, { code: "APPLICATION_COMMAND_INVALID_NAME", message: "Command name is invalid" });
  }
}

function checkDescription(errors: FormErrors, path: (string | number)[], description: unknown): void {
  const n = typeof description === "string" ? [...description].length : 0;
  if (n < 1 || n > 100) errors.add(path, fieldError.badLength(1, 100));
}

function checkOptions(errors: FormErrors, path: (string | number)[], options: CommandOptionDef[]): void {
  if (options.length > MAX_OPTIONS) errors.add(path, fieldError.maxLength(MAX_OPTIONS));
  let optionalSeen = false;
  for (const [i, option] of options.entries()) {
    const at = [...path, i];
    checkName(errors, [...at, "name"], option.name, true);
    checkDescription(errors, [...at, "description"], option.description);
    if ((option.choices?.length ?? 0) > 25) errors.add([...at, "choices"], fieldError.maxLength(25));
    if (option.autocomplete && option.choices?.length) {
      errors.add([...at, "autocomplete"], {
        code: "APPLICATION_COMMAND_AUTOCOMPLETE_INVALID",
        message: "Autocomplete cannot be set on options with choices",
      });
    }
    if (option.type === 1 || option.type === 2) {
      checkOptions(errors, [...at, "options"], option.options ?? []);
      continue;
    }
    if (option.required && optionalSeen) {
      errors.add([...at, "required"], {
        code: "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
        message: "Required options must be placed before non-required options",
      });
    }
    if (!option.required) optionalSeen = true;
  }
}

/** PUT /applications/:app[/guilds/:g]/commands: replaces the scope's whole list; a kept name keeps its id. */
export function overwriteCommands(world: DiscordWorld, guildId: string | null, body: unknown): APIApplicationCommand[] {
  const errors = new FormErrors();
  if (!Array.isArray(body)) {
    errors.add([], { code: "BASE_TYPE_ARRAY", message: "Must be an array." });
    errors.throwIfAny();
  }
  const defs = body as CommandDef[];
  if (defs.length > MAX_COMMANDS) errors.add([], fieldError.maxLength(MAX_COMMANDS));
  const names = new Set<string>();
  for (const [i, def] of defs.entries()) {
    const type = def.type ?? 1;
    checkName(errors, [i, "name"], def.name, type === 1);
    if (type === 1) checkDescription(errors, [i, "description"], def.description);
    checkOptions(errors, [i, "options"], def.options ?? []);
    const key = `${type}:${String(def.name)}`;
    if (names.has(key)) {
      errors.add([i, "name"], {
        code: "APPLICATION_COMMANDS_DUPLICATE_NAME",
        message: "Application command names must be unique",
      });
    }
    names.add(key);
  }
  errors.throwIfAny();
  const scope = guildId ?? "global";
  const previous = world.commands.get(scope) ?? [];
  const registered = defs.map((def) => toCommand(world, guildId, def, previous));
  world.commands.set(scope, registered);
  return registered;
}

function toCommand(
  world: DiscordWorld,
  guildId: string | null,
  def: CommandDef,
  previous: APIApplicationCommand[],
): APIApplicationCommand {
  const type = def.type ?? 1;
  const kept = previous.find((c) => c.name === def.name && c.type === type);
  return {
    ...def,
    id: kept?.id ?? snowflake(),
    application_id: world.options.applicationId,
    version: snowflake(),
    type,
    name: String(def.name),
    description: typeof def.description === "string" ? def.description : "",
    default_member_permissions: def.default_member_permissions ?? null,
    dm_permission: guildId === null,
    nsfw: false,
    integration_types: [0],
    contexts: null,
    ...(guildId ? { guild_id: guildId } : {}),
  } as APIApplicationCommand;
}

/** The chat-input command a member in `guildId` would invoke by `name`: the guild's first, then the global one. */
export function findCommand(world: DiscordWorld, guildId: string, name: string): APIApplicationCommand | undefined {
  const inScope = (scope: string) => world.commands.get(scope)?.find((c) => c.name === name && c.type === 1);
  return inScope(guildId) ?? inScope("global");
}

export type OptionValue = string | number | boolean;

/** What a test says a member typed. */
export interface Invocation {
  guildId: string;
  channelId: string;
  userId: string;
  name: string;
  subcommandGroup?: string;
  subcommand?: string;
  options?: Record<string, OptionValue>;
  /** For autocomplete: the option being typed, and what is typed so far. */
  focused?: { name: string; value: string };
}

interface DataOption {
  type: number;
  name: string;
  value?: OptionValue;
  focused?: boolean;
  options?: DataOption[];
}

/** A mistake in the test's simulated invocation (not something Discord would answer). */
export class InvocationError extends Error {
  override name = "InvocationError";
}

const commandIds = new WeakMap<DiscordWorld, Map<string, string>>();

/** The `data` of an APPLICATION_COMMAND or AUTOCOMPLETE interaction, typed by the registered definition. */
export function commandData(world: DiscordWorld, input: Invocation) {
  const command = findCommand(world, input.guildId, input.name);
  const anyRegistered = (world.commands.get(input.guildId)?.length ?? 0) + (world.commands.get("global")?.length ?? 0);
  if (!command && anyRegistered > 0) {
    throw new InvocationError(`fake Discord: /${input.name} is not registered for guild ${input.guildId}`);
  }
  if (command) checkMemberMayUse(world, command, input);
  const resolved: Resolved = {};
  let defs: CommandOptionDef[] | undefined = command?.options as CommandOptionDef[] | undefined;
  const wrap: ((inner: DataOption[]) => DataOption[])[] = [];
  for (const [kind, name] of [
    [2, input.subcommandGroup],
    [1, input.subcommand],
  ] as const) {
    if (name === undefined) continue;
    const def = defs?.find((o) => o.type === kind && o.name === name);
    if (command && !def)
      throw new InvocationError(`fake Discord: /${input.name} has no ${kind === 2 ? "group" : "subcommand"} ${name}`);
    defs = def ? (def.options ?? []) : undefined;
    wrap.push((inner) => [{ type: kind, name, options: inner }]);
  }
  const leaf = leafOptions(world, input, defs, resolved, command !== undefined);
  const options = wrap.reduceRight((inner, w) => w(inner), leaf);
  const ids = commandIds.get(world) ?? new Map<string, string>();
  commandIds.set(world, ids);
  if (!ids.has(input.name)) ids.set(input.name, snowflake());
  const data = {
    id: command?.id ?? ids.get(input.name),
    name: input.name,
    type: 1,
    ...(command?.guild_id ? { guild_id: command.guild_id } : {}),
    ...(options.length > 0 ? { options } : {}),
    ...(Object.keys(resolved).length > 0 ? { resolved } : {}),
  };
  const fullName = [input.name, input.subcommandGroup, input.subcommand].filter(Boolean).join(" ");
  return { data, command: command ?? null, fullName };
}

/**
 * A server admin's overwrite of who may use one command (Server Settings → Integrations). The API route for it
 * (PUT …/commands/:id/permissions) takes a user's Bearer token, never a bot's, so tests set it through the facade.
 * @see https://discord.com/developers/docs/interactions/application-commands#permissions
 */
export interface CommandPermissionOverwrite {
  /** A role id (the guild's id means @everyone) or a user id. */
  id: string;
  /** 1 role, 2 user (3, a channel, is not simulated). */
  type: 1 | 2;
  permission: boolean;
}

const commandPermissions = new WeakMap<DiscordWorld, Map<string, CommandPermissionOverwrite[]>>();

/** Replaces a guild's overwrites for one registered command, as an admin saving the Integrations page would. */
export function setCommandPermissions(
  world: DiscordWorld,
  guildId: string,
  name: string,
  overwrites: CommandPermissionOverwrite[],
): void {
  const command = findCommand(world, guildId, name);
  if (!command) throw new InvocationError(`fake Discord: /${name} is not registered for guild ${guildId}`);
  const byCommand = commandPermissions.get(world) ?? new Map<string, CommandPermissionOverwrite[]>();
  commandPermissions.set(world, byCommand);
  byCommand.set(`${guildId}:${command.id}`, structuredClone(overwrites));
}

/**
 * Whether Discord offers a command to a member. Owners and administrators get every command; otherwise an admin's
 * overwrite for the member, then for any of their roles (an allow wins), then for @everyone decides; without one,
 * default_member_permissions does ("0": administrators only). Since February 2023 an overwrite for some roles or
 * users no longer switches the default off for everyone else.
 * @see https://support.discord.com/hc/en-us/articles/10952896421783-Updates-to-Command-Permissions
 */
function checkMemberMayUse(world: DiscordWorld, command: APIApplicationCommand, input: Invocation): void {
  const permissions = world.permissionsIn(input.channelId, input.userId);
  if (permissions === ALL_PERMISSIONS) return;
  const overwrites = commandPermissions.get(world)?.get(`${input.guildId}:${command.id}`) ?? [];
  const roles = world.member(input.guildId, input.userId).roles;
  const forUser = overwrites.find((o) => o.type === 2 && o.id === input.userId);
  const forRoles = overwrites.filter((o) => o.type === 1 && roles.includes(o.id));
  const forEveryone = overwrites.find((o) => o.type === 1 && o.id === input.guildId);
  let allowed: boolean;
  if (forUser) allowed = forUser.permission;
  else if (forRoles.length > 0) allowed = forRoles.some((o) => o.permission);
  else if (forEveryone) allowed = forEveryone.permission;
  else if (command.default_member_permissions === null || command.default_member_permissions === undefined) {
    allowed = true;
  } else {
    const required = BigInt(command.default_member_permissions);
    allowed = required === 0n ? false : has(permissions, required);
  }
  if (!allowed) {
    throw new InvocationError(
      `fake Discord: Discord would not offer /${input.name} to ${input.userId} (default_member_permissions ${command.default_member_permissions}, ${overwrites.length} overwrites)`,
    );
  }
}

type Resolved = {
  users?: Record<string, unknown>;
  members?: Record<string, unknown>;
  roles?: Record<string, unknown>;
  channels?: Record<string, unknown>;
};

function inferType(value: OptionValue): number {
  if (typeof value === "boolean") return 5;
  if (typeof value === "number") return Number.isInteger(value) ? 4 : 10;
  return 3;
}

function leafOptions(
  world: DiscordWorld,
  input: Invocation,
  defs: CommandOptionDef[] | undefined,
  resolved: Resolved,
  typed: boolean,
): DataOption[] {
  const given: [string, OptionValue][] = Object.entries(input.options ?? {});
  if (input.focused && !given.some(([n]) => n === input.focused?.name))
    given.push([input.focused.name, input.focused.value]);
  const out: DataOption[] = [];
  for (const [name, raw] of given) {
    const def = defs?.find((o) => o.name === name && o.type !== 1 && o.type !== 2);
    if (typed && !def) throw new InvocationError(`fake Discord: /${input.name} has no option ${name}`);
    const type = def?.type ?? inferType(raw);
    const focused = input.focused?.name === name;
    if (focused) {
      if (typed && !def?.autocomplete) throw new InvocationError(`fake Discord: option ${name} has no autocomplete`);
      // The option being typed arrives as the raw text so far, whatever its declared type.
      out.push({ type, name, value: input.focused?.value ?? "", focused: true });
      continue;
    }
    out.push({ type, name, value: typedValue(world, input, name, type, raw, def, resolved) });
  }
  if (!input.focused) {
    for (const def of defs ?? []) {
      if (def.required && !(def.name in (input.options ?? {}))) {
        throw new InvocationError(`fake Discord: /${input.name} needs option ${def.name}`);
      }
    }
  }
  return out;
}

function typedValue(
  world: DiscordWorld,
  input: Invocation,
  name: string,
  type: number,
  raw: OptionValue,
  def: CommandOptionDef | undefined,
  resolved: Resolved,
): OptionValue {
  const wrong = (expected: string) =>
    new InvocationError(`fake Discord: option ${name} takes ${expected}, got ${JSON.stringify(raw)}`);
  if (def?.choices?.length && !def.choices.some((c) => c.value === raw)) throw wrong(`one of its choices`);
  switch (type) {
    case 3:
      if (typeof raw !== "string") throw wrong("a string");
      return raw;
    case 4:
      if (typeof raw !== "number" || !Number.isInteger(raw)) throw wrong("an integer");
      return raw;
    case 10:
      if (typeof raw !== "number") throw wrong("a number");
      return raw;
    case 5:
      if (typeof raw !== "boolean") throw wrong("a boolean");
      return raw;
    case 6:
    case 7:
    case 8:
    case 9:
      if (typeof raw !== "string") throw wrong("an id");
      resolve(world, input, type, raw, resolved, wrong);
      return raw;
    default:
      throw new InvocationError(`fake Discord: option type ${type} (${name}) is not simulated`);
  }
}

function resolve(
  world: DiscordWorld,
  input: Invocation,
  type: number,
  id: string,
  resolved: Resolved,
  wrong: (expected: string) => Error,
): void {
  const guild = world.guild(input.guildId);
  const user = world.users.get(id);
  const role = guild.roles.get(id);
  if ((type === 6 || type === 9) && user) {
    resolved.users = { ...resolved.users, [id]: userPayload(user) };
    const member = guild.members.get(id);
    if (member) {
      // Resolved members come without `user` (it is in resolved.users) and with their channel permissions.
      const resolvedMember = {
        ...memberWithoutUser(member),
        permissions: world.permissionsIn(input.channelId, id).toString(),
      };
      resolved.members = { ...resolved.members, [id]: resolvedMember };
    }
    return;
  }
  if ((type === 8 || type === 9) && role) {
    resolved.roles = { ...resolved.roles, [id]: rolePayload(role) };
    return;
  }
  const channel = world.channels.get(id);
  if (type === 7 && channel && channel.guildId === input.guildId) {
    resolved.channels = {
      ...resolved.channels,
      [id]: {
        id,
        name: channel.name,
        type: channel.type,
        permissions: world.permissionsIn(id, input.userId).toString(),
        ...(channel.thread
          ? {
              parent_id: channel.parentId,
              thread_metadata: {
                archived: channel.thread.archived,
                auto_archive_duration: channel.thread.autoArchiveDuration,
                archive_timestamp: isoTimestamp(channel.thread.archiveTimestamp),
                locked: channel.thread.locked,
              },
            }
          : {}),
      },
    };
    return;
  }
  throw wrong(type === 6 ? "a member's user id" : type === 7 ? "a channel id of this guild" : "a role or user id");
}
