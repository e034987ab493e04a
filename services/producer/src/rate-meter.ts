import { requestedRecords, type RateAt } from './pacer';

/** [windowStartMs, requestedRecords, achievedRecords, requestedBytes, achievedBytes] (libs/protocol producer.progress `rates`). */
export type RateWindow = [number, number, number, number, number];

interface Counts {
  sent: number;
  acked: number;
  bytes: number;
}

export interface RateMeterOptions {
  startMs: number;
  endMs: number;
  rateAt: RateAt;
  /** Payload bytes per requested record (the record size, or the replayed payloads' mean). */
  meanRecordBytes: number;
}

/**
 * Counts per one-second window: records handed to the client ("sent", "achieved"),
 * acknowledged, and payload bytes; the requested records and bytes of a window
 * come from the rate function, so offered and achieved load can be compared
 * second by second (a stalled producer's missing records show up as a gap).
 */
export class RateMeter {
  private readonly windows = new Map<number, Counts>();
  /** The window counted into last (every record of a second lands in the same one): found without a lookup. */
  private last: Counts | undefined;
  private lastStart = 0;
  private totalSent = 0;
  /** The first window not drained yet. */
  private firstOpenMs: number;

  constructor(private readonly o: RateMeterOptions) {
    this.firstOpenMs = Math.floor(o.startMs / 1000) * 1000;
  }

  sent(nowMs: number, n: number, payloadBytes: number): void {
    const w = this.window(nowMs);
    w.sent += n;
    w.bytes += payloadBytes;
    this.totalSent += n;
  }

  acked(nowMs: number, n: number): void {
    this.window(nowMs).acked += n;
  }

  /** Records/s sent since the start, over the sending time: the wait for the last acknowledgements after the end does not count. */
  achievedRate(nowMs: number): number {
    const seconds = (Math.min(nowMs, this.o.endMs) - this.o.startMs) / 1000;
    return seconds > 0 ? this.totalSent / seconds : 0;
  }

  /**
   * Removes and returns the windows that closed before `nowMs` (all of them with `all`):
   * `windows` as [windowStartMs, sent, acked], `rates` as RateWindow. A second of the
   * run in which nothing was sent still gets a rates entry (achieved 0).
   */
  drainClosed(nowMs: number, all = false): { windows: Array<[number, number, number]>; rates: RateWindow[] } {
    this.last = undefined;
    const upTo = (all ? Math.ceil(nowMs / 1000) : Math.floor(nowMs / 1000)) * 1000;
    const clipEnd = Math.min(this.o.endMs, nowMs);
    const windows: Array<[number, number, number]> = [];
    const rates: RateWindow[] = [];
    // Acks that arrive after their window was drained (the last records' reports) go out on their own.
    for (const [start, w] of [...this.windows].sort((a, b) => a[0] - b[0])) {
      if (start >= this.firstOpenMs) break;
      windows.push([start, w.sent, w.acked]);
      this.windows.delete(start);
    }
    for (; this.firstOpenMs < upTo; this.firstOpenMs += 1000) {
      const start = this.firstOpenMs;
      const w = this.windows.get(start) ?? { sent: 0, acked: 0, bytes: 0 };
      this.windows.delete(start);
      if (w.sent > 0 || w.acked > 0) windows.push([start, w.sent, w.acked]);
      const requested = requestedRecords(this.o.rateAt, this.o.startMs, clipEnd, start, start + 1000);
      if (requested > 0 || w.sent > 0) rates.push([start, round3(requested), w.sent, round3(requested * this.o.meanRecordBytes), w.bytes]);
    }
    return { windows, rates };
  }

  private window(nowMs: number): Counts {
    const start = Math.floor(nowMs / 1000) * 1000;
    if (start === this.lastStart && this.last !== undefined) return this.last;
    let w = this.windows.get(start);
    if (!w) {
      w = { sent: 0, acked: 0, bytes: 0 };
      this.windows.set(start, w);
    }
    this.lastStart = start;
    this.last = w;
    return w;
  }
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;
