import { z } from 'zod';

/** Durations are written `500ms`, `30s`, `5m`, `1h` and held in milliseconds. */
const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/;
const DURATION_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export function parseDuration(raw: string): number | undefined {
  const m = DURATION.exec(raw.trim());
  return m ? Math.round(Number(m[1]) * DURATION_MS[m[2]]) : undefined;
}

/**
 * A duration: `30s` in files, or a number of milliseconds (what a parsed spec holds, so
 * a validated spec that travels on the control topic validates again to itself).
 */
export const durationMs = z
  .union([z.number().int().nonnegative(), z.string()], {
    error: (iss) => (iss.input === undefined ? 'required (expected a duration like 30s)' : 'expected a duration like 30s'),
  })
  .transform((raw, ctx) => {
    const ms = typeof raw === 'number' ? raw : parseDuration(raw);
    if (ms === undefined) {
      ctx.addIssue({ code: 'custom', message: 'expected a duration like 30s' });
      return z.NEVER;
    }
    return ms;
  });

/** Sizes are written as a number of bytes or with a unit: `512`, `1KB`, `2.5MB` (powers of 1024). */
const SIZE = /^(\d+(?:\.\d+)?)\s*(B|KB|KiB|MB|MiB|GB|GiB)?$/i;
const SIZE_FACTOR: Record<string, number> = { b: 1, kb: 1024, kib: 1024, mb: 1024 ** 2, mib: 1024 ** 2, gb: 1024 ** 3, gib: 1024 ** 3 };

export function parseSize(raw: string | number): number | undefined {
  if (typeof raw === 'number') return Number.isInteger(raw) && raw >= 0 ? raw : undefined;
  const m = SIZE.exec(raw.trim());
  return m ? Math.round(Number(m[1]) * SIZE_FACTOR[(m[2] ?? 'b').toLowerCase()]) : undefined;
}

export const sizeBytes = z.union([z.number(), z.string()], { error: 'expected a size like 1024, 1KB or 2MB' }).transform((raw, ctx) => {
  const n = parseSize(raw);
  if (n === undefined) {
    ctx.addIssue({ code: 'custom', message: 'expected a size like 1024, 1KB or 2MB' });
    return z.NEVER;
  }
  return n;
});
