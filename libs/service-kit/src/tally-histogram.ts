import type { Registry } from 'prom-client';

/** What a prom-client registry reads from a metric to expose it (prom-client's MetricObjectWithValues, which it does not export). */
interface ExposedMetric {
  name: string;
  help: string;
  type: 'histogram';
  aggregator: 'sum';
  values: Array<{ metricName: string; labels: Record<string, string | number>; value: number }>;
}

/** One label set's series of a TallyHistogram. */
export interface TallySeries {
  observe(value: number): void;
}

interface Series {
  labels: Record<string, string>;
  /** Per bucket (not cumulative); the last one is +Inf. */
  counts: Float64Array;
  sum: number;
  count: number;
}

export interface TallyHistogramOptions<L extends string> {
  name: string;
  help: string;
  labelNames: readonly L[];
  /** Upper bounds, ascending; +Inf is added. */
  buckets: readonly number[];
  registers: readonly Registry[];
}

/**
 * A Prometheus histogram for values observed once per record. prom-client's Histogram hashes its
 * label set and searches its buckets on every observation (about 1 us each, a tenth of the
 * producer's own work per record); a series of this one is bound once per label set and each
 * observation is a bucket search and two additions. It is exposed as a histogram of the same
 * name, buckets, sum and count (tally-histogram.test.ts compares it with prom-client's), built
 * when scraped.
 */
export class TallyHistogram<L extends string> {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  readonly name: string;
  readonly help: string;
  private readonly bounds: Float64Array;
  private readonly series = new Map<string, Series>();

  constructor(private readonly o: TallyHistogramOptions<L>) {
    this.name = o.name;
    this.help = o.help;
    for (let i = 1; i < o.buckets.length; i++) {
      if (!(o.buckets[i] > o.buckets[i - 1])) throw new Error(`${o.name}: bucket bounds must ascend, got ${o.buckets.join(', ')}`);
    }
    this.bounds = Float64Array.from(o.buckets);
    // The registry only needs what it reads: name, help, type and get(); the cast is prom-client's Metric union.
    for (const r of o.registers) r.registerMetric(this as unknown as Parameters<Registry['registerMetric']>[0]);
  }

  /** The series of a label set, created at zero (so it is scraped before its first observation). */
  labels(labels: Record<L, string>): TallySeries {
    for (const name of Object.keys(labels)) {
      if (!(this.o.labelNames as readonly string[]).includes(name)) throw new Error(`${this.name}: unknown label ${name}`);
    }
    const id = this.o.labelNames.map((n) => labels[n] ?? '').join('\u0000');
    let s = this.series.get(id);
    if (s === undefined)
      this.series.set(id, (s = { labels: { ...labels }, counts: new Float64Array(this.bounds.length + 1), sum: 0, count: 0 }));
    const series = s;
    const bounds = this.bounds;
    return {
      observe(value: number): void {
        // Like prom-client, a value that is not a number is a caller's bug.
        if (!Number.isFinite(value)) throw new TypeError(`Value is not a valid number: ${value}`);
        let i = 0;
        while (i < bounds.length && value > bounds[i]) i++;
        series.counts[i] += 1;
        series.sum += value;
        series.count += 1;
      },
    };
  }

  async get(): Promise<ExposedMetric> {
    const values: ExposedMetric['values'] = [];
    for (const s of this.series.values()) {
      let cumulative = 0;
      for (let i = 0; i <= this.bounds.length; i++) {
        cumulative += s.counts[i];
        const le = i < this.bounds.length ? this.bounds[i] : '+Inf';
        values.push({ metricName: `${this.name}_bucket`, labels: { ...s.labels, le }, value: cumulative });
      }
      values.push({ metricName: `${this.name}_sum`, labels: s.labels, value: s.sum });
      values.push({ metricName: `${this.name}_count`, labels: s.labels, value: s.count });
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  reset(): void {
    this.series.clear();
  }
}
