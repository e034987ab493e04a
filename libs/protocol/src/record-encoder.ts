import { Buffer } from 'node:buffer';
import { crc32 } from 'node:zlib';
import { RecordEncodeError } from './errors';
import { crc32Ascii, crc32Bytes } from './crc32';
import {
  COMPACT_HEADER,
  compactHead,
  compactValueLength,
  keyStartsWithProducer,
  keyWithoutProducerError,
  writeCompactValue,
} from './record-compact';
import { decimalLength, writeDecimal } from './decimal-bytes';
import { counterProblem, identifierProblem } from './identifier';
import { RECORD_FORMAT_VERSION, type RecordEncoding, type TestRecordMeta } from './record-format';
import { writeHeaders } from './record-headers';
import { SINGLE_HEADER } from './record-single-header';
import { checkedEncoding, checkedKey, type EncodedRecord } from './record';

const KEY_LENGTH_TEXTS = Array.from({ length: 256 }, (_, n) => `${n};`);
/** Per byte value, its two lowercase hex digits as ASCII codes (formatChecksum's spelling). */
const HEX_CODES = Uint8Array.from({ length: 512 }, (_, i) => '0123456789abcdef'.charCodeAt(i % 2 === 0 ? (i >> 1) >> 4 : (i >> 1) & 15));
const SEMICOLON = 0x3b;
/** Bytes of the meta text besides the shared start and the numbers: four ';' after the counters, two checksums of 8 hex digits and their ';'. */
const FIXED_TEXT_BYTES = 4 + 2 * 9;

/** One record of a RecordEncoder's stream: the fields that change from record to record. */
export interface StreamRecord {
  readonly keyEpoch: number;
  readonly seq: number;
  readonly sendTimeUs: number;
  readonly scheduledTimeUs?: number;
  /** The key's bytes from `RecordEncoder.keyBytes` (checked once per key). */
  readonly key: Buffer;
  readonly payload: Buffer;
  /** The payload's CRC-32 when the payload source already knows it (PayloadSource.lastChecksum); computed when absent. */
  readonly payloadChecksum?: number;
}

/**
 * `encodeRecord` for one producer's stream of records, byte for byte (record-encoder.property.test.ts), at a
 * fraction of its cost per record: what every record shares (scenario and producer ids, encoding) is checked and
 * written once, each key is checked once (`keyBytes`), the meta text is written straight into the record's bytes
 * (numbers as digits, no string made: decimal-bytes.ts), its checksum continues a CRC-32 of the shared start over only
 * the record's own bytes (crc32.ts), and a payload's CRC-32 can come from the payload source's cache. The producer encodes every
 * record it sends with one of these; `encodeRecord` stays for everything else.
 */
export class RecordEncoder {
  /** `ml<version>;<scenarioId>;<producerId>;`: the start of every record's meta text. */
  private readonly head: Buffer;
  /** The CRC-32 of `head`: every meta checksum continues from it. */
  private readonly headSum: number;
  private readonly producerBytes: Buffer;
  /** What starts every compact header of this producer (record-compact.ts). */
  private readonly compactHead: Buffer;
  private readonly compactHeadSum: number;
  /** The one object compactHeader hands out. */
  private header: CompactHeader | undefined;

  constructor(
    private readonly ids: { readonly scenarioId: string; readonly producerId: string },
    private readonly encoding: RecordEncoding = 'headers',
  ) {
    checkedEncoding(encoding);
    for (const field of ['scenarioId', 'producerId'] as const) {
      const problem = identifierProblem(ids[field]);
      if (problem !== undefined) throw new RecordEncodeError('invalid_record_meta', `meta.${field}`, problem);
    }
    this.head = Buffer.from(`ml${RECORD_FORMAT_VERSION};${ids.scenarioId};${ids.producerId};`);
    this.headSum = crc32(this.head);
    this.producerBytes = Buffer.from(ids.producerId);
    this.compactHead = compactHead(Buffer.from(ids.scenarioId), this.producerBytes);
    this.compactHeadSum = crc32(this.compactHead);
  }

  /** A key's bytes, checked as encodeRecord checks keys (throws RecordEncodeError); keep them for the key's records. */
  keyBytes(key: string): Buffer {
    return checkedKey(key);
  }

  /**
   * The compact encoding's `mb` header of a record, to be written straight into the caller's buffer (the producer's
   * batch for the client) instead of a buffer of its own: checked as `encode` checks it; the record's value is its
   * payload and its key `key`. The header is one object reused by every call (and by `encode` of a compact record): valid until the next.
   */
  compactHeader(
    keyEpoch: number,
    seq: number,
    sendTimeUs: number,
    scheduledTimeUs: number | undefined,
    key: Buffer,
    payloadChecksum: number,
  ): CompactHeader {
    if (this.encoding !== 'compact')
      throw new RecordEncodeError('invalid_record_meta', 'encoding', `compactHeader needs the compact encoding, not ${this.encoding}`);
    checkStreamRecord(keyEpoch, seq, sendTimeUs, scheduledTimeUs, key);
    if (!isChecksum(payloadChecksum))
      throw new RecordEncodeError(
        'invalid_record_meta',
        'payloadChecksum',
        `expected a CRC-32 (an integer in [0, 2^32)), got ${payloadChecksum}`,
      );
    if (!keyStartsWithProducer(key, this.producerBytes)) throw keyWithoutProducerError(this.ids.producerId);
    const h = (this.header ??= new CompactHeader(this.compactHead, this.compactHeadSum));
    h.keyEpoch = keyEpoch;
    h.seq = seq;
    h.sendTimeUs = sendTimeUs;
    h.scheduledTimeUs = scheduledTimeUs;
    h.key = key;
    h.payloadChecksum = payloadChecksum;
    h.length = compactValueLength(this.compactHead.length, keyEpoch, seq, sendTimeUs, scheduledTimeUs);
    return h;
  }

