// How busy the bot is right now, for the router's one decision: answer directly, or say "thinking…" first. Under a
// burst (hundreds of slash commands in the same second) every handler competes for the same event loop and database
// pool, so a command that takes 10 ms alone takes a second; its deferral, sent before any of that work starts, is one
// small request. Three signals, each cheap to read at the moment an interaction arrives:
//  - interactions in flight (started, not yet finished: a deferred one still loads the loop and the database);
//  - the event loop's lag: a probe timer that should tick every `probeMs` is overdue, so callbacks are queued;
//  - the interaction's age on arrival (from its snowflake): it already waited in the gateway's queue.
// Age depends on the bot's clock agreeing with Discord's; a clock that runs ahead only makes the bot defer more often,
// which costs a "thinking…" and an edit, never an interaction.

export interface LoadGaugeOptions {
  /** In-flight interactions from which the next one is deferred at once (default 3). */
  maxInFlight?: number;
  /** Event-loop lag (ms) from which the bot counts as busy (default 40). */
  maxLagMs?: number;
  /** An interaction older than this on arrival (ms) is deferred at once (default 200). */
  maxAgeMs?: number;
  /** How often the lag probe ticks (default 20 ms). */
  probeMs?: number;
  now?: () => number;
}

export interface LoadGauge {
  /** Counts one interaction in flight; call the returned function once it is finished (answered or failed). */
  enter(): () => void;
  /** Whether an interaction created at `createdTimestamp` should be deferred before any work starts. */
  busy(createdTimestamp: number): boolean;
  /**
   * For an interaction already counted in flight, whether the bot has become busy since it arrived: more than
   * `maxInFlight` in flight (itself included), or the loop lagging. Its age is not counted again.
   */
  busySince(): boolean;
  /** What the gauge reads now, for logs and the benchmark. */
  reading(): { inFlight: number; lagMs: number };
  /** Stops the probe timer. */
  stop(): void;
}

/** Builds a gauge; its probe timer is unref'd, so it never keeps a process alive. */
export function createLoadGauge(options: LoadGaugeOptions = {}): LoadGauge {
  const maxInFlight = options.maxInFlight ?? 3;
  const maxLagMs = options.maxLagMs ?? 40;
  const maxAgeMs = options.maxAgeMs ?? 200;
  const probeMs = options.probeMs ?? 20;
  const now = options.now ?? Date.now;
  let inFlight = 0;
  let lastTick = now();
  // The lag the last tick saw, so a loop that was blocked a moment ago still reads busy until a punctual tick.
  let lastLag = 0;
  let probe: NodeJS.Timeout | undefined;

  const ensureProbe = () => {
    if (probe) return;
    lastTick = now();
    probe = setInterval(() => {
      const at = now();
      lastLag = Math.max(0, at - lastTick - probeMs);
      lastTick = at;
    }, probeMs);
    probe.unref();
  };
  /** The larger of the last tick's lag and how overdue the next tick is now (the loop is late right now). */
  const lag = () => Math.max(lastLag, now() - lastTick - probeMs);

  return {
    enter() {
      ensureProbe();
      inFlight += 1;
      let left = false;
      return () => {
        if (left) return;
        left = true;
        inFlight -= 1;
      };
    },
    busy(createdTimestamp) {
      ensureProbe();
      return inFlight >= maxInFlight || lag() >= maxLagMs || now() - createdTimestamp >= maxAgeMs;
    },
    busySince() {
      return inFlight > maxInFlight || lag() >= maxLagMs;
    },
    reading() {
      return { inFlight, lagMs: Math.max(0, lag()) };
    },
    stop() {
      clearInterval(probe);
      probe = undefined;
    },
  };
}
