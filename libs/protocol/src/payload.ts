import { Buffer } from 'node:buffer';
import { crc32 } from 'node:zlib';
import { PayloadError } from './errors';

/**
 * Where record payloads come from. Producers call `next()` once per record, so
 * it must be cheap: the random source generates its bytes once, up front, and
 * then hands out views at rotating offsets (no PRNG or crypto call per record).
 * Returned buffers are shared and must be treated as read-only.
 */
export interface PayloadSource {
  next(): Buffer;
  /**
   * The CRC-32 of the payload the last `next()` returned (the record format's payload checksum; see
   * RecordEncoder). Sources hand out a fixed set of payloads, so each one's checksum is computed once.
   */
  lastChecksum(): number;
}

/** CRC-32s of a fixed set of payloads by their index, each computed on first use. */
class ChecksumCache {
  private readonly sums: Uint32Array;
  private readonly known: Uint8Array;

  constructor(size: number) {
    this.sums = new Uint32Array(size);
    this.known = new Uint8Array(size);
  }

  of(index: number, payload: Buffer): number {
    if (this.known[index] === 0) {
      this.sums[index] = crc32(payload);
      this.known[index] = 1;
    }
    return this.sums[index];
  }
}

export interface RandomPayloadOptions {
  /** Exact size of every payload, in bytes. */
  readonly size: number;
  /** Same seed, same sequence of payloads. */
  readonly seed: number;
}

/** Far above Kafka's default 1 MiB message limit; protects against a typo allocating gigabytes. */
export const MAX_PAYLOAD_SIZE = 64 * 1024 * 1024;
/**
 * Extra pool bytes beyond `size`: payload windows start at 0..POOL_SLACK, i.e.
 * 65537 offsets. 65537 is prime, so any step cycles through all of them before
 * a payload repeats.
 */
const POOL_SLACK = 65_536;
const OFFSET_STEP = 4_099;

export function randomPayloadSource(options: RandomPayloadOptions): PayloadSource {
  const { size, seed } = options;
  if (!Number.isSafeInteger(size) || size < 0 || size > MAX_PAYLOAD_SIZE) {
    throw new PayloadError(
      'invalid_payload_size',
      `payload size must be an integer in [0, ${MAX_PAYLOAD_SIZE}] bytes, got ${String(size)}`,
    );
  }
  if (!Number.isSafeInteger(seed)) {
    throw new PayloadError('invalid_seed', `payload seed must be a safe integer, got ${String(seed)}`);
  }
  const pool = seededBytes(size + POOL_SLACK, seed);
  const offsets = POOL_SLACK + 1;
  const checksums = new ChecksumCache(offsets);
  // Each window's view, made on first use and kept (a view per record was ~7% of a 100 B record's cost).
  const views = new Array<Buffer | undefined>(offsets).fill(undefined);
  let offset = 0;
  let lastOffset = -1;
  let lastPayload: Buffer | undefined;
  return {
    next() {
      let payload = views[offset];
      if (payload === undefined) views[offset] = payload = pool.subarray(offset, offset + size);
      lastOffset = offset;
      lastPayload = payload;
      offset = (offset + OFFSET_STEP) % offsets;
      return payload;
    },
    lastChecksum() {
      if (lastPayload === undefined) throw new PayloadError('no_payload_yet', 'lastChecksum() was called before next()');
      return checksums.of(lastOffset, lastPayload);
    },
  };
}

/** Cycles through `values` in order, e.g. payloads parsed from a CSV or JSON Lines file. */
export function replayPayloadSource(values: readonly Buffer[]): PayloadSource {
  if (values.length === 0) {
    throw new PayloadError('empty_replay_set', 'replay needs at least one payload; check the input file and column or field');
  }
  const cycle = [...values];
  const checksums = new ChecksumCache(cycle.length);
  let index = 0;
  let lastIndex = -1;
  return {
    next() {
      const payload = cycle[index];
      lastIndex = index;
      index = index + 1 === cycle.length ? 0 : index + 1;
      return payload;
    },
    lastChecksum() {
      if (lastIndex < 0) throw new PayloadError('no_payload_yet', 'lastChecksum() was called before next()');
      return checksums.of(lastIndex, cycle[lastIndex]);
    },
  };
}

/**
 * Deterministic bytes from splitmix32, written byte by byte so the result does
 * not depend on platform endianness. Not cryptographic; it only has to defeat
 * compression and look different from record to record.
 */
function seededBytes(length: number, seed: number): Buffer {
  const bytes = Buffer.allocUnsafe(length);
  // Fold the high bits in so seeds that differ only above 2^32 differ here too.
  let state = (seed ^ Math.floor(seed / 0x1_0000_0000) ^ 0x5eed) | 0;
  const imul = Math.imul;
  for (let i = 0; i < length; i += 4) {
    state = (state + 0x9e3779b9) | 0;
    let z = state;
    z = imul(z ^ (z >>> 16), 0x85ebca6b);
    z = imul(z ^ (z >>> 13), 0xc2b2ae35);
    z ^= z >>> 16;
    bytes[i] = z;
    if (i + 1 < length) bytes[i + 1] = z >>> 8;
    if (i + 2 < length) bytes[i + 2] = z >>> 16;
    if (i + 3 < length) bytes[i + 3] = z >>> 24;
  }
  return bytes;
}
