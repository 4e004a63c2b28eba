import { ApplicationCommandOptionType } from "discord.js";

// A slash command's definition is plain, typed JSON (what Discord's bulk-overwrite takes), written `as const` in its
// file under commands/. Handlers get their arguments typed from that same definition, so a renamed option or a
// changed type is a compile error in the handler, not a runtime surprise.

/** The option kinds Tribune's commands use, by Discord's type number. */
export type ValueOptionType =
  | ApplicationCommandOptionType.String
  | ApplicationCommandOptionType.Integer
  | ApplicationCommandOptionType.Boolean
  | ApplicationCommandOptionType.Channel
  | ApplicationCommandOptionType.User;

export interface ValueOption {
  readonly type: ValueOptionType;
  readonly name: string;
  readonly description: string;
  readonly required?: boolean;
  readonly autocomplete?: boolean;
  readonly choices?: readonly { readonly name: string; readonly value: string | number }[];
  readonly min_value?: number;
  readonly max_value?: number;
  readonly max_length?: number;
  readonly channel_types?: readonly number[];
}

export interface SubcommandOption {
  readonly type: ApplicationCommandOptionType.Subcommand;
  readonly name: string;
  readonly description: string;
  readonly options?: readonly ValueOption[];
}

export interface SubcommandGroupOption {
  readonly type: ApplicationCommandOptionType.SubcommandGroup;
  readonly name: string;
  readonly description: string;
  readonly options: readonly SubcommandOption[];
}

/** A chat-input command as Discord registers it. */
export interface CommandDefinition {
  readonly name: string;
  readonly description: string;
  readonly options?: readonly (ValueOption | SubcommandOption | SubcommandGroupOption)[];
  /** A permission bit set as a decimal string; "0" shows the command to administrators only by default. */
  readonly default_member_permissions?: string;
  /** Tribune's commands act on a guild's spaces: never in DMs. */
  readonly contexts?: readonly number[];
}

type ValueOf<O extends ValueOption> = O["choices"] extends readonly { value: infer V }[]
  ? V
  : O["type"] extends ApplicationCommandOptionType.Integer
    ? number
    : O["type"] extends ApplicationCommandOptionType.Boolean
      ? boolean
      : string;

type ArgsOf<Options extends readonly ValueOption[] | undefined> = Options extends readonly ValueOption[]
  ? { [O in Options[number] as O["required"] extends true ? O["name"] : never]: ValueOf<O> } & {
      [O in Options[number] as O["required"] extends true ? never : O["name"]]?: ValueOf<O>;
    }
  : Record<string, never>;

type SubcommandsOf<D extends CommandDefinition> = Extract<NonNullable<D["options"]>[number], SubcommandOption>;
type GroupsOf<D extends CommandDefinition> = Extract<NonNullable<D["options"]>[number], SubcommandGroupOption>;

/**
 * The arguments a handler receives: for a command with subcommands, a union tagged by `subcommand` (and `group`);
 * otherwise the options by name, optional ones possibly undefined.
 */
export type CommandArgs<D extends CommandDefinition> = [SubcommandsOf<D> | GroupsOf<D>] extends [never]
  ? ArgsOf<ValueOptionsOf<D>>
  :
      | {
          [S in SubcommandsOf<D> as S["name"]]: { group: undefined; subcommand: S["name"] } & ArgsOf<S["options"]>;
        }[SubcommandsOf<D>["name"]]
      | {
          [G in GroupsOf<D> as G["name"]]: {
            [S in G["options"][number] as S["name"]]: { group: G["name"]; subcommand: S["name"] } & ArgsOf<
              S["options"]
            >;
          }[G["options"][number]["name"]];
        }[GroupsOf<D>["name"]];

type ValueOptionsOf<D extends CommandDefinition> = readonly Extract<NonNullable<D["options"]>[number], ValueOption>[];

/** Where an option sits: the value options that apply to the invoked (group, subcommand). */
export function optionsFor(
  definition: CommandDefinition,
  group: string | null,
  subcommand: string | null,
): readonly ValueOption[] {
  const top = definition.options ?? [];
  if (subcommand === null) return top.filter((o): o is ValueOption => isValueOption(o));
  const container = group
    ? top.find(
        (o): o is SubcommandGroupOption => o.type === ApplicationCommandOptionType.SubcommandGroup && o.name === group,
      )?.options
    : top;
  const sub = container?.find(
    (o): o is SubcommandOption => o.type === ApplicationCommandOptionType.Subcommand && o.name === subcommand,
  );
  return sub?.options ?? [];
}

function isValueOption(option: ValueOption | SubcommandOption | SubcommandGroupOption): option is ValueOption {
  return (
    option.type !== ApplicationCommandOptionType.Subcommand &&
    option.type !== ApplicationCommandOptionType.SubcommandGroup
  );
}

/** Every option the definition says may autocomplete, anywhere in it. */
export function autocompleteOptionNames(definition: CommandDefinition): Set<string> {
  const names = new Set<string>();
  const visit = (options: CommandDefinition["options"]) => {
    for (const option of options ?? []) {
      if (
        option.type === ApplicationCommandOptionType.Subcommand ||
        option.type === ApplicationCommandOptionType.SubcommandGroup
      )
        visit(option.options);
      else if (option.autocomplete) names.add(option.name);
    }
  };
  visit(definition.options);
  return names;
}
