import { Buffer, isUtf8 } from 'node:buffer';
import { RecordEncodeError, type RecordDecodeError } from './errors';
import { counterProblem, identifierProblem } from './identifier';
import {
  decodeError,
  formatChecksum,
  metaChecksum,
  metaChecksumOfText,
  payloadChecksum,
  type RecordEncoding,
  type TestRecordMeta,
  type WrittenMeta,
} from './record-format';
import { headerEncodingOf, readHeaders, writeHeaders, type ConsumedHeaders } from './record-headers';
import { prefixMarkerLength, readPrefix, writePrefixed } from './record-prefix';
import { COMPACT_HEADER, keyStartsWithProducer, keyWithoutProducerError, readCompactHeader, writeCompactHeader } from './record-compact';
import { readSingleHeader, SINGLE_HEADER, writeSingleHeader } from './record-single-header';

/**
 * The test-record codec: what producers write and validators read back.
 * `encodeRecord` validates and throws (a bad record is a producer bug);
 * `decodeRecord` never throws and returns a typed reason instead, because it
 * runs on every consumed record and sees whatever the replicator delivers.
 */

export interface RecordToEncode {
  readonly meta: TestRecordMeta;
  /** The record key, normally from `KeyPlan.slotForRecord(i).key`. */
  readonly key: string;
  readonly payload: Uint8Array;
  /** `headers` when absent; `value-prefix` when the replicator under test drops headers. */
  readonly encoding?: RecordEncoding;
}

/** The shape kafkajs's `producer.send({ messages })` accepts. */
export interface EncodedRecord {
  readonly key: Buffer;
  readonly value: Buffer;
  readonly headers: Record<string, Buffer>;
}

/** The shape kafkajs's consumer hands over (KafkaMessage); strings are accepted too. */
export interface ConsumedRecord {
  readonly key?: Uint8Array | string | null;
  readonly value?: Uint8Array | string | null;
  readonly headers?: ConsumedHeaders | null;
}

export interface DecodedRecord {
  readonly meta: TestRecordMeta;
  readonly key: string;
  readonly payloadLength: number;
  /** CRC-32 of meta and key; identical for every encoding of the same record. */
  readonly metaChecksum: number;
  /** CRC-32 of the payload; identical for every encoding of the same record. */
  readonly payloadChecksum: number;
  readonly encoding: RecordEncoding;
}

/** Who a record is, when its identity checksum held but its payload did not. */
export interface RecordIdentity {
  readonly meta: TestRecordMeta;
  readonly key: string;
}

/**
 * `identity` is set exactly when `error.reason` is `payload_mismatch`: the meta and
 * key passed their own checksum, so the damaged record can be counted against its
 * sequence (corrupt, not lost).
 */
export type RecordDecodeResult =
  | { readonly ok: true; readonly record: DecodedRecord }
  | { readonly ok: false; readonly error: RecordDecodeError; readonly identity?: RecordIdentity };

const ENCODINGS: readonly string[] = ['headers', 'value-prefix', 'single-header', 'compact'] satisfies readonly RecordEncoding[];
const LONE_SURROGATE = /\p{Cs}/u;

/** One of the record encodings, or RecordEncodeError naming the field. */
export function checkedEncoding(encoding: RecordEncoding): RecordEncoding {
  if (!ENCODINGS.includes(encoding)) {
    throw new RecordEncodeError('invalid_record_encoding', 'encoding', `expected one of ${ENCODINGS.join(', ')}, got ${String(encoding)}`);
  }
  return encoding;
}

