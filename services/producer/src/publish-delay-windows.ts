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

  add(ackMs: number, delayUs: number): void {
    const second = Math.floor(ackMs / 1000) * 1000;
    let delays = this.bySecond.get(second);
    if (!delays) this.bySecond.set(second, (delays = []));
    delays.push(Math.max(0, Math.round(delayUs)));
  }

  /** The seconds closed at `nowMs` (every second when `final`), oldest first, then forgotten. */
  drainClosed(nowMs: number, final: boolean): PublishDelayWindow[] {
    const current = Math.floor(nowMs / 1000) * 1000;
    const out: PublishDelayWindow[] = [];
    for (const [second, delays] of [...this.bySecond].sort((a, b) => a[0] - b[0])) {
      if (!final && second >= current) continue;
      // A typed array sorts numerically in native code: no comparator called per comparison (100,000s a second).
      const sorted = Float64Array.from(delays).sort();
      // Nearest rank: the smallest delay that at least 99 % of the second's records did not exceed.
      const p99 = sorted[Math.max(0, Math.ceil(0.99 * sorted.length) - 1)]!;
      out.push([second, sorted.length, p99, sorted[sorted.length - 1]!]);
      this.bySecond.delete(second);
    }
    return out;
  }
}
