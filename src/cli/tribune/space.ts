// `tribune space add|remove|list|mode|voting|veto-window`: the operator's side of /space, through the same service.
import { loadConfig } from "../../config/loadConfig.js";
import { loadEnvFile } from "../../config/loadEnvFile.js";
import type { SpaceSummary } from "../../spaces/spaceAdmin.js";
import { withOperatorServices } from "../operatorServices.js";

export const summary =
  "spaces: space add <space> [--guild <id> --channel <id>] · remove · list · mode · voting · veto-window";

const USAGE = `Usage:
  npx tribune space add <space> [--guild <discord guild id> --channel <channel id>]
  npx tribune space remove <space>
  npx tribune space list
  npx tribune space mode <space> dry-run|live
  npx tribune space voting <space> personal|pooled
  npx tribune space veto-window <space> <duration: 30s, 15m, 24h, 2d…>
A space is a Snapshot space id ("aave.eth") or a Governor ("<chain id>:<address>").`;

const ACTOR = "cli";

export async function run(args: string[]): Promise<number> {
  const [command, ref, value, ...rest] = args;
  loadEnvFile();
  const config = loadConfig(process.env);
  const print = (s: SpaceSummary, what: string) => {
    process.stdout.write(`${s.externalId}: ${what}\n`);
    return 0;
  };
  if (command === "list" && args.length === 1) {
    return withOperatorServices(config, async ({ spaces }) => {
      const all = await spaces.list(null);
      if (all.length === 0) process.stdout.write("No spaces yet: npx tribune space add <space>\n");
      for (const s of all) {
        process.stdout.write(
          `${s.externalId}\t${s.kind}\t${s.mode}\t${s.votingMode}\tveto ${s.vetoWindow}\t${s.channelId ? `channel ${s.channelId}` : "no channel"}\n`,
        );
      }
      return 0;
    });
  }
  if (command === "add" && ref) {
    const flags = parseFlags([value, ...rest].filter((a): a is string => a !== undefined));
    if (!flags) return usage("add takes --guild <id> and --channel <id>, both or neither");
    return withOperatorServices(config, async ({ spaces }) =>
      print(
        await spaces.add({ ref, guildId: flags.guild, channelId: flags.channel, actor: ACTOR }),
        "followed, in dry-run",
      ),
    );
  }
  if (command === "remove" && ref && args.length === 2) {
    return withOperatorServices(config, async ({ spaces }) =>
      print(await spaces.remove({ ref, guildId: null, actor: ACTOR }), "no longer followed"),
    );
  }
  if (command === "mode" && ref && (value === "dry-run" || value === "live") && args.length === 3) {
    return withOperatorServices(config, async ({ spaces }) =>
      print(await spaces.setMode({ ref, guildId: null, mode: value, actor: ACTOR }), `mode ${value}`),
    );
  }
  if (command === "voting" && ref && (value === "personal" || value === "pooled") && args.length === 3) {
    return withOperatorServices(config, async ({ spaces }) =>
      print(await spaces.setVotingMode({ ref, guildId: null, votingMode: value, actor: ACTOR }), `voting ${value}`),
    );
  }
  if (command === "veto-window" && ref && value && args.length === 3) {
    return withOperatorServices(config, async ({ spaces }) => {
      const changed = await spaces.setVetoWindow({ ref, guildId: null, duration: value, actor: ACTOR });
      return print(changed, `veto window ${changed.vetoWindow}`);
    });
  }
  return usage(command ? `unknown or incomplete command: ${args.join(" ")}` : null);
}

function parseFlags(args: string[]): { guild: string | null; channel: string | null } | null {
  if (args.length === 0) return { guild: null, channel: null };
  const guild = args[args.indexOf("--guild") + 1];
  const channel = args[args.indexOf("--channel") + 1];
  const snowflake = /^\d{17,20}$/;
  if (args.length !== 4 || !guild || !channel || !snowflake.test(guild) || !snowflake.test(channel)) return null;
  return { guild, channel };
}

function usage(problem: string | null): number {
  if (problem) process.stderr.write(`tribune space: ${problem}\n`);
  process.stderr.write(`${USAGE}\n`);
  return 2;
}
