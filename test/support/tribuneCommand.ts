import { spawn } from "node:child_process";
import { resolve } from "node:path";

const BIN = resolve(import.meta.dirname, "../../bin/tribune.mjs");

/** What one `tribune` command printed, and its exit code (-1 when killed by a signal). */
export interface CommandRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `tribune <args>` as a user does (bin/tribune.mjs, a child process) with exactly `env` on top of PATH and HOME,
 * never a .env file. Awaited rather than run synchronously, so servers in the test's own process (a fake API) answer.
 */
export function runTribune(args: readonly string[], env: Record<string, string> = {}): Promise<CommandRun> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", TRIBUNE_ENV_FILE: "", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    child.on("error", fail);
    // "close", not "exit": by then both streams have been read to the end.
    child.on("close", (code) => done({ code: code ?? -1, stdout, stderr }));
  });
}