export function encodeRecord(input: RecordToEncode): EncodedRecord {
  const encoding = checkedEncoding(input.encoding ?? 'headers');
  const meta = checkedMeta(input.meta);
  const key = checkedKey(input.key);
  if (!(input.payload instanceof Uint8Array)) {
    throw new RecordEncodeError('invalid_record_meta', 'payload', 'expected a Buffer or Uint8Array');
  }
  const payload = asBuffer(input.payload);
  const payloadSum = payloadChecksum(payload);
  if (encoding === 'compact') {
    if (!keyStartsWithProducer(key, Buffer.from(meta.producerId))) throw keyWithoutProducerError(meta.producerId);
    return { key, value: payload, headers: writeCompactHeader(meta, key, payloadSum) };
  }
  const metaSum = metaChecksum(meta, key);
  if (encoding === 'value-prefix') return { key, value: writePrefixed(meta, metaSum, payloadSum, payload), headers: {} };
  const headers = encoding === 'single-header' ? writeSingleHeader(meta, metaSum, payloadSum) : writeHeaders(meta, metaSum, payloadSum);
  return { key, value: payload, headers };
}

// Shared, frozen: foreign records can be the bulk of a busy topic, so reporting one allocates nothing.
const FOREIGN: RecordDecodeResult = Object.freeze({
  ok: false,
  error: Object.freeze(decodeError('foreign', undefined, 'no mirrorlab headers and no mirrorlab value prefix')),
});

export function decodeRecord(record: ConsumedRecord): RecordDecodeResult {
  if (record === null || typeof record !== 'object') return FOREIGN;
  const value = toBuffer(record.value);
  let written: WrittenMeta;
  let payload: Buffer;
  let encoding: RecordEncoding;
  // Headers win when present: in the header encodings the payload is arbitrary
  // bytes and may itself look like a value prefix.
  const headerEncoding = headerEncodingOf(record.headers);
  if (headerEncoding === 'both') {
    return failure(
      'malformed_header',
      Object.hasOwn(record.headers as ConsumedHeaders, SINGLE_HEADER) ? SINGLE_HEADER : COMPACT_HEADER,
      `record carries more than one of the single header "${SINGLE_HEADER}", the compact header "${COMPACT_HEADER}" and ml-* headers: ` +
        'no mirrorlab producer writes two',
    );
  }
  if (headerEncoding === 'compact') return decodeCompact(record, value);
  if (headerEncoding !== 'none') {
    const headers = record.headers as ConsumedHeaders;
    const read = headerEncoding === 'single-header' ? readSingleHeader(headers) : readHeaders(headers);
    if ('reason' in read) return { ok: false, error: read };
    if (value === undefined) return failure('missing_value', 'value', 'record has mirrorlab headers but no value');
    written = read;
    payload = value;
    encoding = headerEncoding;
  } else {
    const markerLength = value === undefined ? 0 : prefixMarkerLength(value);
    if (value === undefined || markerLength === 0) return FOREIGN;
    const read = readPrefix(value, markerLength);
    if ('reason' in read) return { ok: false, error: read };
    written = read;
    payload = value.subarray(read.payloadStart);
    encoding = 'value-prefix';
  }

  const keyBytes = toBuffer(record.key);
  if (keyBytes === undefined || keyBytes.length === 0) return failure('missing_key', 'key', 'record has no key');
  if (!isUtf8(keyBytes)) return failure('malformed_key', 'key', 'key is not valid UTF-8');

  const metaSum = written.metaText === undefined ? metaChecksum(written.meta, keyBytes) : metaChecksumOfText(written.metaText, keyBytes);
  return checkedRecord(record, keyBytes, written, metaSum, payload, encoding);
}

/**
 * The decoded record once its meta is read: identity first (a payload mismatch is only attributable when meta and
 * key are intact), then the payload.
 */
