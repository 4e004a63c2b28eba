import { type ChildProcess, spawn } from "node:child_process";

/** Tribune's real start command, run as a child process with exactly the environment given (no inherited .env). */
export interface TribuneProcess {
  child: ChildProcess;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** Resolves with the output once `pattern` appears; rejects if the process exits first or time runs out. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Resolves with the exit code (null if killed by a signal). */
  exited: Promise<number | null>;
}

const running = new Set<ChildProcess>();

/** Kills every Tribune child still running (a failed test must not leave servers behind). */
export function killAllTribunes(): void {
  for (const child of running) child.kill("SIGKILL");
  running.clear();
}

/** Starts `src/main.ts` (what `npm start` runs) with `env` on top of a minimal PATH/HOME environment. */
export function startTribune(env: Record<string, string>): TribuneProcess {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", TRIBUNE_ENV_FILE: "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.add(child);
  child.once("exit", () => running.delete(child));
  let text = "";
  const listeners = new Set<() => void>();
  const append = (chunk: Buffer) => {
    text += chunk.toString("utf8");
    for (const listener of listeners) listener();
  };
  child.stdout?.on("data", append);
  child.stderr?.on("data", append);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));

  return {
    child,
    output: () => text,
    exited,
    waitFor(pattern, timeoutMs = 170_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!pattern.test(text)) return;
          cleanup();
          resolve(text);
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`timed out waiting for ${pattern}; output so far:\n${text}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        exited.then((code) => {
          if (!listeners.has(check)) return;
          cleanup();
          reject(new Error(`exited with ${code} before ${pattern}; output:\n${text}`));
        });
        check();
      });
    },
  };
}

/** The web URL the start-up summary printed. */
export function webUrlFrom(output: string): string {
  const match = /^\s+web\s+(http:\/\/\S+)/m.exec(output);
  if (!match?.[1]) throw new Error(`no web URL in the start-up summary:\n${output}`);
  return match[1];
}
