/**
 * Bounds on one service's clock offset from the control topic's broker, which stamps every
 * control record with its own time (LogAppendTime). A message cannot arrive before it was sent:
 * - `published`: the service stamped an event `localMs`, the broker appended it at `referenceMs`
 *   later, so offset >= localMs - referenceMs;
 * - `read`: the broker appended an event at `referenceMs`, the service read it at `localMs`
 *   later, so offset <= localMs - referenceMs.
 * ScenarioView folds them per publisher; libs/report's clock-skew.ts turns two into a skew.
 */
export type ClockRole = 'producer' | 'validator';

export interface OffsetBound {
  /** Greatest lower bound on the offset (ms); null: no published event seen. */
  lowMs: number | null;
  /** Least upper bound on the offset (ms); null: no read reported. */
  highMs: number | null;
}

/** Folds observations into the bound on one service's offset; pure and order-free. */
export class OffsetBounds {
  private low = Number.NEGATIVE_INFINITY;
  private high = Number.POSITIVE_INFINITY;

  published(localMs: number, referenceMs: number): void {
    this.low = Math.max(this.low, localMs - referenceMs);
  }

  /** `minDelayMs`: the smallest `localMs - referenceMs` the service saw reading the reference. */
  read(minDelayMs: number): void {
    this.high = Math.min(this.high, minDelayMs);
  }

  get bound(): OffsetBound {
    return { lowMs: Number.isFinite(this.low) ? this.low : null, highMs: Number.isFinite(this.high) ? this.high : null };
  }
}
