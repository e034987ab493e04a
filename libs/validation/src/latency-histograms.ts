import { build, decodeFromCompressedBase64, encodeIntoCompressedBase64, type Histogram } from 'hdr-histogram-js';
import { CheckerError } from './errors';
import { FieldReader } from './parse';

export interface LatencyHistogramOptions {
  /** Largest latency kept exactly; larger ones are clamped and counted (default 4 h). */
  highestTrackableUs?: number;
  /** Decimal digits of resolution (default 3: values within 0.1%). */
  significantDigits?: 1 | 2 | 3 | 4 | 5;
}

export interface WindowSummary {
  /** Window start, seconds since the epoch (`floor(arrivalUs / 1e6)`). */
  second: number;
  count: number;
  /** Largest latency, at histogram resolution. */
  maxUs: number;
  /** Value at each requested percentile, µs, in the order asked. */
  percentilesUs: number[];
}

export interface LatencySnapshot {
  version: 1;
  unit: 'us';
  significantDigits: number;
  highestTrackableUs: number;
  /** Records whose arrival preceded their send (clocks disagree); recorded as 0. */
  clockSkew: { count: number; maxUs: number };
  /** Records above `highestTrackableUs`; recorded as that value. */
  overRange: number;
  /** Whole run: HdrHistogram V2 compressed base64. */
  total: string;
  /** Per 1-second window, sorted: [second, histogram]. */
  windows: Array<[number, string]>;
}

const FOUR_HOURS_US = 4 * 3600 * 1_000_000;
/**
 * Windows still receiving records are flat count arrays (fast to record into,
 * ~100 kB each); older windows are kept as their compressed encoding (~100 B),
 * so an hour-long run costs ~3600 small strings, not 360 MB. Arrival times come
 * from one validator's clock and only move forward, so a window rarely warms up again.
 */
const HOT_WINDOWS = 4;
const read = new FieldReader('invalid_histogram_snapshot');

/**
 * End-to-end latency, µs resolution, per 1-second arrival window and for the
 * whole run. Histograms (not averages, not percentiles) are what merges, so a
 * percentile read after merging the histograms of many validators is the exact
 * percentile of all their records, overall and per second.
 */
export class LatencyHistograms {
  readonly highestTrackableUs: number;
  readonly significantDigits: 1 | 2 | 3 | 4 | 5;
  private readonly total: Histogram;
  private readonly hot = new Map<number, Histogram>();
  private readonly cold = new Map<number, string>();
  private lastSecond = Number.NaN;
  private lastWindow: Histogram | undefined = undefined;
  private skewCount = 0;
  private skewMaxUs = 0;
  private overRangeCount = 0;

  constructor(options: LatencyHistogramOptions = {}) {
    this.highestTrackableUs = options.highestTrackableUs ?? FOUR_HOURS_US;
    this.significantDigits = options.significantDigits ?? 3;
    if (!Number.isSafeInteger(this.highestTrackableUs) || this.highestTrackableUs < 2) {
      throw new CheckerError('invalid_argument', 'must be an integer >= 2', 'highestTrackableUs');
    }
    // 64-bit counts for the whole run: one bucket of a long, fast run can pass 2^31.
    this.total = this.histogram(64);
  }

  get count(): number {
    return this.total.totalCount;
  }

  get clockSkew(): { count: number; maxUs: number } {
    return { count: this.skewCount, maxUs: this.skewMaxUs };
  }

  get overRange(): number {
    return this.overRangeCount;
  }

  /** Records one latency in the window of its arrival. Negative latency (clock skew) counts as 0. */
  record(arrivalUs: number, latencyUs: number): void {
    if (!Number.isFinite(arrivalUs) || !Number.isFinite(latencyUs)) {
      throw new CheckerError('invalid_argument', `expected finite numbers, got arrivalUs=${arrivalUs} latencyUs=${latencyUs}`, 'latencyUs');
    }
    let v = Math.round(latencyUs);
    if (v < 0) {
      this.skewCount++;
      if (-v > this.skewMaxUs) this.skewMaxUs = -v;
      v = 0;
    } else if (v > this.highestTrackableUs) {
      this.overRangeCount++;
      v = this.highestTrackableUs;
    }
    this.total.recordValue(v);
    const second = Math.floor(arrivalUs / 1e6);
    const window = second === this.lastSecond ? this.lastWindow : undefined;
    (window ?? this.warm(second)).recordValue(v);
  }

