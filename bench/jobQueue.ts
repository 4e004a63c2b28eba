// How many jobs one Tribune process works through per second when its queue is full: the ceiling on, say, thread
// updates after a `/pause` (one announce job per open proposal) or decisions after a taxonomy edit. Handlers here do
// nothing, so the figure is the queue's own: pg-boss fetching, completing, and waiting between fetches. Production
// settings: 4 workers per job, polling every 2 s.
import { z } from "zod";
import { defineJob } from "../src/jobs/jobDefinition.js";
import { createJobQueue } from "../src/jobs/jobQueue.js";
import { benchEngines, openBenchDatabase } from "./benchDatabase.js";
import type { BenchFigure } from "./benchFigure.js";

const JOBS = 200;
const CONCURRENCY = 4;
const POLLING_SECONDS = 2;

const noop = defineJob({
  name: "bench.noop",
  payload: z.object({ i: z.number().int() }),
  timeoutSeconds: 60,
  retry: { limit: 0, delaySeconds: 0, backoff: false },
});

/** Prints and returns jobs per second through one process's workers on each benchmarked engine. */
export async function run(): Promise<BenchFigure[]> {
  const figures: BenchFigure[] = [];
  for (const engine of await benchEngines()) {
    const bench = await openBenchDatabase(engine);
    const on = engine === "postgres" ? "PostgreSQL" : "PGlite";
    const errors: Error[] = [];
    const queue = createJobQueue({
      sql: bench.db.sql,
      catalog: [noop],
      onError: (error) => errors.push(error),
      pollingIntervalSeconds: POLLING_SECONDS,
    });
    try {
      console.log(`engine: ${bench.label}`);
      await queue.start();
      for (let i = 0; i < JOBS; i++) await queue.enqueue(noop, { i });
      let done = 0;
      let finished: () => void = () => undefined;
      const allDone = new Promise<void>((resolve) => {
        finished = resolve;
      });
      const started = performance.now();
      await queue.work(
        noop,
        async () => {
          done += 1;
          if (done === JOBS) finished();
        },
        { concurrency: CONCURRENCY },
      );
      await allDone;
      const seconds = (performance.now() - started) / 1_000;
      const perSecond = JOBS / seconds;
      console.log(
        `  ${JOBS} queued jobs worked in ${seconds.toFixed(1)} s by ${CONCURRENCY} workers polling every ${POLLING_SECONDS} s: ${perSecond.toFixed(1)} jobs/s`,
      );
      if (errors.length > 0) console.log(`  queue errors: ${errors.map((e) => e.message).join("; ")}`);
      figures.push({
        figure: `Queued jobs worked per second, one process, ${CONCURRENCY} workers (${on})`,
        goal: "—",
        measured: `${perSecond.toFixed(1)}/s`,
        met: null,
      });
    } finally {
      await queue.stop(5_000);
      await bench.drop();
    }
  }
  return figures;
}
