import { Buffer, isUtf8 } from 'node:buffer';
import { RecordEncodeError, type RecordDecodeError } from './errors';
import { crc32Bytes } from './crc32';
import { identifierProblem } from './identifier';
import { knownId, rememberId } from './known-ids';
import { decodeError, RECORD_FORMAT_VERSION, type TestRecordMeta, type WrittenMeta } from './record-format';

/**
 * The `compact` encoding: the record's meta as binary in ONE Kafka header, `mb`, the value being
 * the payload untouched. It carries what `single-header` carries in about 40 bytes instead of
 * about 100 (at 100 B records the brokers' cost follows the bytes: bench/producer/RESULTS.md):
 *
 *   u8 version · varint scenarioId length · scenarioId (UTF-8) · varint producerId length ·
 *   varint keyEpoch · varint seq · u56 sendTimeUs · u8 scheduled (0 none, 1 at or before the
 *   send, 2 after it) · varint |sendTimeUs - scheduledTimeUs| (when scheduled is 1 or 2) ·
 *   u32 meta checksum · u32 payload checksum
 *
 * Fixed-width numbers are big endian; varints unsigned LEB128, minimal (no trailing zero group).
 * The producer id is not written: it is the first `producerId length` bytes of the record's key
 * (every key-plan key starts with its producer's id and '/'). The meta checksum is the CRC-32 of
 * the header's bytes before it, then the key: the identity as written, with no text made from it
 * (the text encodings hash their meta text, so the same record has another meta checksum there).
 */
export const COMPACT_HEADER = 'mb';

const SLASH = 0x2f;
const SCHEDULED_NONE = 0;
const SCHEDULED_BEFORE = 1;
const SCHEDULED_AFTER = 2;
/** The longest minimal varint of a safe integer (2^53 needs 8 groups of 7 bits). */
const MAX_VARINT_BYTES = 8;

/** Bytes of `n` (a non-negative safe integer) as a minimal varint. */
export function varintLength(n: number): number {
  if (n < 128) return 1;
  if (n < 16_384) return 2;
  if (n < 2_097_152) return 3;
  let length = 1;
  while (n >= 128) {
    n = Math.floor(n / 128);
    length++;
  }
  return length;
}

/** Writes `n` (a non-negative safe integer) as a minimal varint at `at`; the index after it. */
export function writeVarint(out: Uint8Array, at: number, n: number): number {
  while (n >= 0x8000_0000) {
    out[at++] = (n % 128) | 128;
    n = Math.floor(n / 128);
  }
  while (n >= 128) {
    out[at++] = (n & 127) | 128;
    n >>>= 7;
  }
  out[at++] = n;
  return at;
}

/** Whether `key` starts with `producerId`'s bytes followed by '/', as every key-plan key of that producer does. */
export function keyStartsWithProducer(key: Uint8Array, producerId: Uint8Array): boolean {
  const n = producerId.length;
  if (key.length <= n || key[n] !== SLASH) return false;
  for (let i = 0; i < n; i++) if (key[i] !== producerId[i]) return false;
  return true;
}

/** The error for a key without its producer's id in front (the compact encoding reads the producer id from the key). */
export function keyWithoutProducerError(producerId: string): RecordEncodeError {
  return new RecordEncodeError(
    'invalid_record_key',
    'key',
    `the compact encoding needs keys that start with the producer id "${producerId}" and '/' (KeyPlan keys do)`,
  );
}

/** The length of the `mb` header's value for these fields, `head` being `headLength` bytes (see compactValue). */
export function compactValueLength(
  headLength: number,
  keyEpoch: number,
  seq: number,
  sendTimeUs: number,
  scheduledTimeUs: number | undefined,
): number {
  const delta = scheduledTimeUs === undefined ? 0 : Math.abs(sendTimeUs - scheduledTimeUs);
  return headLength + varintLength(keyEpoch) + varintLength(seq) + 7 + 1 + (scheduledTimeUs === undefined ? 0 : varintLength(delta)) + 8;
}

/**
 * Writes the `mb` header's value at `start` of `out` (the caller made room for compactValueLength's bytes); the index
 * after it. The producer writes it straight into its batch for the client (RecordEncoder.compactHeader). `head` is `compactHead(scenarioId, producerId)` and `headSum` its CRC-32 (the meta checksum continues from
 * it). The caller has checked the numbers (non-negative safe integers) and that the key starts with the producer id
 * (keyStartsWithProducer).
 */