  /** Whole-run values at percentiles `ps` (0..100), µs. */
  percentiles(ps: readonly number[]): number[] {
    return valuesAt(this.total, ps);
  }

  /** Every window with records, oldest first, with its values at percentiles `ps`. */
  windows(ps: readonly number[]): WindowSummary[] {
    return this.seconds().map((second) => {
      const h = this.windowAt(second) as Histogram;
      // The 100th percentile, not `maxValue`: the latter is exact before serialization and rounded up
      // to its bucket after, so it would differ between a live and a merged histogram.
      return { second, count: h.totalCount, maxUs: h.getValueAtPercentile(100), percentilesUs: valuesAt(h, ps) };
    });
  }

  /**
   * Values at percentiles `ps` over the records that arrived in second `fromSecond` or later
   * (a run's measured part, after its warm-up), µs; `count` 0 and no values when there are none.
   */
  percentilesSince(fromSecond: number, ps: readonly number[]): { count: number; valuesUs: number[] } {
    const sum = this.histogram(64);
    for (const second of this.seconds()) if (second >= fromSecond) sum.add(this.windowAt(second) as Histogram);
    return sum.totalCount === 0 ? { count: 0, valuesUs: [] } : { count: sum.totalCount, valuesUs: valuesAt(sum, ps) };
  }

  toSnapshot(): LatencySnapshot {
    return {
      version: 1,
      unit: 'us',
      significantDigits: this.significantDigits,
      highestTrackableUs: this.highestTrackableUs,
      clockSkew: this.clockSkew,
      overRange: this.overRangeCount,
      total: encodeIntoCompressedBase64(this.total),
      windows: this.seconds().map((second) => {
        const encoded = this.cold.get(second) ?? encodeIntoCompressedBase64(this.hot.get(second) as Histogram);
        return [second, encoded];
      }),
    };
  }

  static fromSnapshot(json: unknown): LatencyHistograms {
    const o = read.object(json, 'snapshot');
    if (o.version !== 1) read.fail('version', '1', o.version);
    if (o.unit !== 'us') read.fail('unit', '"us"', o.unit);
    const digits = read.int(o.significantDigits, 'significantDigits', 1);
    if (digits > 5) read.fail('significantDigits', 'an integer from 1 to 5', digits);
    const h = new LatencyHistograms({
      highestTrackableUs: read.int(o.highestTrackableUs, 'highestTrackableUs', 2),
      significantDigits: digits as 1 | 2 | 3 | 4 | 5,
    });
    const skew = read.object(o.clockSkew, 'clockSkew');
    h.skewCount = read.int(skew.count, 'clockSkew.count', 0);
    h.skewMaxUs = read.int(skew.maxUs, 'clockSkew.maxUs', 0);
    h.overRangeCount = read.int(o.overRange, 'overRange', 0);
    h.total.add(h.decode(o.total, 'total', 64));
    read.array(o.windows, 'windows').forEach((w, i) => {
      const pair = read.array(w, `windows[${i}]`);
      const second = read.int(pair[0], `windows[${i}][0]`);
      if (h.cold.has(second)) read.fail(`windows[${i}][0]`, 'each window once', second);
      // Decoded once to check it, then kept encoded.
      h.decode(pair[1], `windows[${i}][1]`, 32);
      h.cold.set(second, pair[1] as string);
    });
    return h;
  }

