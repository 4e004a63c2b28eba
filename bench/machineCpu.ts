// Where a machine's CPU went over a stretch of a benchmark: all cores (from /proc/stat) and PostgreSQL's server
// processes (from /proc/<pid>/stat, by command name), so a figure bound by the machine can be told from one bound by
// Tribune. Linux only; elsewhere `read` returns null and the benchmark prints its figure without the split.
import { readdirSync, readFileSync } from "node:fs";

/** Cumulative CPU seconds at one moment. */
export interface MachineCpu {
  /** Busy time summed over every core (user, nice, system, irq, softirq, steal). */
  busySeconds: number;
  /** Every core's time, idle included: elapsed seconds × cores. */
  totalSeconds: number;
  /** PostgreSQL's server processes that are running now (ended connections' time is lost). */
  postgresSeconds: number;
}

const TICKS_PER_SECOND = 100;

/** Reads the counters, or null where /proc is missing. */
export function readMachineCpu(): MachineCpu | null {
  try {
    const [cpu] = readFileSync("/proc/stat", "utf8").split("\n");
    const ticks = (cpu ?? "").trim().split(/\s+/).slice(1).map(Number);
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = ticks;
    const busy = user + nice + system + irq + softirq + steal;
    return {
      busySeconds: busy / TICKS_PER_SECOND,
      totalSeconds: (busy + idle + iowait) / TICKS_PER_SECOND,
      postgresSeconds: postgresTicks() / TICKS_PER_SECOND,
    };
  } catch {
    return null;
  }
}

/** The difference between two readings. */
export function machineCpuBetween(before: MachineCpu, after: MachineCpu): MachineCpu {
  return {
    busySeconds: after.busySeconds - before.busySeconds,
    totalSeconds: after.totalSeconds - before.totalSeconds,
    postgresSeconds: after.postgresSeconds - before.postgresSeconds,
  };
}

function postgresTicks(): number {
  let ticks = 0;
  for (const pid of readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      // The command name sits in parentheses and may hold spaces; the fields after it are space-separated.
      const close = stat.lastIndexOf(")");
      if (!stat.slice(stat.indexOf("(") + 1, close).startsWith("postgres")) continue;
      const fields = stat.slice(close + 2).split(" ");
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return ticks;
}