export function writeCompactValue(
  out: Uint8Array,
  start: number,
  head: Uint8Array,
  headSum: number,
  keyEpoch: number,
  seq: number,
  sendTimeUs: number,
  scheduledTimeUs: number | undefined,
  key: Uint8Array,
  payloadChecksum: number,
): number {
  // A loop, not out.set: for the ~20 bytes of a head the call costs more than the copy.
  for (let i = 0; i < head.length; i++) out[start + i] = head[i]!;
  const fields = start + head.length;
  let at = writeVarint(out, fields, keyEpoch);
  at = writeVarint(out, at, seq);
  at = writeU56(out, at, sendTimeUs);
  if (scheduledTimeUs === undefined) out[at++] = SCHEDULED_NONE;
  else if (scheduledTimeUs <= sendTimeUs) {
    out[at++] = SCHEDULED_BEFORE;
    at = writeVarint(out, at, sendTimeUs - scheduledTimeUs);
  } else {
    out[at++] = SCHEDULED_AFTER;
    at = writeVarint(out, at, scheduledTimeUs - sendTimeUs);
  }
  at = writeU32(out, at, crc32Bytes(crc32Bytes(headSum, out, fields, at), key));
  return writeU32(out, at, payloadChecksum);
}

/** `n` (below 2^56) as 7 bytes, big endian; the index after them. */
function writeU56(out: Uint8Array, at: number, n: number): number {
  const high = Math.floor(n / 0x1_0000_0000);
  out[at] = high >>> 16;
  out[at + 1] = (high >>> 8) & 255;
  out[at + 2] = high & 255;
  return writeU32(out, at + 3, n >>> 0);
}

function writeU32(out: Uint8Array, at: number, n: number): number {
  out[at] = n >>> 24;
  out[at + 1] = (n >>> 16) & 255;
  out[at + 2] = (n >>> 8) & 255;
  out[at + 3] = n & 255;
  return at + 4;
}

/** What starts every `mb` value of one producer: the version, the scenario id and the producer id's length. */
export function compactHead(scenarioId: Uint8Array, producerId: Uint8Array): Buffer {
  const head = Buffer.allocUnsafe(1 + varintLength(scenarioId.length) + scenarioId.length + varintLength(producerId.length));
  head[0] = RECORD_FORMAT_VERSION;
  let at = writeVarint(head, 1, scenarioId.length);
  head.set(scenarioId, at);
  at += scenarioId.length;
  writeVarint(head, at, producerId.length);
  return head;
}

/** `{ mb: <value> }` for a record (encodeRecord's path; the producer's RecordEncoder keeps the head and its checksum). */
export function writeCompactHeader(meta: TestRecordMeta, key: Buffer, payloadChecksum: number): Record<string, Buffer> {
  const head = compactHead(Buffer.from(meta.scenarioId), Buffer.from(meta.producerId));
  const { keyEpoch, seq, sendTimeUs, scheduledTimeUs } = meta;
  const value = Buffer.allocUnsafe(compactValueLength(head.length, keyEpoch, seq, sendTimeUs, scheduledTimeUs));
  writeCompactValue(value, 0, head, crc32Bytes(0, head), keyEpoch, seq, sendTimeUs, scheduledTimeUs, key, payloadChecksum);
  return { [COMPACT_HEADER]: value };
}

/** The read position of readVarint (module state: no tuple per number on the validator's hot path). */
let readEnd = 0;

/** The minimal varint at `at` (its end in `readEnd`), or undefined if truncated, not minimal or above 2^53 - 1. */
function readVarint(b: Uint8Array, at: number, end: number): number | undefined {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < MAX_VARINT_BYTES && at + i < end; i++) {
    const byte = b[at + i]!;
    value += (byte & 127) * scale;
    if (byte < 128) {
      if (byte === 0 && i > 0) return undefined;
      readEnd = at + i + 1;
      return Number.isSafeInteger(value) ? value : undefined;
    }
    scale *= 128;
  }
  return undefined;
}

/**
 * Reads the `mb` header (the caller has checked that it is present) against the record's key bytes: the meta, both
 * checksums as written, and the meta checksum computed (`computedMetaChecksum`). Never throws.
 */
