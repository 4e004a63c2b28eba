// Start-up wiring, split from main.ts by part: stopping gracefully on SIGINT/SIGTERM.
import type { Logger } from "../log/logger.js";

export function installSignalHandlers(logger: Logger, stopAll: () => Promise<void>): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      process.stderr.write(`Tribune: ${signal} again, exiting without waiting.\n`);
      process.exit(130);
    }
    stopping = true;
    process.stdout.write(`Tribune: ${signal} received, stopping (running jobs finish first)…\n`);
    stopAll().then(
      () => {
        process.stdout.write("Tribune stopped.\n");
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, "error while stopping");
        process.exit(1);
      },
    );
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
}
