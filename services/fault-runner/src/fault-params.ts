import type { FaultKind } from '@mirrorlab/protocol';
import { FaultRunnerError } from './errors';
import type { ClusterName } from './fault-target';

export type LinkDirection = 'both' | 'to-target' | 'to-source';
export type RawParams = Record<string, string | number | boolean>;

/** Validated parameters of each fault kind, with defaults filled in. */
export interface FaultParamsByKind {
  'kill-broker': Record<string, never>;
  'pause-broker': Record<string, never>;
  'remove-broker': Record<string, never>;
  'add-broker': Record<string, never>;
  'kill-replicator': Record<string, never>;
  'pause-replicator': Record<string, never>;
  'add-replicator-worker': Record<string, never>;
  /** `count` is the new total number of partitions (Kafka's CreatePartitions meaning). */
  'add-partitions': { count: number; cluster: ClusterName };
  /** Created on the cluster the target names (default source). */
  'add-topic': { name: string; partitions: number; replicationFactor: number };
  /** `partition` null: every partition of the topic. */
  'reassign-partitions': { partition: number | null; cluster: ClusterName };
  'packet-loss': { probability: number; direction: LinkDirection };
  'network-partition': { direction: LinkDirection };
  'bandwidth-cap': { rateKbit: number; burstBytes: number | null; latencyMs: number | null; direction: LinkDirection };
  /** Added one-way delay per direction: `latencyMs` ± up to `jitterMs` (so `both` adds 2 x latencyMs of round trip). */
  latency: { latencyMs: number; jitterMs: number; direction: LinkDirection };
  'consumer-failover': Record<string, never>;
}
export type FaultParams<K extends FaultKind = FaultKind> = FaultParamsByKind[K];

type Value = string | number | boolean | undefined;
type Parser<T> = (value: Value, field: string) => T;

function bad(field: string, expected: string, value: Value): FaultRunnerError {
  const got = value === undefined ? 'nothing' : JSON.stringify(value);
  return new FaultRunnerError('params_invalid', `${field}: expected ${expected}, got ${got}`, { field });
}

function optional<T>(parser: Parser<T>, fallback: T): Parser<T> {
  return (value, field) => (value === undefined || value === '' ? fallback : parser(value, field));
}

function asNumber(value: Value): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

const integer = (min: number, max: number): Parser<number> => (value, field) => {
  const n = asNumber(value);
  if (n === undefined || !Number.isInteger(n) || n < min || n > max) throw bad(field, `an integer from ${min} to ${max}`, value);
  return n;
};

const probability: Parser<number> = (value, field) => {
  const n = asNumber(value);
  if (n === undefined || !(n > 0 && n <= 1)) throw bad(field, 'a probability greater than 0 and at most 1 (0.05 drops 5% of packets)', value);
  return n;
};

const oneOf = <T extends string>(values: readonly T[]): Parser<T> => (value, field) => {
  if (typeof value === 'string' && (values as readonly string[]).includes(value)) return value as T;
  throw bad(field, `one of ${values.join(', ')}`, value);
};

const direction = optional(oneOf<LinkDirection>(['both', 'to-target', 'to-source']), 'both');
const cluster = optional(oneOf<ClusterName>(['source', 'target']), 'source');

const topicName: Parser<string> = (value, field) => {
  if (typeof value === 'string' && /^[a-zA-Z0-9._-]{1,249}$/.test(value) && value !== '.' && value !== '..') return value;
  throw bad(field, 'a topic name (1-249 letters, digits, ".", "_", "-")', value);
};

const RATE_KBIT: Record<string, number> = { bit: 0.001, kbit: 1, mbit: 1000, gbit: 1_000_000 };

/** `512kbit`, `1mbit`, `1.5gbit`, or a number of kbit/s. tc's `kbps`/`mbps` (bytes per second) are refused: too easy to misread. */
export const rate: Parser<number> = (value, field) => {
  const expected = 'a rate like 512kbit, 1mbit or 1gbit (bits per second; at least 8kbit)';
  const n = asNumber(value);
  let kbit: number | undefined = n;
  if (kbit === undefined && typeof value === 'string') {
    const match = /^(\d+(?:\.\d+)?)\s*(bit|kbit|mbit|gbit)$/i.exec(value.trim());
    if (match !== null) kbit = Number(match[1]) * RATE_KBIT[match[2].toLowerCase()];
  }
  if (kbit === undefined || !(kbit >= 8)) throw bad(field, expected, value);
  return kbit;
};

const SIZE_BYTES: Record<string, number> = { b: 1, k: 1024, kb: 1024, m: 1024 * 1024, mb: 1024 * 1024 };

