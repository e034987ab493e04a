import { KeyPlanError } from './errors';
import { counterProblem, identifierProblem } from './identifier';
import { murmur2Prefix, toPositive } from './murmur2';

/**
 * Which keys a producer writes with, chosen so every partition gets exactly the
 * same number of keys.
 *
 * Hashing P arbitrary keys onto P partitions leaves about 1/e (37%) of the
 * partitions empty (birthday paradox); using 17 keys per partition, as
 * kafka-mirror-tester did, fills them but still leaves ~24% load skew. Instead
 * we search: key i must land on partition i % P, so we try salts until
 * murmur2 agrees. Consecutive records go to consecutive keys, hence to
 * consecutive partitions: load is exactly even.
 *
 * Key grammar: `<producerId>/e<epoch>/k<keyIndex>-<salt>`, numbers in canonical
 * decimal. The suffix after the producer id contains exactly two '/' and the
 * salt contains none, so the split point is the second-to-last '/' and any
 * producer id (including ones with '/', '-', '.') parses back unambiguously.
 * Distinct producers therefore never share a key.
 */

export interface KeyPlanOptions {
  readonly producerId: string;
  readonly partitions: number;
  readonly keysPerPartition: number;
  /** Bumped when the producer starts a fresh key space (restart, new partition count), so per-key sequences restart cleanly. */
  readonly epoch: number;
}

/** Where record number `i` of a producer goes: which key, and its sequence number within that key. */
export interface RecordSlot {
  readonly keyIndex: number;
  readonly key: string;
  readonly seq: number;
}

export interface ParsedKey {
  readonly producerId: string;
  readonly epoch: number;
  readonly keyIndex: number;
}

/**
 * Expected search cost is keyCount * partitions hashes (each key needs ~P tries).
 * 1e8 hashes is a few seconds; beyond that the caller should use fewer keys.
 */
export const MAX_KEY_SEARCH_WORK = 100_000_000;
/** A key needing this many times P tries has probability e^-64: treat as a bug, not bad luck. */
const SALT_TRIES_PER_PARTITION = 64;

const KEY_PATTERN = /^(.+)\/e(0|[1-9]\d{0,15})\/k(0|[1-9]\d{0,15})-(?:0|[1-9]\d{0,15})$/s;
const DASH = 0x2d;
const ZERO = 0x30;
const MAX_DECIMAL_DIGITS = 16;
const utf8 = new TextEncoder();
// Bound once: the salt search is hot and global lookups are slow inside VM contexts (jest).
const floor = Math.floor;

export class KeyPlan {
  readonly producerId: string;
  readonly partitions: number;
  readonly keysPerPartition: number;
  readonly epoch: number;
  /** Key i lands on partition i % partitions. */
  readonly keys: readonly string[];

  private constructor(options: KeyPlanOptions, keys: readonly string[]) {
    this.producerId = options.producerId;
    this.partitions = options.partitions;
    this.keysPerPartition = options.keysPerPartition;
    this.epoch = options.epoch;
    this.keys = keys;
  }

  /** Deterministic: the same options always give the same keys. */
  static build(options: KeyPlanOptions): KeyPlan {
    checkOptions(options);
    const { producerId, partitions, keysPerPartition, epoch } = options;
    const keyCount = partitions * keysPerPartition;
    const head = `${producerId}/e${epoch}/k`;
    const headBytes = utf8.encode(head);
    // One scratch buffer for every candidate: head, key index, '-', salt.
    const scratch = new Uint8Array(headBytes.length + 2 * MAX_DECIMAL_DIGITS + 1);
    scratch.set(headBytes);
    const keys = new Array<string>(keyCount);
    for (let keyIndex = 0; keyIndex < keyCount; keyIndex++) {
      const saltAt = writeDecimal(scratch, headBytes.length, keyIndex);
      scratch[saltAt] = DASH;
      const salt = findSalt(scratch, saltAt + 1, keyIndex % partitions, partitions, options);
      keys[keyIndex] = `${head}${keyIndex}-${salt}`;
    }
    return new KeyPlan(options, Object.freeze(keys));
  }

