/**
 * Non-negative safe integers written as ASCII decimal digits straight into bytes, as `String(n)` would spell them,
 * without making the string: for the few numbers every record's meta text carries (V8 spells a 16-digit number
 * through its slow double-to-string path, ~100 ns each).
 */

/** Digits of `n` (a non-negative integer below 2^53). */
export function decimalLength(n: number): number {
  if (n < 1e8) return smallDecimalLength(n);
  return smallDecimalLength(Math.floor(n / 1e8)) + 8;
}

/** Writes `n` (a non-negative integer below 2^53) at `at`; returns the index after its last digit. */
export function writeDecimal(out: Uint8Array, at: number, n: number): number {
  if (n < 1e8) return writeSmall(out, at, n, smallDecimalLength(n));
  const high = Math.floor(n / 1e8);
  at = writeSmall(out, at, high, smallDecimalLength(high));
  // The low eight digits, zeros kept.
  return writeSmall(out, at, n - high * 1e8, 8);
}

function smallDecimalLength(n: number): number {
  if (n < 1e4) return n < 10 ? 1 : n < 100 ? 2 : n < 1000 ? 3 : 4;
  return n < 1e5 ? 5 : n < 1e6 ? 6 : n < 1e7 ? 7 : 8;
}

/** `n` below 1e8 as exactly `digits` digits (leading zeros when it has fewer). */
function writeSmall(out: Uint8Array, at: number, n: number, digits: number): number {
  for (let i = at + digits - 1; i >= at; i--) {
    const q = (n / 10) | 0;
    out[i] = 48 + n - q * 10;
    n = q;
  }
  return at + digits;
}
