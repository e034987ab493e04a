import { Buffer, isUtf8 } from 'node:buffer';
import type { RecordDecodeError, RecordDecodeReason } from './errors';
import { identifierProblem } from './identifier';
import { knownId, rememberId } from './known-ids';
import {
  checksumFromBytes,
  counterFromBytes,
  decodeError,
  excerpt,
  formatChecksum,
  parseCounter,
  RECORD_FORMAT_VERSION,
  type TestRecordMeta,
  type WrittenMeta,
} from './record-format';

/**
 * The prefix text, shared by two encodings:
 *   ml<version>;<scenarioId>;<producerId>;<keyEpoch>;<seq>;<sendTimeUs>;<scheduledTimeUs>;<meta crc32 hex>;<payload crc32 hex>;
 * `value-prefix` (for replicators that drop headers) writes it before the payload
 * in the value; `single-header` writes it alone as the value of one Kafka header.
 * `scheduledTimeUs` is empty when the producer set none. Ids are UTF-8 and may
 * not contain ';' (the id rule forbids it rather than escaping it), so the prefix
 * is a plain split on ';' and the payload starts right after the ninth ';'
 * whatever bytes it holds.
 */

const SEMICOLON = 0x3b;
const LOWER_M = 0x6d;
const LOWER_L = 0x6c;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
/** Versions are small; a longer digit run after "ml" is someone else's data. */
const MAX_VERSION_DIGITS = 3;

const FIELDS = ['scenarioId', 'producerId', 'keyEpoch', 'seq', 'sendTimeUs', 'scheduledTimeUs', 'metaChecksum', 'payloadChecksum'] as const;

/**
 * Where the prefix text was read from, so errors name the right place: in a value the
 * fields are named alone (`seq`); in the single header they are named under the
 * header (`ml.seq`) and reported as a malformed header.
 */
export interface PrefixSite {
  readonly reason: Extract<RecordDecodeReason, 'malformed_prefix' | 'malformed_header'>;
  /** What the text is, for messages: "prefix" or "header". */
  readonly noun: string;
  /** Prepended to a field's name; empty for the value prefix. */
  readonly fieldPrefix: string;
}

export const VALUE_PREFIX_SITE: PrefixSite = Object.freeze({ reason: 'malformed_prefix', noun: 'prefix', fieldPrefix: '' });

/** The prefix text of a record (see above), ending with the ';' after the payload checksum. */
export function prefixText(meta: TestRecordMeta, metaChecksum: number, payloadChecksum: number): string {
  return (
    `ml${RECORD_FORMAT_VERSION};${meta.scenarioId};${meta.producerId};` +
    `${meta.keyEpoch};${meta.seq};${meta.sendTimeUs};${meta.scheduledTimeUs ?? ''};` +
    `${formatChecksum(metaChecksum)};${formatChecksum(payloadChecksum)};`
  );
}

export function writePrefixed(meta: TestRecordMeta, metaChecksum: number, payloadChecksum: number, payload: Uint8Array): Buffer {
  const prefix = prefixText(meta, metaChecksum, payloadChecksum);
  const prefixLength = Buffer.byteLength(prefix);
  const value = Buffer.allocUnsafe(prefixLength + payload.length);
  value.write(prefix, 0, 'utf8');
  value.set(payload, prefixLength);
  return value;
}

/**
 * Length of the `ml<digits>;` marker at the start of `value`, or 0 when there is
 * none (a foreign record). A marker with an unknown version still counts as ours.
 */
export function prefixMarkerLength(value: Uint8Array): number {
  if (value.length < 4 || value[0] !== LOWER_M || value[1] !== LOWER_L) return 0;
  let i = 2;
  while (i < value.length && i - 2 <= MAX_VERSION_DIGITS && value[i] >= DIGIT_0 && value[i] <= DIGIT_9) i++;
  const digits = i - 2;
  return digits >= 1 && digits <= MAX_VERSION_DIGITS && value[i] === SEMICOLON ? i + 1 : 0;
}

/**
 * Reads the prefix text at the start of `value`, which starts with a marker (see
 * prefixMarkerLength); `payloadStart` is the index right after its last ';'.
 */
