/** Records/s asked for at `msSinceStart` into the run (a ramp changes it; a fixed rate does not). */
export type RateAt = (msSinceStart: number) => number;

export interface PacerOptions {
  startMs: number;
  rateAt: RateAt;
  /**
   * How far behind its schedule a record may fall before it is given up (requested, never
   * sent): a producer stalled by a full client queue catches up for at most this long
   * instead of flooding the cluster afterwards.
   */
  maxLagMs?: number;
}

/**
 * The send schedule of one producer: record i is due at a fixed time derived from the
 * requested rate, whether or not the records before it went out on time. The scheduled
 * time travels in the record, so a producer that falls behind cannot hide it
 * (coordinated omission). Records more than `maxLagMs` late are shed and counted.
 */
export class Pacer {
  /**
   * When the next record is due, in ms since `startMs`. Kept relative: at an epoch time of ~1.8e12 ms a double resolves
   * only 0.24 us, so adding a step of a few microseconds to an absolute time rounded every step (at 193,159 records/s
   * the schedule ran 0.98% fast, at 189,318 1.7% slow); relative to the start the rounding is ~1e-12 ms and does not add up.
   */
  private nextRelMs = 0;
  private readonly maxLagMs: number;
  /** Records given up because they were too late to send. */
  shed = 0;

  constructor(private readonly o: PacerOptions) {
    this.maxLagMs = o.maxLagMs ?? 1000;
  }

  /** The scheduled time (ms, fractional) of the next record if it is due at `nowMs`, else undefined; sheds records that are too late. */
  next(nowMs: number): number | undefined {
    const nowRelMs = nowMs - this.o.startMs;
    // Far behind (a producer asked for more than it can send): skip whole runs at the current rate
    // instead of one record at a time, which at hundreds of thousands of records/s would eat the CPU
    // the sending needs.
    while (nowRelMs - this.nextRelMs > this.maxLagMs + 1000) {
      const rate = this.o.rateAt(this.nextRelMs);
      if (!(rate > 0)) break;
      const n = Math.floor(((nowRelMs - this.maxLagMs - this.nextRelMs) * rate) / 1000);
      if (n < 1) break;
      this.shed += n;
      this.nextRelMs += (n * 1000) / rate;
    }
    while (this.nextRelMs <= nowRelMs && nowRelMs - this.nextRelMs > this.maxLagMs) {
      this.shed += 1;
      this.step();
    }
    return this.nextRelMs <= nowRelMs ? this.o.startMs + this.nextRelMs : undefined;
  }

  /** The record returned by `next` was handed to the client: move to the one after it. */
  advance(): void {
    this.step();
  }

  /** When the next record is due (ms). */
  get nextDueMs(): number {
    return this.o.startMs + this.nextRelMs;
  }

  private step(): void {
    const rate = this.o.rateAt(this.nextRelMs);
    // A rate of 0 (a ramp starting at 0) waits for the next millisecond and asks again.
    this.nextRelMs += rate > 0 ? 1000 / rate : 1;
  }
}

/**
 * Records requested in [fromMs, toMs) by a rate function, clipped to the run
 * [startMs, endMs): the integral of the rate, in 1 ms steps (exact for rates that
 * change on whole milliseconds, which every scenario's do).
 */
export function requestedRecords(rateAt: RateAt, startMs: number, endMs: number, fromMs: number, toMs: number): number {
  const a = Math.max(fromMs, startMs);
  const b = Math.min(toMs, endMs);
  let sum = 0;
  for (let t = a; t < b; t++) sum += rateAt(t - startMs) / 1000;
  return sum;
}