function checkedRecord(
  record: ConsumedRecord,
  keyBytes: Buffer,
  written: WrittenMeta,
  metaSum: number,
  payload: Buffer,
  encoding: RecordEncoding,
): RecordDecodeResult {
  if (metaSum !== written.metaChecksum) {
    return failure(
      'checksum_mismatch',
      'metaChecksum',
      `record carries ${formatChecksum(written.metaChecksum)} but its meta and key hash to ${formatChecksum(metaSum)}: ` +
        'the record identity was altered between producer and validator',
    );
  }
  const key = typeof record.key === 'string' ? record.key : keyBytes.toString('utf8');
  const payloadSum = payloadChecksum(payload);
  if (payloadSum !== written.payloadChecksum) {
    return {
      ok: false,
      error: decodeError(
        'payload_mismatch',
        'payloadChecksum',
        `record carries ${formatChecksum(written.payloadChecksum)} but its payload hashes to ${formatChecksum(payloadSum)}: ` +
          'the payload was altered between producer and validator (its identity is intact)',
      ),
      identity: { meta: written.meta, key },
    };
  }
  return {
    ok: true,
    record: { meta: written.meta, key, payloadLength: payload.length, metaChecksum: metaSum, payloadChecksum: payloadSum, encoding },
  };
}

/**
 * decodeRecord for the compact header: the key is read first (the producer id is its start), and the header's
 * reader has computed the meta checksum already.
 */
function decodeCompact(record: ConsumedRecord, value: Buffer | undefined): RecordDecodeResult {
  const keyBytes = toBuffer(record.key);
  if (keyBytes === undefined || keyBytes.length === 0) return failure('missing_key', 'key', 'record has no key');
  if (!isUtf8(keyBytes)) return failure('malformed_key', 'key', 'key is not valid UTF-8');
  const written = readCompactHeader((record.headers as ConsumedHeaders)[COMPACT_HEADER], keyBytes);
  if ('reason' in written) return { ok: false, error: written };
  if (value === undefined) return failure('missing_value', 'value', 'record has mirrorlab headers but no value');
  return checkedRecord(record, keyBytes, written, written.computedMetaChecksum, value, 'compact');
}

function checkedMeta(meta: TestRecordMeta): TestRecordMeta {
  if (meta === null || typeof meta !== 'object') {
    throw new RecordEncodeError('invalid_record_meta', 'meta', 'expected an object');
  }
  for (const field of ['scenarioId', 'producerId'] as const) {
    const problem = identifierProblem(meta[field]);
    if (problem !== undefined) throw new RecordEncodeError('invalid_record_meta', `meta.${field}`, problem);
  }
  for (const field of ['keyEpoch', 'seq', 'sendTimeUs'] as const) {
    const problem = counterProblem(meta[field]);
    if (problem !== undefined) throw new RecordEncodeError('invalid_record_meta', `meta.${field}`, problem);
  }
  if (meta.scheduledTimeUs !== undefined) {
    const problem = counterProblem(meta.scheduledTimeUs);
    if (problem !== undefined) throw new RecordEncodeError('invalid_record_meta', 'meta.scheduledTimeUs', problem);
  }
  // A copy of exactly the fields we checked: extra properties never reach the wire.
  const { scenarioId, producerId, keyEpoch, seq, sendTimeUs, scheduledTimeUs } = meta;
  return scheduledTimeUs === undefined
    ? { scenarioId, producerId, keyEpoch, seq, sendTimeUs }
    : { scenarioId, producerId, keyEpoch, seq, sendTimeUs, scheduledTimeUs };
}

/** A key as the codec accepts it (non-empty, valid as UTF-8), as bytes; throws RecordEncodeError. */
export function checkedKey(key: string): Buffer {
  if (typeof key !== 'string' || key.length === 0) {
    throw new RecordEncodeError('invalid_record_key', 'key', 'expected a non-empty string (use KeyPlan keys)');
  }
  if (LONE_SURROGATE.test(key)) {
    throw new RecordEncodeError('invalid_record_key', 'key', 'contains a lone UTF-16 surrogate, which does not survive UTF-8');
  }
  return Buffer.from(key, 'utf8');
}

function failure(reason: RecordDecodeError['reason'], field: string, problem: string): RecordDecodeResult {
  return { ok: false, error: decodeError(reason, field, problem) };
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function toBuffer(data: unknown): Buffer | undefined {
  if (data instanceof Uint8Array) return asBuffer(data);
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  return undefined;
}
