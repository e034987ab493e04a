import { CheckerError, type CheckerErrorCode } from './errors';
import { IntervalSet } from './interval-set';

/**
 * Small readers for untrusted JSON (snapshots from other processes, producer
 * reports). Each names the offending field in a `CheckerError`, so a bad snapshot
 * says where it is bad instead of producing a wrong verdict later.
 */
export class FieldReader {
  constructor(readonly code: CheckerErrorCode) {}

  fail(field: string, expected: string, got: unknown): never {
    throw new CheckerError(this.code, `expected ${expected}, got ${describe(got)}`, field);
  }

  object(v: unknown, field: string): Record<string, unknown> {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail(field, 'an object', v);
    return v as Record<string, unknown>;
  }

  array(v: unknown, field: string): unknown[] {
    if (!Array.isArray(v)) this.fail(field, 'an array', v);
    return v;
  }

  string(v: unknown, field: string): string {
    if (typeof v !== 'string') this.fail(field, 'a string', v);
    return v;
  }

  boolean(v: unknown, field: string): boolean {
    if (typeof v !== 'boolean') this.fail(field, 'a boolean', v);
    return v;
  }

  /** A safe integer, at least `min`. */
  int(v: unknown, field: string, min = Number.MIN_SAFE_INTEGER): number {
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) {
      this.fail(field, min === Number.MIN_SAFE_INTEGER ? 'a safe integer' : `an integer >= ${min}`, v);
    }
    return v;
  }

  /** Any finite number (times may be fractional microseconds). */
  finite(v: unknown, field: string): number {
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(field, 'a finite number', v);
    return v;
  }

  /** Like `int`, but an absent field reads as `fallback` (snapshots omit zero counters). */
  optionalInt(v: unknown, field: string, fallback: number, min?: number): number {
    return v === undefined ? fallback : this.int(v, field, min);
  }

  /**
   * Ranges `[[lo, hi], ...]`. With `strict`, they must be sorted and disjoint, as
   * `IntervalSet.toRanges` writes them; otherwise any order and overlap is accepted.
   */
  ranges(v: unknown, field: string, strict: boolean): IntervalSet {
    const list = this.array(v, field);
    const pairs: Array<[number, number]> = [];
    let prevHi = Number.NEGATIVE_INFINITY;
    list.forEach((item, i) => {
      const f = `${field}[${i}]`;
      const pair = this.array(item, f);
      if (pair.length !== 2) this.fail(f, 'a [lo, hi] pair', item);
      const lo = this.int(pair[0], `${f}[0]`);
      const hi = this.int(pair[1], `${f}[1]`);
      if (lo > hi) this.fail(f, 'lo <= hi', item);
      if (strict && lo <= prevHi) this.fail(f, `ranges sorted and disjoint (this one starts at or before ${prevHi})`, item);
      prevHi = hi;
      pairs.push([lo, hi]);
    });
    return IntervalSet.fromRanges(pairs);
  }
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (v === null) return 'null';
  if (typeof v === 'object') return 'an object';
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
