import { kthSmallest } from './kth-smallest';

/** One second of publish delays: [windowStartMs, records, p99Us, maxUs]. */
export type PublishDelayWindow = [number, number, number, number];

/**
 * Publish delay (a record's scheduled send time to its acknowledgement) per second of
 * acknowledgement, exact: the delays of a second are kept until that second closes and is
 * published, then reduced to its p99 and max. A producer that falls behind its schedule shows
 * here even when its records, once sent, travel fast.
 */
export class PublishDelayWindows {
  private readonly bySecond = new Map<number, number[]>();
  /** The second added to last and its delays (consecutive acknowledgements mostly share a second): no lookup each. */
  private lastSecond = 0;
  private last: number[] | undefined;

  add(ackMs: number, delayUs: number): void {
    const second = Math.floor(ackMs / 1000) * 1000;
    let delays = this.last;
    if (delays === undefined || second !== this.lastSecond) {
      delays = this.bySecond.get(second);
      if (!delays) this.bySecond.set(second, (delays = []));
      this.last = delays;
      this.lastSecond = second;
    }
    delays.push(Math.max(0, Math.round(delayUs)));
  }

  /** The seconds closed at `nowMs` (every second when `final`), oldest first, then forgotten. */
  drainClosed(nowMs: number, final: boolean): PublishDelayWindow[] {
    const current = Math.floor(nowMs / 1000) * 1000;
    const out: PublishDelayWindow[] = [];
    this.last = undefined;
    for (const [second, delays] of [...this.bySecond].sort((a, b) => a[0] - b[0])) {
      if (!final && second >= current) continue;
      const values = Float64Array.from(delays);
      let max = 0;
      for (const d of values) if (d > max) max = d;
      // Nearest rank: the smallest delay that at least 99 % of the second's records did not exceed.
      const p99 = kthSmallest(values, Math.max(0, Math.ceil(0.99 * values.length) - 1));
      out.push([second, values.length, p99, max]);
      this.bySecond.delete(second);
    }
    return out;
  }
}