export function readPrefix(
  value: Buffer,
  markerLength: number,
  site: PrefixSite = VALUE_PREFIX_SITE,
): (WrittenMeta & { payloadStart: number }) | RecordDecodeError {
  const versionField = `${site.fieldPrefix}version`;
  const version = parseCounter(value.toString('latin1', 2, markerLength - 1));
  if (version !== RECORD_FORMAT_VERSION) {
    return version === undefined
      ? decodeError(
          site.reason,
          versionField,
          `expected a format version number, got ${excerpt(value.toString('latin1', 2, markerLength - 1))}`,
        )
      : decodeError(
          'unsupported_version',
          versionField,
          `format version ${version} is not supported (this build reads version ${RECORD_FORMAT_VERSION}); run producers and validators from the same release`,
        );
  }
  // Find the 8 fields' ends first, then read numbers straight from the bytes (no string
  // per field: this runs once per consumed record); only ids and error messages make strings.
  const ends: number[] = [];
  let start = markerLength;
  for (const field of FIELDS) {
    const end = value.indexOf(SEMICOLON, start);
    if (end < 0) return fieldError(site, field, `${site.noun} ends before this field (no ';' after byte ${start})`);
    ends.push(end);
    start = end + 1;
  }
  const scenarioId = idField(value, markerLength, ends[0], site, 'scenarioId');
  if (typeof scenarioId !== 'string') return scenarioId;
  const producerId = idField(value, ends[0] + 1, ends[1], site, 'producerId');
  if (typeof producerId !== 'string') return producerId;
  const keyEpoch = counterField(value, ends[1] + 1, ends[2], site, 'keyEpoch');
  if (typeof keyEpoch !== 'number') return keyEpoch;
  const seq = counterField(value, ends[2] + 1, ends[3], site, 'seq');
  if (typeof seq !== 'number') return seq;
  const sendTimeUs = counterField(value, ends[3] + 1, ends[4], site, 'sendTimeUs');
  if (typeof sendTimeUs !== 'number') return sendTimeUs;
  // An empty scheduled time means the producer set none.
  const scheduledTimeUs = ends[5] === ends[4] + 1 ? undefined : counterField(value, ends[4] + 1, ends[5], site, 'scheduledTimeUs');
  if (scheduledTimeUs !== undefined && typeof scheduledTimeUs !== 'number') return scheduledTimeUs;
  const metaChecksum = checksumField(value, ends[5] + 1, ends[6], site, 'metaChecksum');
  if (typeof metaChecksum !== 'number') return metaChecksum;
  const payloadChecksum = checksumField(value, ends[6] + 1, ends[7], site, 'payloadChecksum');
  if (typeof payloadChecksum !== 'number') return payloadChecksum;
  const base = { scenarioId, producerId, keyEpoch, seq, sendTimeUs };
  return {
    meta: scheduledTimeUs === undefined ? base : { ...base, scheduledTimeUs },
    metaChecksum,
    payloadChecksum,
    metaText: value.subarray(0, ends[5] + 1),
    payloadStart: start,
  };
}

/** The field's text, or the error that it is not UTF-8. */
function fieldText(value: Buffer, start: number, end: number, site: PrefixSite, field: string): string | RecordDecodeError {
  const bytes = value.subarray(start, end);
  return isUtf8(bytes) ? bytes.toString('utf8') : fieldError(site, field, 'field is not valid UTF-8');
}

function idField(value: Buffer, start: number, end: number, site: PrefixSite, field: string): string | RecordDecodeError {
  const known = knownId(value, start, end);
  if (known !== undefined) return known;
  const text = fieldText(value, start, end, site, field);
  if (typeof text !== 'string') return text;
  const problem = identifierProblem(text);
  if (problem !== undefined) return fieldError(site, field, problem);
  rememberId(value, start, end, text);
  return text;
}

function counterField(value: Buffer, start: number, end: number, site: PrefixSite, field: string): number | RecordDecodeError {
  const fast = counterFromBytes(value, start, end);
  if (fast !== undefined) return fast;
  const text = fieldText(value, start, end, site, field);
  return typeof text !== 'string' ? text : fieldError(site, field, `expected a non-negative decimal integer, got ${excerpt(text)}`);
}

function checksumField(value: Buffer, start: number, end: number, site: PrefixSite, field: string): number | RecordDecodeError {
  const fast = checksumFromBytes(value, start, end);
  if (fast !== undefined) return fast;
  const text = fieldText(value, start, end, site, field);
  return typeof text !== 'string' ? text : fieldError(site, field, `expected 8 lowercase hex digits, got ${excerpt(text)}`);
}

function fieldError(site: PrefixSite, field: string, problem: string): RecordDecodeError {
  return decodeError(site.reason, `${site.fieldPrefix}${field}`, problem);
}
