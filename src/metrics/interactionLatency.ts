import { Histogram, type Registry } from "prom-client";

/** What the interaction router reports once Discord has been answered or told to wait (deferred). */
export interface InteractionAck {
  /** The slash command or component prefix (never a custom id with ids in it: each distinct value is a series). */
  command: string;
  /** From the interaction's creation to the acknowledgement. */
  ms: number;
  deferred: boolean;
}

// Discord drops an interaction not acknowledged within 3 s, so the buckets are fine below that and coarse above.
const BOUNDS_SECONDS = [0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 2.5, 3, 5];
/** Commands beyond this many distinct names share the label "other", so a bug cannot flood Prometheus. */
const MAX_COMMANDS = 64;

/** Registers Discord's acknowledgement latency on `registry`; returns the observer to hand to the router. */
export function interactionLatency(registry: Registry): (ack: InteractionAck) => void {
  const histogram = new Histogram({
    name: "tribune_discord_interaction_ack_seconds",
    help: "Time from a Discord interaction's creation to its acknowledgement (Discord allows 3 s)",
    labelNames: ["command", "deferred"],
    buckets: BOUNDS_SECONDS,
    registers: [registry],
  });
  const seen = new Set<string>();
  return (ack) => {
    if (!Number.isFinite(ack.ms) || ack.ms < 0) return;
    if (!seen.has(ack.command) && seen.size < MAX_COMMANDS) seen.add(ack.command);
    const command = seen.has(ack.command) ? ack.command : "other";
    histogram.observe({ command, deferred: String(ack.deferred) }, ack.ms / 1_000);
  };
}