  /** Recovers producer, epoch and key index from a key; undefined if it is not a key-plan key. */
  static parseKey(key: string): ParsedKey | undefined {
    const match = typeof key === 'string' ? KEY_PATTERN.exec(key) : null;
    if (match === null) return undefined;
    const [, producerId, epoch, keyIndex] = match;
    if (identifierProblem(producerId) !== undefined) return undefined;
    const parsed = { producerId, epoch: Number(epoch), keyIndex: Number(keyIndex) };
    return Number.isSafeInteger(parsed.epoch) && Number.isSafeInteger(parsed.keyIndex) ? parsed : undefined;
  }

  get keyCount(): number {
    return this.keys.length;
  }

  partitionOfKey(keyIndex: number): number {
    this.checkKeyIndex(keyIndex);
    return keyIndex % this.partitions;
  }

  /** Round-robin over keys: record i uses key i mod K with per-key sequence floor(i / K). */
  slotForRecord(recordIndex: number): RecordSlot {
    const problem = counterProblem(recordIndex);
    if (problem !== undefined) throw new KeyPlanError('invalid_record_index', `record index ${problem}`);
    const keyIndex = recordIndex % this.keys.length;
    return { keyIndex, key: this.keys[keyIndex], seq: Math.floor(recordIndex / this.keys.length) };
  }

  /** Inverse of `slotForRecord`: which record index carried `seq` on key `keyIndex`. */
  recordIndexOf(keyIndex: number, seq: number): number {
    this.checkKeyIndex(keyIndex);
    const index = seq * this.keys.length + keyIndex;
    const problem = counterProblem(seq) ?? counterProblem(index);
    if (problem !== undefined) throw new KeyPlanError('invalid_record_index', `seq ${seq} on key ${keyIndex}: ${problem}`);
    return index;
  }

  private checkKeyIndex(keyIndex: number): void {
    if (!Number.isSafeInteger(keyIndex) || keyIndex < 0 || keyIndex >= this.keys.length) {
      throw new KeyPlanError('key_index_out_of_range', `key index must be an integer in [0, ${this.keys.length}), got ${String(keyIndex)}`);
    }
  }
}

function checkOptions(options: KeyPlanOptions): void {
  const producerProblem = identifierProblem(options.producerId);
  if (producerProblem !== undefined) {
    throw new KeyPlanError('invalid_producer_id', `producerId ${producerProblem}`);
  }
  const { partitions, keysPerPartition } = options;
  if (!Number.isSafeInteger(partitions) || partitions < 1) {
    throw new KeyPlanError('invalid_partitions', `partitions must be a positive integer, got ${String(partitions)}`);
  }
  if (!Number.isSafeInteger(keysPerPartition) || keysPerPartition < 1) {
    throw new KeyPlanError('invalid_keys_per_partition', `keysPerPartition must be a positive integer, got ${String(keysPerPartition)}`);
  }
  const epochProblem = counterProblem(options.epoch);
  if (epochProblem !== undefined) throw new KeyPlanError('invalid_epoch', `epoch ${epochProblem}`);
  const work = partitions * partitions * keysPerPartition;
  if (work > MAX_KEY_SEARCH_WORK) {
    throw new KeyPlanError(
      'plan_too_large',
      `${partitions} partitions x ${keysPerPartition} keys per partition needs ~${work.toExponential(1)} hash tries ` +
        `(limit ${MAX_KEY_SEARCH_WORK.toExponential(0)}); lower keysPerPartition`,
    );
  }
}

/** Smallest salt that sends the candidate in `scratch` to `target`; the salt is written at `saltAt`. */
function findSalt(scratch: Uint8Array, saltAt: number, target: number, partitions: number, options: KeyPlanOptions): number {
  const limit = partitions * SALT_TRIES_PER_PARTITION;
  for (let salt = 0; salt <= limit; salt++) {
    const end = writeDecimal(scratch, saltAt, salt);
    if (toPositive(murmur2Prefix(scratch, end)) % partitions === target) return salt;
  }
  throw new KeyPlanError(
    'key_search_exhausted',
    `no salt in [0, ${limit}] sends a key of producer ${options.producerId} to partition ${target}; this is a bug, please report it`,
  );
}

/** Writes `n` as ASCII decimal at `at`; returns the index after the last digit. */
function writeDecimal(bytes: Uint8Array, at: number, n: number): number {
  let digits = 1;
  for (let rest = n; rest >= 10; rest = floor(rest / 10)) digits++;
  for (let i = at + digits - 1, rest = n; i >= at; i--, rest = floor(rest / 10)) bytes[i] = ZERO + (rest % 10);
  return at + digits;
}