  /** Adds every record of `other` (same resolution and range) into this one. */
  mergeFrom(other: LatencyHistograms): void {
    if (other.highestTrackableUs !== this.highestTrackableUs || other.significantDigits !== this.significantDigits) {
      throw new CheckerError(
        'incompatible_merge',
        `histograms differ in range or resolution (${this.highestTrackableUs} us/${this.significantDigits} digits vs ` +
          `${other.highestTrackableUs} us/${other.significantDigits} digits); build them with the same options`,
      );
    }
    this.total.add(other.total);
    for (const second of other.seconds()) {
      const hot = this.hot.get(second);
      const theirs = other.cold.get(second);
      if (hot !== undefined) {
        hot.add(other.windowAt(second) as Histogram);
      } else if (!this.cold.has(second) && theirs !== undefined) {
        this.cold.set(second, theirs);
      } else {
        const sum = this.windowAt(second) ?? this.histogram(32);
        sum.add(other.windowAt(second) as Histogram);
        this.cold.set(second, encodeIntoCompressedBase64(sum));
      }
    }
    this.skewCount += other.skewCount;
    this.skewMaxUs = Math.max(this.skewMaxUs, other.skewMaxUs);
    this.overRangeCount += other.overRangeCount;
  }

  /** Pure: a new histogram set holding the records of both. */
  static merge(a: LatencyHistograms, b: LatencyHistograms): LatencyHistograms {
    const out = new LatencyHistograms({ highestTrackableUs: a.highestTrackableUs, significantDigits: a.significantDigits });
    out.mergeFrom(a);
    out.mergeFrom(b);
    return out;
  }

  /** The window's histogram, made hot (flat array) for recording; cools the oldest hot one if needed. */
  private warm(second: number): Histogram {
    let h = this.hot.get(second);
    if (h === undefined) {
      const encoded = this.cold.get(second);
      h = encoded === undefined ? this.histogram(32) : decodeFromCompressedBase64(encoded, 32, false);
      this.cold.delete(second);
      if (this.hot.size >= HOT_WINDOWS) {
        const oldest = Math.min(...this.hot.keys());
        this.cold.set(oldest, encodeIntoCompressedBase64(this.hot.get(oldest) as Histogram));
        this.hot.delete(oldest);
      }
      this.hot.set(second, h);
    }
    this.lastSecond = second;
    this.lastWindow = h;
    return h;
  }

  /** A readable histogram of one window (decoded if cold), or undefined when it has no records. */
  private windowAt(second: number): Histogram | undefined {
    const encoded = this.cold.get(second);
    return encoded === undefined ? this.hot.get(second) : decodeFromCompressedBase64(encoded, 32, false);
  }

  private seconds(): number[] {
    return [...this.hot.keys(), ...this.cold.keys()].sort((a, b) => a - b);
  }

  private histogram(bits: 32 | 64): Histogram {
    return build({
      bitBucketSize: bits,
      lowestDiscernibleValue: 1,
      highestTrackableValue: this.highestTrackableUs,
      numberOfSignificantValueDigits: this.significantDigits,
      autoResize: false,
      useWebAssembly: false,
    });
  }

  private decode(value: unknown, field: string, bits: 32 | 64): Histogram {
    const text = read.string(value, field);
    let h: Histogram;
    try {
      h = decodeFromCompressedBase64(text, bits, false);
    } catch (err) {
      throw new CheckerError(
        'invalid_histogram_snapshot',
        `not an HdrHistogram V2 compressed base64 string (${(err as Error).message})`,
        field,
      );
    }
    if (h.highestTrackableValue !== this.highestTrackableUs || h.numberOfSignificantValueDigits !== this.significantDigits) {
      read.fail(field, `a histogram of ${this.significantDigits} digits up to ${this.highestTrackableUs} us`, text);
    }
    return h;
  }
}

function valuesAt(h: Histogram, ps: readonly number[]): number[] {
  return ps.map((p) => {
    if (!(p >= 0 && p <= 100)) throw new CheckerError('invalid_argument', `percentile ${p} is not within 0..100`, 'percentiles');
    return h.getValueAtPercentile(p);
  });
}