/** `32kb`, `64k`, `1mb`, or a number of bytes. */
export const size: Parser<number> = (value, field) => {
  const n = asNumber(value);
  let bytes: number | undefined = n;
  if (bytes === undefined && typeof value === 'string') {
    const match = /^(\d+)\s*(b|k|kb|m|mb)$/i.exec(value.trim());
    if (match !== null) bytes = Number(match[1]) * SIZE_BYTES[match[2].toLowerCase()];
  }
  if (bytes === undefined || !Number.isInteger(bytes) || bytes < 1) throw bad(field, 'a size like 32kb, 64k or 1mb, or a number of bytes', value);
  return bytes;
};

/** `50ms`, `1s`, or a number of milliseconds. */
export const millis: Parser<number> = (value, field) => {
  const n = asNumber(value);
  let ms: number | undefined = n;
  if (ms === undefined && typeof value === 'string') {
    const match = /^(\d+)\s*(ms|s)$/.exec(value.trim());
    if (match !== null) ms = Number(match[1]) * (match[2] === 's' ? 1000 : 1);
  }
  if (ms === undefined || !Number.isInteger(ms) || ms < 1) throw bad(field, 'a duration like 50ms or 1s, or a number of milliseconds', value);
  return ms;
};

/** A delay on the link: `500ms`, `2s`, or ms; at most 60 s (a longer one is a partition, use network-partition). */
const delay = (min: number): Parser<number> => (value, field) => {
  const ms = value === 0 || value === '0' || value === '0ms' ? 0 : millis(value, field);
  if (ms < min || ms > 60_000) throw bad(field, `a delay from ${min}ms to 60s, like 40ms or 500ms`, value);
  return ms;
};

type Shape<K extends FaultKind> = { [P in keyof FaultParamsByKind[K]]-?: Parser<FaultParamsByKind[K][P]> };

const SHAPES: { [K in FaultKind]: Shape<K> } = {
  'kill-broker': {},
  'pause-broker': {},
  'remove-broker': {},
  'add-broker': {},
  'kill-replicator': {},
  'pause-replicator': {},
  'add-replicator-worker': {},
  'add-partitions': { count: integer(1, 100_000), cluster },
  'add-topic': { name: topicName, partitions: optional(integer(1, 10_000), 3), replicationFactor: optional(integer(1, 10), 3) },
  'reassign-partitions': { partition: optional<number | null>(integer(0, 100_000), null), cluster },
  'packet-loss': { probability, direction },
  'network-partition': { direction },
  'bandwidth-cap': { rateKbit: rate, burstBytes: optional<number | null>(size, null), latencyMs: optional<number | null>(millis, null), direction },
  latency: { latencyMs: delay(1), jitterMs: optional(delay(0), 0), direction },
  'consumer-failover': {},
};

/** Job param names that differ from the typed field they fill. */
const ALIASES: Partial<Record<FaultKind, Record<string, string>>> = {
  'bandwidth-cap': { rate: 'rateKbit', burst: 'burstBytes', latency: 'latencyMs' },
  latency: { latency: 'latencyMs', jitter: 'jitterMs' },
};

/**
 * Validates a job's `params` for its kind; throws `params_invalid` naming the field
 * (`params.probability`) and the form it expects. Unknown params are refused too: a typo
 * must not silently become a default.
 */
export function parseParams<K extends FaultKind>(kind: K, raw: RawParams): FaultParams<K> {
  const shape = SHAPES[kind] as Record<string, Parser<unknown>>;
  const aliases: Record<string, string> = ALIASES[kind] ?? {};
  const names = Object.keys(shape).map((field) => Object.entries(aliases).find(([, f]) => f === field)?.[0] ?? field);
  for (const key of Object.keys(raw)) {
    if (!names.includes(key)) {
      const known = names.length === 0 ? 'it takes none' : `known: ${names.join(', ')}`;
      throw new FaultRunnerError('params_invalid', `params.${key}: not a parameter of ${kind} (${known})`, { field: `params.${key}` });
    }
  }
  const out: Record<string, unknown> = {};
  for (const name of names) {
    const field = aliases[name] ?? name;
    out[field] = shape[field](raw[name], `params.${name}`);
  }
  if (kind === 'latency' && (out.jitterMs as number) > (out.latencyMs as number)) {
    // Toxiproxy and netem draw latency ± jitter: a jitter above the latency would ask for negative delays.
    throw new FaultRunnerError('params_invalid', `params.jitter: expected at most params.latency (${out.latencyMs as number}ms), got ${JSON.stringify(raw.jitter)}`, { field: 'params.jitter' });
  }
  return out as FaultParams<K>;
}
