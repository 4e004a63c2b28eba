import { reportFatal } from "./reportFatal.js";

/** Runs a command-line entry point: exits with the code it returns, or reports its failure (see reportFatal). */
export function runCli(name: string, body: () => Promise<number>): void {
  body().then(
    (code) => process.exit(code),
    (error: unknown) => process.exit(reportFatal(name, error)),
  );
}
