import type { Metric, Registry } from "prom-client";

/** One line of a family: its labels and value; `suffix` makes a histogram's `_bucket`, `_sum` and `_count` lines. */
export interface Sample {
  labels: Record<string, string | number>;
  value: number;
  suffix?: "_bucket" | "_sum" | "_count";
}

export interface DatabaseFamilyOptions {
  name: string;
  help: string;
  /** counter for totals that only grow (rows are never deleted), gauge for the rest, histogram for distributions. */
  type: "counter" | "gauge" | "histogram";
  /** The family's lines, read when scraped (cached by the caller); a failure leaves the family empty this scrape. */
  read: () => Promise<Sample[]>;
  /** Told about a failed read: the scrape still answers, with this family empty. */
  onReadError: (family: string, error: unknown) => void;
}

/**
 * A metric family whose values are read from the database at scrape time rather than counted in memory, so every
 * process reports the same figures, and a restart loses nothing. prom-client's own classes keep values in memory
 * and cannot express a histogram whose buckets come from a query, hence this small implementation of the interface
 * its Registry reads (name, help, type, get, reset).
 */
export class DatabaseFamily {
  readonly name: string;
  readonly help: string;
  readonly type: DatabaseFamilyOptions["type"];
  readonly aggregator = "first" as const;
  private readonly options: DatabaseFamilyOptions;

  constructor(options: DatabaseFamilyOptions) {
    this.name = options.name;
    this.help = options.help;
    this.type = options.type;
    this.options = options;
  }

  /** What the registry prints: never throws, so one failing query cannot take /metrics down. */
  async get() {
    let samples: Sample[] = [];
    try {
      samples = await this.options.read();
    } catch (error) {
      this.options.onReadError(this.name, error);
    }
    return {
      name: this.name,
      help: this.help,
      type: this.type,
      aggregator: this.aggregator,
      values: samples.map((s) => ({
        labels: s.labels,
        value: s.value,
        ...(s.suffix ? { metricName: `${this.name}${s.suffix}` } : {}),
      })),
    };
  }

  /** Nothing is held in memory, so there is nothing to reset. */
  reset(): void {}

  collect(): void {}

  /** Adds the family to `registry`. */
  registerIn(registry: Registry): this {
    // The registry only calls get() and reset() (see prom-client/lib/registry.js); its type names its own classes.
    registry.registerMetric(this as unknown as Metric);
    return this;
  }
}

/** A histogram's lines from cumulative counts per upper bound (`counts[i]`: values ≤ `bounds[i]`), sum and count. */
export function histogramSamples(
  labels: Record<string, string | number>,
  bounds: readonly number[],
  counts: readonly number[],
  sum: number,
  count: number,
): Sample[] {
  return [
    ...bounds.map((le, i): Sample => ({ labels: { ...labels, le }, value: counts[i] ?? 0, suffix: "_bucket" })),
    { labels: { ...labels, le: "+Inf" }, value: count, suffix: "_bucket" },
    { labels, value: sum, suffix: "_sum" },
    { labels, value: count, suffix: "_count" },
  ];
}
