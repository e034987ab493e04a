import { CheckerError } from './errors';

/** A closed integer range `[lo, hi]`, `lo <= hi`. */
export type Range = [lo: number, hi: number];

/**
 * A set of integers stored as sorted, disjoint, non-adjacent closed ranges.
 *
 * Sequences and offsets arrive mostly contiguous, so a set of a million values
 * is usually one range: memory grows with the number of holes, not of values.
 * The representation is canonical (adjacent ranges are always coalesced), so two
 * equal sets serialize identically, which keeps merged snapshots comparable.
 *
 * Ranges live in one flat array `[lo0, hi0, lo1, hi1, ...]`: no object per range,
 * and the common case of `add` (the next value after the last one) is O(1).
 */
export class IntervalSet {
  private r: number[];
  private n: number;

  constructor() {
    this.r = [];
    this.n = 0;
  }

  /** Builds a set from ranges in any order, overlapping or not. */
  static fromRanges(ranges: ReadonlyArray<readonly [number, number]>): IntervalSet {
    const sorted = ranges.map(([lo, hi]): Range => {
      if (!Number.isSafeInteger(lo) || !Number.isSafeInteger(hi) || lo > hi) {
        throw new CheckerError('invalid_argument', `range [${lo}, ${hi}] must be two safe integers with lo <= hi`);
      }
      return [lo, hi];
    });
    sorted.sort((a, b) => a[0] - b[0]);
    const out = new IntervalSet();
    for (const [lo, hi] of sorted) out.pushRange(lo, hi);
    return out;
  }

  static of(...values: number[]): IntervalSet {
    const s = new IntervalSet();
    for (const v of values) s.add(v);
    return s;
  }

  /** Number of integers in the set. */
  get size(): number {
    return this.n;
  }

  /** Number of disjoint ranges: the memory cost of the set. */
  get rangeCount(): number {
    return this.r.length / 2;
  }

  isEmpty(): boolean {
    return this.n === 0;
  }

  /** Smallest value, or undefined when empty. */
  min(): number | undefined {
    return this.r.length === 0 ? undefined : this.r[0];
  }

  /** Largest value, or undefined when empty. */
  max(): number | undefined {
    return this.r.length === 0 ? undefined : this.r[this.r.length - 1];
  }

  has(x: number): boolean {
    const r = this.r;
    const len = r.length;
    if (len === 0 || x > r[len - 1] || x < r[0]) return false;
    if (x >= r[len - 2]) return true;
    const i = this.firstRangeEndingAtOrAfter(x);
    return r[2 * i] <= x;
  }

  /** Adds `x`; returns true when it was not there before. */
  add(x: number): boolean {
    const r = this.r;
    const len = r.length;
    if (len === 0) {
      r.push(x, x);
      this.n = 1;
      return true;
    }
    const lastHi = r[len - 1];
    if (x > lastHi) {
      // The hot path: the next sequence or offset after everything seen so far.
      if (x === lastHi + 1) r[len - 1] = x;
      else r.push(x, x);
      this.n++;
      return true;
    }
    if (x >= r[len - 2]) return false;
    const i = this.firstRangeEndingAtOrAfter(x);
    const lo = r[2 * i];
    if (lo <= x) return false;
    const joinsNext = x === lo - 1;
    const joinsPrev = i > 0 && r[2 * i - 1] === x - 1;
    if (joinsNext && joinsPrev) {
      r[2 * i - 1] = r[2 * i + 1];
      r.splice(2 * i, 2);
    } else if (joinsNext) {
      r[2 * i] = x;
    } else if (joinsPrev) {
      r[2 * i - 1] = x;
    } else {
      r.splice(2 * i, 0, x, x);
    }
    this.n++;
    return true;
  }

  /** Adds every integer of `[lo, hi]`; returns how many were new. */
  addRange(lo: number, hi: number): number {
    const before = this.n;
    const merged = this.union(IntervalSet.fromRanges([[lo, hi]]));
    this.r = merged.r;
    this.n = merged.n;
    return this.n - before;
  }

