import { crc32 } from 'node:zlib';
import type { RecordDecodeError, RecordDecodeReason } from './errors';

/**
 * What the bytes of a test record mean, shared by every encoding; the text encodings (headers,
 * value prefix, single header) hash the same meta text, so a record's checksum is the same
 * whichever of them carried it (the compact one hashes its own bytes: record-compact.ts).
 */

/**
 * Version 2 splits the checksum in two (one over the identity, one over the payload)
 * and adds the optional scheduled send time.
 */
export const RECORD_FORMAT_VERSION = 2;

/**
 * `headers`: meta in 8-9 `ml-*` Kafka headers. `value-prefix`: meta as text before the
 * payload in the value (for replicators that drop headers). `single-header`: that same
 * text as the value of one `ml` header (one header is far cheaper for Kafka clients).
 * `compact`: the same meta as binary in one `mb` header, the producer id read from the key
 * (about 40 bytes where the text takes about 100: record-compact.ts).
 */
export type RecordEncoding = 'headers' | 'value-prefix' | 'single-header' | 'compact';

export interface TestRecordMeta {
  readonly scenarioId: string;
  readonly producerId: string;
  /** Epoch of the producer's KeyPlan; per-key sequences restart at 0 in a new epoch. */
  readonly keyEpoch: number;
  /** Sequence number of this record within its key. */
  readonly seq: number;
  /** Microseconds since the Unix epoch; exact in a JS number until the year 2255. */
  readonly sendTimeUs: number;
  /**
   * When the producer's pacing meant to send it (µs since the epoch). Absent means
   * the same as `sendTimeUs` (see `scheduledTimeOf`); a producer that falls behind
   * its schedule writes it so latency can be measured from the intended time.
   */
  readonly scheduledTimeUs?: number;
}

/** The scheduled send time of a record: `sendTimeUs` when the producer wrote none. */
export function scheduledTimeOf(meta: TestRecordMeta): number {
  return meta.scheduledTimeUs ?? meta.sendTimeUs;
}

/** Meta plus the two checksums the producer wrote, as read back from any encoding. */
export interface WrittenMeta {
  readonly meta: TestRecordMeta;
  readonly metaChecksum: number;
  readonly payloadChecksum: number;
  /**
   * The bytes of the meta fields as written, `ml<version>;<scenarioId>;...;<scheduledTimeUs>;`, when the
   * encoding holds them in one piece (the prefix and the single header): the meta checksum is then
   * computed over them (metaChecksumOfText) instead of over a line made again from the parsed fields.
   * Only canonical text is accepted when reading, so they are the very bytes metaChecksum hashes.
   */
  readonly metaText?: Uint8Array;
}

/**
 * CRC-32 over the meta fields and the key: the record's identity. Covering the meta
 * is what turns a flipped digit in `seq` into `checksum_mismatch` instead of a
 * silently wrong sequence. It is separate from the payload's checksum so a damaged
 * payload under an intact identity is still attributed to its (producer, key, seq):
 * corrupt for that sequence, not lost. An absent scheduled time is an empty field,
 * distinct from any number.
 */
export function metaChecksum(meta: TestRecordMeta, key: Uint8Array): number {
  const line =
    `ml${RECORD_FORMAT_VERSION};${meta.scenarioId};${meta.producerId};` +
    `${meta.keyEpoch};${meta.seq};${meta.sendTimeUs};${meta.scheduledTimeUs ?? ''};${key.length};`;
  return crc32(key, crc32(line));
}

/**
 * metaChecksum from the meta's written text (see WrittenMeta.metaText): the same CRC-32, without
 * making the line again (this runs once per record a validator reads).
 */
export function metaChecksumOfText(metaText: Uint8Array, key: Uint8Array): number {
  return crc32(key, crc32(keyLengthText(key.length), crc32(metaText)));
}

const KEY_LENGTH_TEXTS = Array.from({ length: 256 }, (_, n) => `${n};`);
const keyLengthText = (n: number): string => KEY_LENGTH_TEXTS[n] ?? `${n};`;

/** CRC-32 over the payload bytes alone. */
export function payloadChecksum(payload: Uint8Array): number {
  return crc32(payload);
}

const HEX_BYTES = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

/** A CRC-32 (0 to 2^32-1) as 8 lowercase hex digits; by byte from a table, as this runs twice per record written. */
export function formatChecksum(checksum: number): string {
  if (!(Number.isInteger(checksum) && checksum >= 0 && checksum <= 0xffff_ffff)) return checksum.toString(16).padStart(8, '0');
  return HEX_BYTES[checksum >>> 24] + HEX_BYTES[(checksum >>> 16) & 255] + HEX_BYTES[(checksum >>> 8) & 255] + HEX_BYTES[checksum & 255];
}

const CANONICAL_DECIMAL = /^(?:0|[1-9]\d{0,15})$/;
const CANONICAL_CHECKSUM = /^[0-9a-f]{8}$/;

/**
 * Only the exact text the encoder writes is accepted (no sign, no leading zeros,
 * lowercase hex), so every byte of a field matters and a corrupted byte can
 * never decode to the same value by accident of lenient parsing.
 */
export function parseCounter(text: string): number | undefined {
  if (!CANONICAL_DECIMAL.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : undefined;
}

export function parseChecksum(text: string): number | undefined {
  return CANONICAL_CHECKSUM.test(text) ? Number.parseInt(text, 16) : undefined;
}

/**
 * parseCounter over the ASCII bytes `b[start..end)`, without making a string: the
 * validator's hot path reads every number this way. Undefined exactly when
 * parseCounter would reject the same text.
 */
export function counterFromBytes(b: Uint8Array, start: number, end: number): number | undefined {
  const n = end - start;
  if (n <= 0 || n > 16 || (b[start] === 0x30 && n > 1)) return undefined;
  let value = 0;
  for (let i = start; i < end; i++) {
    const d = b[i] - 0x30;
    if (d < 0 || d > 9) return undefined;
    value = value * 10 + d;
  }
  // Above 2^53 the sum is inexact but stays above 2^53, so this still rejects it, as parseCounter does.
  return Number.isSafeInteger(value) ? value : undefined;
}

/** parseChecksum over the ASCII bytes `b[start..end)` (8 lowercase hex digits), without making a string. */
export function checksumFromBytes(b: Uint8Array, start: number, end: number): number | undefined {
  if (end - start !== 8) return undefined;
  let value = 0;
  for (let i = start; i < end; i++) {
    const c = b[i];
    const d = c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : -1;
    if (d < 0) return undefined;
    value = value * 16 + d;
  }
  return value;
}

/** Builds a decode error; shows at most a short excerpt of the offending text so garbage cannot bloat logs. */
export function decodeError(reason: RecordDecodeReason, field: string | undefined, problem: string): RecordDecodeError {
  return field === undefined ? { reason, message: problem } : { reason, field, message: `${field}: ${problem}` };
}

export function excerpt(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}...` : text);
}
