/**
 * Admits records at a steady rate. Tokens accrue continuously; `take` hands out
 * whole records that are due. The backlog is capped (`burstSeconds`) so a
 * producer stalled by a fault catches up for at most that long instead of
 * flooding the cluster afterwards.
 */
export class TokenBucket {
  private tokens = 0;
  private lastMs: number;

  constructor(
    private readonly ratePerSecond: number,
    startMs: number,
    private readonly burstSeconds = 1,
  ) {
    if (!(ratePerSecond > 0)) throw new RangeError(`rate must be > 0, got ${ratePerSecond}`);
    this.lastMs = startMs;
  }

  /** Returns how many records may be sent now (at most `max`) and consumes them. */
  take(nowMs: number, max: number): number {
    this.refill(nowMs);
    const n = Math.min(max, Math.floor(this.tokens));
    this.tokens -= n;
    return n;
  }

  /** Milliseconds until at least one record is due. */
  msUntilNext(nowMs: number): number {
    this.refill(nowMs);
    return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) / this.ratePerSecond) * 1000);
  }

  private refill(nowMs: number): void {
    if (nowMs > this.lastMs) {
      const cap = Math.max(1, this.ratePerSecond * this.burstSeconds);
      this.tokens = Math.min(cap, this.tokens + ((nowMs - this.lastMs) / 1000) * this.ratePerSecond);
      this.lastMs = nowMs;
    }
  }
}