export function readCompactHeader(
  value: unknown,
  key: Uint8Array | undefined,
): (WrittenMeta & { computedMetaChecksum: number }) | RecordDecodeError {
  const bytes = headerBytes(value);
  if (!(bytes instanceof Uint8Array)) return bytes;
  const end = bytes.length;
  if (end === 0) return malformed('version', 'header is empty');
  if (bytes[0] !== RECORD_FORMAT_VERSION) {
    return decodeError(
      'unsupported_version',
      `${COMPACT_HEADER}.version`,
      `format version ${bytes[0]} is not supported (this build reads version ${RECORD_FORMAT_VERSION}); run producers and validators from the same release`,
    );
  }
  const scenarioLength = readVarint(bytes, 1, end);
  if (scenarioLength === undefined) return malformed('scenarioId', 'its length is not a minimal varint');
  const scenarioStart = readEnd;
  const scenarioEnd = scenarioStart + scenarioLength;
  if (scenarioEnd > end) return malformed('scenarioId', `its length ${scenarioLength} runs past the header's ${end} bytes`);
  const scenarioId = idOf(bytes, scenarioStart, scenarioEnd, 'scenarioId');
  if (typeof scenarioId !== 'string') return scenarioId;
  const producerLength = readVarint(bytes, scenarioEnd, end);
  if (producerLength === undefined) return malformed('producerId', 'its length is not a minimal varint');
  const keyEpoch = readVarint(bytes, readEnd, end);
  if (keyEpoch === undefined) return malformed('keyEpoch', 'not a minimal varint of a safe integer');
  const seq = readVarint(bytes, readEnd, end);
  if (seq === undefined) return malformed('seq', 'not a minimal varint of a safe integer');
  let at = readEnd;
  if (at + 7 > end) return malformed('sendTimeUs', 'header ends before this field');
  const sendTimeUs = (bytes[at]! * 65_536 + bytes[at + 1]! * 256 + bytes[at + 2]!) * 0x1_0000_0000 + readU32(bytes, at + 3);
  if (!Number.isSafeInteger(sendTimeUs)) return malformed('sendTimeUs', `${sendTimeUs} is above 2^53 - 1`);
  at += 7;
  if (at >= end) return malformed('scheduledTimeUs', 'header ends before this field');
  const scheduledKind = bytes[at++]!;
  let scheduledTimeUs: number | undefined;
  if (scheduledKind !== SCHEDULED_NONE) {
    const delta = scheduledKind === SCHEDULED_BEFORE || scheduledKind === SCHEDULED_AFTER ? readVarint(bytes, at, end) : undefined;
    if (delta === undefined) return malformed('scheduledTimeUs', `expected 0, 1 or 2 and a minimal varint, got kind ${scheduledKind}`);
    at = readEnd;
    scheduledTimeUs = scheduledKind === SCHEDULED_BEFORE ? sendTimeUs - delta : sendTimeUs + delta;
    if (scheduledTimeUs < 0 || !Number.isSafeInteger(scheduledTimeUs) || (scheduledKind === SCHEDULED_AFTER && delta === 0)) {
      return malformed('scheduledTimeUs', `kind ${scheduledKind} with ${delta} us from the send time is not a canonical time`);
    }
  }
  if (end - at !== 8) return malformed('checksums', `expected the two 4-byte checksums to end the header, found ${end - at} byte(s)`);
  const metaChecksum = readU32(bytes, at);
  const payloadChecksum = readU32(bytes, at + 4);
  if (key === undefined || key.length <= producerLength || key[producerLength] !== SLASH) {
    return malformed('producerId', `the key does not start with a producer id of ${producerLength} bytes and '/'`);
  }
  const producerId = idOf(key, 0, producerLength, 'producerId');
  if (typeof producerId !== 'string') return producerId;
  const computedMetaChecksum = crc32Bytes(crc32Bytes(0, bytes, 0, at), key);
  const base = { scenarioId, producerId, keyEpoch, seq, sendTimeUs };
  return { meta: scheduledTimeUs === undefined ? base : { ...base, scheduledTimeUs }, metaChecksum, payloadChecksum, computedMetaChecksum };
}

function readU32(b: Uint8Array, at: number): number {
  return b[at]! * 0x100_0000 + ((b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!);
}

function idOf(bytes: Uint8Array, start: number, end: number, field: string): string | RecordDecodeError {
  const known = knownId(bytes, start, end);
  if (known !== undefined) return known;
  const slice = bytes.subarray(start, end);
  if (!isUtf8(slice)) return malformed(field, 'not valid UTF-8');
  const text = Buffer.from(slice.buffer, slice.byteOffset, slice.byteLength).toString('utf8');
  const problem = identifierProblem(text);
  if (problem !== undefined) return malformed(field, problem);
  rememberId(bytes, start, end, text);
  return text;
}

function headerBytes(value: unknown): Uint8Array | RecordDecodeError {
  if (Array.isArray(value)) {
    // A repeated header is ambiguous: we cannot tell which copy the producer meant.
    if (value.length !== 1) return malformed(undefined, value.length === 0 ? 'header is missing' : `header appears ${value.length} times`);
    value = value[0];
  }
  if (value instanceof Uint8Array) return value;
  // A binary header that arrives as a string was decoded by someone as text: its bytes are gone.
  return malformed(
    undefined,
    value === undefined || value === null ? 'header has no value' : `header value has type ${typeof value}, expected bytes`,
  );
}

function malformed(field: string | undefined, problem: string): RecordDecodeError {
  return decodeError('malformed_header', field === undefined ? COMPACT_HEADER : `${COMPACT_HEADER}.${field}`, problem);
}
