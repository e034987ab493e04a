import { Buffer } from 'node:buffer';
import { crc32 } from 'node:zlib';
import { RecordEncodeError } from './errors';
import { counterProblem, identifierProblem } from './identifier';
import { formatChecksum, RECORD_FORMAT_VERSION, type RecordEncoding, type TestRecordMeta } from './record-format';
import { writeHeaders } from './record-headers';
import { SINGLE_HEADER } from './record-single-header';
import { checkedEncoding, checkedKey, type EncodedRecord } from './record';

const KEY_LENGTH_TEXTS = Array.from({ length: 256 }, (_, n) => `${n};`);

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
 * written once, each key is checked once (`keyBytes`), the meta checksum is taken over the record's own text instead
 * of a second copy of it, and a payload's CRC-32 can come from the payload source's cache. The producer encodes every
 * record it sends with one of these; `encodeRecord` stays for everything else.
 */
export class RecordEncoder {
  /** `ml<version>;<scenarioId>;<producerId>;`: the start of every record's meta text. */
  private readonly head: string;

  constructor(
    private readonly ids: { readonly scenarioId: string; readonly producerId: string },
    private readonly encoding: RecordEncoding = 'headers',
  ) {
    checkedEncoding(encoding);
    for (const field of ['scenarioId', 'producerId'] as const) {
      const problem = identifierProblem(ids[field]);
      if (problem !== undefined) throw new RecordEncodeError('invalid_record_meta', `meta.${field}`, problem);
    }
    this.head = `ml${RECORD_FORMAT_VERSION};${ids.scenarioId};${ids.producerId};`;
  }

  /** A key's bytes, checked as encodeRecord checks keys (throws RecordEncodeError); keep them for the key's records. */
  keyBytes(key: string): Buffer {
    return checkedKey(key);
  }

  encode(r: StreamRecord): EncodedRecord {
    for (const field of ['keyEpoch', 'seq', 'sendTimeUs'] as const) {
      const v = r[field];
      // The fast check first; counterProblem words the error.
      if (!(Number.isSafeInteger(v) && v >= 0)) throw new RecordEncodeError('invalid_record_meta', `meta.${field}`, counterProblem(v)!);
    }
    const scheduled = r.scheduledTimeUs;
    if (scheduled !== undefined && !(Number.isSafeInteger(scheduled) && scheduled >= 0)) {
      throw new RecordEncodeError('invalid_record_meta', 'meta.scheduledTimeUs', counterProblem(scheduled)!);
    }
    if (!Buffer.isBuffer(r.key) || r.key.length === 0) {
      throw new RecordEncodeError('invalid_record_key', 'key', 'expected the bytes of a key from RecordEncoder.keyBytes');
    }
    const metaText = `${this.head}${r.keyEpoch};${r.seq};${r.sendTimeUs};${scheduled ?? ''};`;
    // metaChecksum's line is the meta text followed by the key's length; then the key's bytes.
    const metaSum = crc32(r.key, crc32(metaText + (KEY_LENGTH_TEXTS[r.key.length] ?? `${r.key.length};`)));
    const payloadSum = r.payloadChecksum ?? crc32(r.payload);
    if (this.encoding === 'headers') {
      const meta: TestRecordMeta = {
        scenarioId: this.ids.scenarioId,
        producerId: this.ids.producerId,
        keyEpoch: r.keyEpoch,
        seq: r.seq,
        sendTimeUs: r.sendTimeUs,
        ...(scheduled === undefined ? {} : { scheduledTimeUs: scheduled }),
      };
      return { key: r.key, value: r.payload, headers: writeHeaders(meta, metaSum, payloadSum) };
    }
    const text = `${metaText}${formatChecksum(metaSum)};${formatChecksum(payloadSum)};`;
    if (this.encoding === 'single-header') return { key: r.key, value: r.payload, headers: { [SINGLE_HEADER]: Buffer.from(text) } };
    const textLength = Buffer.byteLength(text);
    const value = Buffer.allocUnsafe(textLength + r.payload.length);
    value.write(text, 0, 'utf8');
    value.set(r.payload, textLength);
    return { key: r.key, value, headers: {} };
  }
}
