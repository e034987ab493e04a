import { Buffer } from 'node:buffer';
import type { RecordDecodeError } from './errors';
import { decodeError, excerpt, type TestRecordMeta, type WrittenMeta } from './record-format';
import type { ConsumedHeaders } from './record-headers';
import { prefixMarkerLength, prefixText, readPrefix, type PrefixSite } from './record-prefix';

/**
 * The `single-header` encoding: the value-prefix text (see record-prefix.ts) as the
 * value of ONE Kafka header, the record value being the payload untouched. Clients
 * pay per header (kafkajs builds each consumed record's headers object one header
 * at a time, librdkafka's binding converts each produced header through the V8
 * API), so one header instead of 8-9 is what makes header-carried meta cheap.
 * The name `ml` cannot collide with the `headers` encoding's `ml-*` names.
 */
export const SINGLE_HEADER = 'ml';

const SITE: PrefixSite = Object.freeze({ reason: 'malformed_header', noun: 'header', fieldPrefix: `${SINGLE_HEADER}.` });

export function writeSingleHeader(meta: TestRecordMeta, metaChecksum: number, payloadChecksum: number): Record<string, Buffer> {
  return { [SINGLE_HEADER]: Buffer.from(prefixText(meta, metaChecksum, payloadChecksum)) };
}

/** Reads the single header; the caller has checked that it is present (see headerEncodingOf). */
export function readSingleHeader(headers: ConsumedHeaders): WrittenMeta | RecordDecodeError {
  const bytes = headerBytes(headers[SINGLE_HEADER]);
  if (!Buffer.isBuffer(bytes)) return bytes;
  const markerLength = prefixMarkerLength(bytes);
  if (markerLength === 0) {
    return malformed(`expected the mirrorlab record text "ml<version>;...", got ${excerpt(bytes.toString('latin1', 0, 48))}`);
  }
  const read = readPrefix(bytes, markerLength, SITE);
  if ('reason' in read) return read;
  if (read.payloadStart !== bytes.length) {
    return malformed(`${bytes.length - read.payloadStart} unexpected byte(s) after the payload checksum's ';'`);
  }
  return { meta: read.meta, metaChecksum: read.metaChecksum, payloadChecksum: read.payloadChecksum, metaText: read.metaText };
}

function headerBytes(value: unknown): Buffer | RecordDecodeError {
  if (Array.isArray(value)) {
    // A repeated header is ambiguous: we cannot tell which copy the producer meant.
    if (value.length !== 1) return malformed(value.length === 0 ? 'header is missing' : `header appears ${value.length} times`);
    value = value[0];
  }
  if (value instanceof Uint8Array) {
    return Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  }
  if (typeof value === 'string') return Buffer.from(value, 'utf8');
  return malformed(value === undefined || value === null ? 'header has no value' : `header value has type ${typeof value}`);
}

function malformed(problem: string): RecordDecodeError {
  return decodeError('malformed_header', SINGLE_HEADER, problem);
}
