/**
 * Counts sent and acknowledged records per one-second window, so the report can
 * plot the achieved throughput over time and the producer can report its rate.
 */
export class RateMeter {
  private readonly windows = new Map<number, { sent: number; acked: number }>();
  private totalSent = 0;

  constructor(private readonly startMs: number) {}

  sent(nowMs: number, n: number): void {
    this.window(nowMs).sent += n;
    this.totalSent += n;
  }

  acked(nowMs: number, n: number): void {
    this.window(nowMs).acked += n;
  }

  /** Records/s sent since the start. */
  achievedRate(nowMs: number): number {
    const seconds = (nowMs - this.startMs) / 1000;
    return seconds > 0 ? this.totalSent / seconds : 0;
  }

  /** Removes and returns the windows that have closed before `nowMs`: [windowStartMs, sent, acked]. */
  drainClosed(nowMs: number, all = false): Array<[number, number, number]> {
    const current = Math.floor(nowMs / 1000) * 1000;
    const out: Array<[number, number, number]> = [];
    for (const [start, w] of [...this.windows.entries()].sort((a, b) => a[0] - b[0])) {
      if (!all && start >= current) continue;
      out.push([start, w.sent, w.acked]);
      this.windows.delete(start);
    }
    return out;
  }

  private window(nowMs: number) {
    const start = Math.floor(nowMs / 1000) * 1000;
    let w = this.windows.get(start);
    if (!w) {
      w = { sent: 0, acked: 0 };
      this.windows.set(start, w);
    }
    return w;
  }
}
