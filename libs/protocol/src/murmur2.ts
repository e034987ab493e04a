import { KeyPlanError } from './errors';

/**
 * Kafka's key hash, bit for bit as `org.apache.kafka.common.utils.Utils.murmur2`
 * (and kafkajs's DefaultPartitioner) computes it, so we can predict which
 * partition the producer's client will pick for a key without asking a broker.
 */
const SEED = 0x9747b28c;
const M = 0x5bd1e995;
const R = 24;
// Bound once: a global lookup per call is ~100x slower inside VM contexts (jest),
// and the key plan calls this millions of times.
const imul = Math.imul;

const utf8 = new TextEncoder();

/** murmur2 of `bytes`, a signed 32-bit integer like Java's `int`. */
export function murmur2(bytes: Uint8Array): number {
  return murmur2Prefix(bytes, bytes.length);
}

/**
 * murmur2 of the first `length` bytes. The key plan hashes many candidates in
 * one reusable buffer; this avoids allocating a view per candidate.
 */
export function murmur2Prefix(bytes: Uint8Array, length: number): number {
  // imul and `| 0` reproduce Java's wrapping 32-bit int multiply/xor.
  let h = (SEED ^ length) | 0;
  const whole = length & ~3;
  for (let i = 0; i < whole; i += 4) {
    let k = bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24);
    k = imul(k, M);
    k ^= k >>> R;
    k = imul(k, M);
    h = imul(h, M) ^ k;
  }
  const rest = length & 3;
  if (rest === 3) h ^= bytes[whole + 2] << 16;
  if (rest >= 2) h ^= bytes[whole + 1] << 8;
  if (rest >= 1) h = imul(h ^ bytes[whole], M);
  h ^= h >>> 13;
  h = imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/** Java's `Utils.toPositive`: clears the sign bit (not Math.abs, which overflows on MIN_VALUE). */
export function toPositive(n: number): number {
  return n & 0x7fffffff;
}

/** The partition Kafka's default partitioner gives a keyed record; string keys are UTF-8, as in StringSerializer and kafkajs. */
export function partitionForKey(key: string | Uint8Array, partitions: number): number {
  if (!Number.isSafeInteger(partitions) || partitions < 1) {
    throw new KeyPlanError('invalid_partitions', `partitions must be a positive integer, got ${String(partitions)}`);
  }
  const bytes = typeof key === 'string' ? utf8.encode(key) : key;
  return toPositive(murmur2(bytes)) % partitions;
}