  union(other: IntervalSet): IntervalSet {
    const a = this.r;
    const b = other.r;
    const out = new IntervalSet();
    let i = 0;
    let j = 0;
    while (i < a.length || j < b.length) {
      if (j >= b.length || (i < a.length && a[i] <= b[j])) {
        out.pushRange(a[i], a[i + 1]);
        i += 2;
      } else {
        out.pushRange(b[j], b[j + 1]);
        j += 2;
      }
    }
    return out;
  }

  intersect(other: IntervalSet): IntervalSet {
    const a = this.r;
    const b = other.r;
    const out = new IntervalSet();
    let i = 0;
    let j = 0;
    while (i < a.length && j < b.length) {
      const lo = Math.max(a[i], b[j]);
      const hi = Math.min(a[i + 1], b[j + 1]);
      if (lo <= hi) out.pushRange(lo, hi);
      if (a[i + 1] < b[j + 1]) i += 2;
      else j += 2;
    }
    return out;
  }

  /** Values of this set that are not in `other`. */
  subtract(other: IntervalSet): IntervalSet {
    const a = this.r;
    const b = other.r;
    const out = new IntervalSet();
    let j = 0;
    for (let i = 0; i < a.length; i += 2) {
      let lo = a[i];
      const hi = a[i + 1];
      while (j < b.length && b[j + 1] < lo) j += 2;
      let k = j;
      while (k < b.length && b[k] <= hi) {
        if (b[k] > lo) out.pushRange(lo, b[k] - 1);
        lo = Math.max(lo, b[k + 1] + 1);
        k += 2;
      }
      if (lo <= hi) out.pushRange(lo, hi);
    }
    return out;
  }

  /** The integers of `[lo, hi]` that are not in this set. */
  complementWithin(lo: number, hi: number): IntervalSet {
    if (lo > hi) return new IntervalSet();
    return IntervalSet.fromRanges([[lo, hi]]).subtract(this);
  }

  /** The part of this set inside `[lo, hi]`. */
  clip(lo: number, hi: number): IntervalSet {
    if (lo > hi) return new IntervalSet();
    return this.intersect(IntervalSet.fromRanges([[lo, hi]]));
  }

  /** The `count` smallest values, ascending; O(count + ranges touched). */
  take(count: number): number[] {
    const out: number[] = [];
    const r = this.r;
    for (let i = 0; i < r.length && out.length < count; i += 2) {
      for (let v = r[i]; v <= r[i + 1] && out.length < count; v++) out.push(v);
    }
    return out;
  }

  /** The ranges as `[lo, hi]` pairs: the compact serialized form. */
  toRanges(): Range[] {
    const out: Range[] = [];
    for (let i = 0; i < this.r.length; i += 2) out.push([this.r[i], this.r[i + 1]]);
    return out;
  }

  *values(): IterableIterator<number> {
    for (let i = 0; i < this.r.length; i += 2) {
      for (let v = this.r[i]; v <= this.r[i + 1]; v++) yield v;
    }
  }

  equals(other: IntervalSet): boolean {
    if (this.n !== other.n || this.r.length !== other.r.length) return false;
    for (let i = 0; i < this.r.length; i++) if (this.r[i] !== other.r[i]) return false;
    return true;
  }

  clone(): IntervalSet {
    const c = new IntervalSet();
    c.r = this.r.slice();
    c.n = this.n;
    return c;
  }

  /** Index of the first range whose hi >= x (caller guarantees x <= max). */
  private firstRangeEndingAtOrAfter(x: number): number {
    let lo = 0;
    let hi = this.r.length / 2 - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.r[2 * mid + 1] < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Appends a range that starts at or after the current last range's start, coalescing. */
  private pushRange(lo: number, hi: number): void {
    const r = this.r;
    const len = r.length;
    if (len > 0 && lo <= r[len - 1] + 1) {
      if (hi > r[len - 1]) {
        this.n += hi - r[len - 1];
        r[len - 1] = hi;
      }
      return;
    }
    r.push(lo, hi);
    this.n += hi - lo + 1;
  }
}
