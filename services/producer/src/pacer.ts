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
  private nextAtMs: number;
  private readonly maxLagMs: number;
  /** Records given up because they were too late to send. */
  shed = 0;

  constructor(private readonly o: PacerOptions) {
    this.nextAtMs = o.startMs;
    this.maxLagMs = o.maxLagMs ?? 1000;
  }

  /** The scheduled time (ms, fractional) of the next record if it is due at `nowMs`, else undefined; sheds records that are too late. */
  next(nowMs: number): number | undefined {
    // Far behind (a producer asked for more than it can send): skip whole runs at the current rate
    // instead of one record at a time, which at hundreds of thousands of records/s would eat the CPU
    // the sending needs.
    while (nowMs - this.nextAtMs > this.maxLagMs + 1000) {
      const rate = this.o.rateAt(this.nextAtMs - this.o.startMs);
      if (!(rate > 0)) break;
      const n = Math.floor(((nowMs - this.maxLagMs - this.nextAtMs) * rate) / 1000);
      if (n < 1) break;
      this.shed += n;
      this.nextAtMs += (n * 1000) / rate;
    }
    while (this.nextAtMs <= nowMs && nowMs - this.nextAtMs > this.maxLagMs) {
      this.shed += 1;
      this.step();
    }
    return this.nextAtMs <= nowMs ? this.nextAtMs : undefined;
  }

  /** The record returned by `next` was handed to the client: move to the one after it. */
  advance(): void {
    this.step();
  }

  /** When the next record is due (ms). */
  get nextDueMs(): number {
    return this.nextAtMs;
  }

  private step(): void {
    const rate = this.o.rateAt(this.nextAtMs - this.o.startMs);
    // A rate of 0 (a ramp starting at 0) waits for the next millisecond and asks again.
    this.nextAtMs += rate > 0 ? 1000 / rate : 1;
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
