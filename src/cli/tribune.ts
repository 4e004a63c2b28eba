// The `tribune` command line. Each command is one file in ./tribune/, named by the command (`tribune digest …` runs
// ./tribune/digest.ts), exporting `summary` (one line for the help) and `run(args)` returning the exit code.
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { runCli } from "./runCli.js";

interface TribuneCommand {
  summary: string;
  run(args: string[]): Promise<number>;
}

const commandsDir = join(import.meta.dirname, "tribune");

async function listCommands(): Promise<Map<string, TribuneCommand>> {
  const files = (await readdir(commandsDir)).filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"));
  const commands = new Map<string, TribuneCommand>();
  for (const file of files.sort()) {
    commands.set(file.replace(/\.ts$/, ""), (await import(join(commandsDir, file))) as TribuneCommand);
  }
  return commands;
}

runCli("tribune", async () => {
  const [name, ...args] = process.argv.slice(2);
  const commands = await listCommands();
  const command = name ? commands.get(name) : undefined;
  if (!command) {
    if (name && name !== "help" && name !== "--help") process.stderr.write(`tribune: no command "${name}".\n`);
    process.stdout.write("Usage: npx tribune <command> [arguments]\n\nCommands:\n");
    for (const [commandName, { summary }] of commands) process.stdout.write(`  ${commandName.padEnd(10)} ${summary}\n`);
    return name && name !== "help" && name !== "--help" ? 2 : 0;
  }
  return command.run(args);
});
