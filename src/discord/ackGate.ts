// Acknowledgements before work. Under a burst, the router defers each interaction before starting its handler; the
// first handlers to start would then compete (for the event loop, for database connections) with the deferrals still
// being sent for the rest. The gate holds a handler whose deferral is out until the burst's other deferrals are out
// too, bounded, so work can be late but never stuck.

/** The longest a deferred handler waits for other deferrals to be sent before it starts anyway. */
const GATE_MAX_WAIT_MS = 1_000;

/**
 * Deferrals first: a handler whose deferral is sent waits until every other pending deferral is sent too (at most
 * GATE_MAX_WAIT_MS), so a burst's acknowledgements are not slowed by the work of the ones acknowledged first.
 */
export function createAckGate() {
  let pending = 0;
  let waiters: (() => void)[] = [];
  return {
    async acknowledge(send: () => Promise<void>): Promise<void> {
      pending += 1;
      try {
        await send();
      } finally {
        pending -= 1;
        if (pending === 0) {
          const woken = waiters;
          waiters = [];
          for (const wake of woken) wake();
        }
      }
    },
    drained(): Promise<void> {
      if (pending === 0) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, GATE_MAX_WAIT_MS);
        waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
  };
}
