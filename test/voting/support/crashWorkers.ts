import { type ChildProcess, spawn } from "node:child_process";
import type { PrismaClient } from "../../../src/generated/prisma/client.js";

// What the crash tests' casting workers share, in a child process or in the test's own: the test reads what a worker
// prints to know where it is, and a worker drains until its proposal's rows are all settled.

/** A casting worker in its own process, and what it printed. */
export interface CrashWorker {
  child: ChildProcess;
  output(): string;
  saw(word: string): Promise<void>;
}

/**
 * Starts `script` (a worker entry, run through tsx) with only PATH, HOME and the given variables in its environment;
 * it loads, connects and says READY, then waits for its "GO" line on stdin.
 */
export function startCrashWorker(script: string, env: Record<string, string>): CrashWorker {
  const child = spawn(process.execPath, ["--import", "tsx", script], {
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  return { child, ...watchOutput(child) };
}

/** Collects a worker's output; `saw(word)` resolves once it printed `word`, and fails if it exits first or in 60 s. */
export function watchOutput(child: ChildProcess): { saw(word: string): Promise<void>; output(): string } {
  let out = "";
  const append = (chunk: Buffer) => {
    out += chunk.toString();
  };
  child.stdout?.on("data", append);
  child.stderr?.on("data", append);
  const saw = (word: string) =>
    new Promise<void>((resolve, reject) => {
      if (out.includes(word)) return resolve();
      const timer = setTimeout(() => reject(new Error(`worker never said ${word}:\n${out}`)), 60_000);
      const check = () => {
        if (!out.includes(word)) return;
        clearTimeout(timer);
        resolve();
      };
      child.stdout?.on("data", check);
      child.once("exit", (code) => {
        check();
        clearTimeout(timer);
        reject(new Error(`worker exited (${code}) before ${word}:\n${out}`));
      });
    });
  return { saw, output: () => out };
}

/** Drains again and again until no row of the proposal is open; throws after `timeoutMs` (no limit by default). */
export async function drainUntilSettled(
  prisma: PrismaClient,
  proposalId: string,
  drain: () => Promise<unknown>,
  timeoutMs = Number.POSITIVE_INFINITY,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await drain();
    const open = await prisma.cast.count({
      where: { proposalId, state: { notIn: ["confirmed", "failed", "skipped"] } },
    });
    if (open === 0) return;
    if (Date.now() > deadline) throw new Error(`rows still open after ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
