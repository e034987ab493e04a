import { z } from 'zod';

/**
 * The forms a fault parameter may take, as zod schemas: each accepts what a scenario file
 * or a job writes (`512kbit`, `"0.25"`, `40`) and yields the typed value, or an issue
 * `expected <form>, got <value>` that names the form in the words a scenario author uses.
 */
export type RawParamValue = string | number | boolean;
export type RawParams = Record<string, RawParamValue>;

export type ClusterName = 'source' | 'target';
export type LinkDirection = 'both' | 'to-target' | 'to-source';

type Value = RawParamValue | undefined;

function got(value: unknown): string {
  return value === undefined ? 'nothing' : JSON.stringify(value);
}

/** A required parameter: `parse` gives the value or undefined when `value` is not of the form `expected`. */
export function field<T>(expected: string, parse: (value: RawParamValue) => T | undefined): z.ZodType<T, unknown> {
  return z.unknown().transform((value, ctx) => {
    const out = value === undefined ? undefined : parse(value as RawParamValue);
    if (out === undefined) {
      ctx.addIssue({ code: 'custom', message: `expected ${expected}, got ${got(value)}` });
      return z.NEVER;
    }
    return out;
  });
}

/** The parameter may be left out (or empty): `fallback` then. */
export function optional<T, F>(schema: z.ZodType<T, unknown>, fallback: F): z.ZodType<T | F, unknown> {
  return z.unknown().transform((value, ctx) => {
    if (value === undefined || value === '') return fallback;
    const r = schema.safeParse(value);
    if (r.success) return r.data;
    for (const issue of r.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
    return z.NEVER;
  });
}

function asNumber(value: Value): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

export const integer = (min: number, max: number) =>
  field(`an integer from ${min} to ${max}`, (value) => {
    const n = asNumber(value);
    return n !== undefined && Number.isInteger(n) && n >= min && n <= max ? n : undefined;
  });

export const probability = field('a probability greater than 0 and at most 1 (0.05 drops 5% of packets)', (value) => {
  const n = asNumber(value);
  return n !== undefined && n > 0 && n <= 1 ? n : undefined;
});

export const oneOf = <T extends string>(values: readonly T[]) =>
  field(`one of ${values.join(', ')}`, (value) =>
    typeof value === 'string' && (values as readonly string[]).includes(value) ? (value as T) : undefined,
  );

export const direction = optional(oneOf<LinkDirection>(['both', 'to-target', 'to-source']), 'both' as const);
export const cluster = optional(oneOf<ClusterName>(['source', 'target']), 'source' as const);

/** Kafka's rule for topic names. */
export function isTopicName(text: string): boolean {
  return /^[a-zA-Z0-9._-]{1,249}$/.test(text) && text !== '.' && text !== '..';
}

export const topicName = field('a topic name (1-249 letters, digits, ".", "_", "-")', (value) =>
  typeof value === 'string' && isTopicName(value) ? value : undefined,
);

const RATE_KBIT: Record<string, number> = { bit: 0.001, kbit: 1, mbit: 1000, gbit: 1_000_000 };

/** `512kbit`, `1mbit`, `1.5gbit`, or a number of kbit/s. tc's `kbps`/`mbps` (bytes per second) are refused: too easy to misread. */
export const rate = field('a rate like 512kbit, 1mbit or 1gbit (bits per second; at least 8kbit)', (value) => {
  let kbit = asNumber(value);
  if (kbit === undefined && typeof value === 'string') {
    const match = /^(\d+(?:\.\d+)?)\s*(bit|kbit|mbit|gbit)$/i.exec(value.trim());
    if (match !== null) kbit = Number(match[1]) * RATE_KBIT[match[2].toLowerCase()];
  }
  return kbit !== undefined && kbit >= 8 ? kbit : undefined;
});

const SIZE_BYTES: Record<string, number> = { b: 1, k: 1024, kb: 1024, m: 1024 * 1024, mb: 1024 * 1024 };

/** `32kb`, `64k`, `1mb`, or a number of bytes. */
export const size = field('a size like 32kb, 64k or 1mb, or a number of bytes', (value) => {
  let bytes = asNumber(value);
  if (bytes === undefined && typeof value === 'string') {
    const match = /^(\d+)\s*(b|k|kb|m|mb)$/i.exec(value.trim());
    if (match !== null) bytes = Number(match[1]) * SIZE_BYTES[match[2].toLowerCase()];
  }
  return bytes !== undefined && Number.isInteger(bytes) && bytes >= 1 ? bytes : undefined;
});

function parseMillis(value: Value): number | undefined {
  let ms = asNumber(value);
  if (ms === undefined && typeof value === 'string') {
    const match = /^(\d+)\s*(ms|s)$/.exec(value.trim());
    if (match !== null) ms = Number(match[1]) * (match[2] === 's' ? 1000 : 1);
  }
  return ms !== undefined && Number.isInteger(ms) && ms >= 0 ? ms : undefined;
}

/** `50ms`, `1s`, or a number of milliseconds (at least 1). */
export const millis = field('a duration like 50ms or 1s, or a number of milliseconds', (value) => {
  const ms = parseMillis(value);
  return ms !== undefined && ms >= 1 ? ms : undefined;
});

/** A delay on the link: `500ms`, `2s`, or ms; at most 60 s (a longer one is a partition, use network-partition). */
export const delay = (min: number) =>
  field(`a delay from ${min}ms to 60s, like 40ms or 500ms`, (value) => {
    const ms = parseMillis(value);
    return ms !== undefined && ms >= min && ms <= 60_000 ? ms : undefined;
  });