  encode(r: StreamRecord): EncodedRecord {
    const { keyEpoch, seq, sendTimeUs, scheduledTimeUs: scheduled, key, payload } = r;
    checkStreamRecord(keyEpoch, seq, sendTimeUs, scheduled, key);
    const payloadSum = r.payloadChecksum ?? crc32(payload);
    if (this.encoding === 'compact') {
      const h = this.compactHeader(keyEpoch, seq, sendTimeUs, scheduled, key, payloadSum);
      const value = Buffer.allocUnsafe(h.length);
      h.writeInto(value, 0);
      return { key, value: payload, headers: { [COMPACT_HEADER]: value } };
    }
    // metaChecksum's line is the meta text followed by the key's length; then the key's bytes.
    const keyLengthText = KEY_LENGTH_TEXTS[key.length] ?? `${key.length};`;
    if (this.encoding === 'headers') {
      const fields = `${keyEpoch};${seq};${sendTimeUs};${scheduled ?? ''};`;
      const metaSum = crc32Bytes(crc32Ascii(crc32Ascii(this.headSum, fields), keyLengthText), key);
      const meta: TestRecordMeta = {
        scenarioId: this.ids.scenarioId,
        producerId: this.ids.producerId,
        keyEpoch,
        seq,
        sendTimeUs,
        ...(scheduled === undefined ? {} : { scheduledTimeUs: scheduled }),
      };
      return { key, value: payload, headers: writeHeaders(meta, metaSum, payloadSum) };
    }
    // The meta text, `ml<version>;<scenarioId>;<producerId>;<keyEpoch>;<seq>;<sendTimeUs>;<scheduledTimeUs>;<meta
    // checksum>;<payload checksum>;`, written as bytes: the header's value, or the start of the value before the payload.
    const head = this.head;
    const textLength =
      head.length +
      decimalLength(keyEpoch) +
      decimalLength(seq) +
      decimalLength(sendTimeUs) +
      (scheduled === undefined ? 0 : decimalLength(scheduled)) +
      FIXED_TEXT_BYTES;
    const single = this.encoding === 'single-header';
    const out = Buffer.allocUnsafe(single ? textLength : textLength + payload.length);
    out.set(head, 0);
    let at = writeDecimal(out, head.length, keyEpoch);
    out[at++] = SEMICOLON;
    at = writeDecimal(out, at, seq);
    out[at++] = SEMICOLON;
    at = writeDecimal(out, at, sendTimeUs);
    out[at++] = SEMICOLON;
    if (scheduled !== undefined) at = writeDecimal(out, at, scheduled);
    out[at++] = SEMICOLON;
    const metaSum = crc32Bytes(crc32Ascii(crc32Bytes(this.headSum, out, head.length, at), keyLengthText), key);
    at = writeHex(out, at, metaSum);
    out[at++] = SEMICOLON;
    at = writeHex(out, at, payloadSum);
    out[at] = SEMICOLON;
    if (single) return { key, value: payload, headers: { [SINGLE_HEADER]: out } };
    out.set(payload, textLength);
    return { key, value: out, headers: {} };
  }
}

/** One record's compact `mb` header, written into a caller's buffer (RecordEncoder.compactHeader). */
export class CompactHeader {
  readonly name = COMPACT_HEADER;
  /** The header value's bytes. */
  length = 0;
  keyEpoch = 0;
  seq = 0;
  sendTimeUs = 0;
  scheduledTimeUs: number | undefined = undefined;
  key: Buffer = Buffer.alloc(0);
  payloadChecksum = 0;

  constructor(
    private readonly head: Buffer,
    private readonly headSum: number,
  ) {}

  /** Writes the header's value at `at` of `out`, which has room for `length` bytes there. */
  writeInto(out: Uint8Array, at: number): void {
    writeCompactValue(
      out,
      at,
      this.head,
      this.headSum,
      this.keyEpoch,
      this.seq,
      this.sendTimeUs,
      this.scheduledTimeUs,
      this.key,
      this.payloadChecksum,
    );
  }
}

/** encode's checks of the fields every encoding writes (the fast checks first; counterProblem words the error). */
function checkStreamRecord(keyEpoch: number, seq: number, sendTimeUs: number, scheduled: number | undefined, key: Buffer): void {
  if (!isCounter(keyEpoch)) throw counterError('keyEpoch', keyEpoch);
  if (!isCounter(seq)) throw counterError('seq', seq);
  if (!isCounter(sendTimeUs)) throw counterError('sendTimeUs', sendTimeUs);
  if (scheduled !== undefined && !isCounter(scheduled)) throw counterError('scheduledTimeUs', scheduled);
  if (!Buffer.isBuffer(key) || key.length === 0) {
    throw new RecordEncodeError('invalid_record_key', 'key', 'expected the bytes of a key from RecordEncoder.keyBytes');
  }
}

function isChecksum(v: number): boolean {
  return Number.isInteger(v) && v >= 0 && v <= 0xffff_ffff;
}

function isCounter(v: number): boolean {
  return Number.isSafeInteger(v) && v >= 0;
}

function counterError(field: string, v: number): RecordEncodeError {
  return new RecordEncodeError('invalid_record_meta', `meta.${field}`, counterProblem(v)!);
}

/** A checksum as 8 lowercase hex digits at `at` (formatChecksum's spelling); the index after them. */
function writeHex(out: Uint8Array, at: number, checksum: number): number {
  for (let shift = 24; shift >= 0; shift -= 8) {
    const b = ((checksum >>> shift) & 255) << 1;
    out[at++] = HEX_CODES[b]!;
    out[at++] = HEX_CODES[b + 1]!;
  }
  return at;
}
