import { Buffer, isUtf8 } from 'node:buffer';
import type { RecordDecodeError } from './errors';
import { identifierProblem } from './identifier';
import { knownId, rememberId } from './known-ids';
import {
  checksumFromBytes,
  counterFromBytes,
  decodeError,
  excerpt,
  formatChecksum,
  parseChecksum,
  parseCounter,
  RECORD_FORMAT_VERSION,
  type TestRecordMeta,
  type WrittenMeta,
} from './record-format';
import { COMPACT_HEADER } from './record-compact';
import { SINGLE_HEADER } from './record-single-header';

/**
 * The `headers` encoding: meta in Kafka headers, value = payload untouched.
 * Names are short because they are repeated in every record on the wire, and
 * prefixed `ml-` so they cannot collide with an application's headers.
 */
export const RECORD_HEADERS = {
  version: 'ml-v',
  scenarioId: 'ml-sc',
  producerId: 'ml-p',
  keyEpoch: 'ml-e',
  seq: 'ml-s',
  sendTimeUs: 'ml-t',
  /** Only written when the producer sets a scheduled time. */
  scheduledTimeUs: 'ml-st',
  /** CRC-32 of meta and key (the identity). */
  metaChecksum: 'ml-c',
  /** CRC-32 of the payload. */
  payloadChecksum: 'ml-pc',
} as const;

const MARKER = 'ml-';

/** A header value as kafkajs hands it to consumers (IHeaders). */
export type HeaderValue = Uint8Array | string;
export type ConsumedHeaders = Readonly<Record<string, HeaderValue | readonly HeaderValue[] | undefined>>;

const VERSION_BYTES = Buffer.from(String(RECORD_FORMAT_VERSION));

export function writeHeaders(meta: TestRecordMeta, metaChecksum: number, payloadChecksum: number): Record<string, Buffer> {
  const headers: Record<string, Buffer> = {
    [RECORD_HEADERS.version]: VERSION_BYTES,
    [RECORD_HEADERS.scenarioId]: Buffer.from(meta.scenarioId),
    [RECORD_HEADERS.producerId]: Buffer.from(meta.producerId),
    [RECORD_HEADERS.keyEpoch]: Buffer.from(String(meta.keyEpoch)),
    [RECORD_HEADERS.seq]: Buffer.from(String(meta.seq)),
    [RECORD_HEADERS.sendTimeUs]: Buffer.from(String(meta.sendTimeUs)),
  };
  if (meta.scheduledTimeUs !== undefined) headers[RECORD_HEADERS.scheduledTimeUs] = Buffer.from(String(meta.scheduledTimeUs));
  headers[RECORD_HEADERS.metaChecksum] = Buffer.from(formatChecksum(metaChecksum));
  headers[RECORD_HEADERS.payloadChecksum] = Buffer.from(formatChecksum(payloadChecksum));
  return headers;
}

/**
 * Which header encoding a record's header names say it carries: `ml` is the single
 * header, `mb` the compact one, any `ml-*` the headers encoding; `both` (more than one of
 * these) cannot come from one producer. One pass over the names, so a foreign record with
 * many headers costs one loop.
 */
export function headerEncodingOf(headers: ConsumedHeaders | null | undefined): 'none' | 'headers' | 'single-header' | 'compact' | 'both' {
  if (headers === null || typeof headers !== 'object') return 'none';
  let single = false;
  let compact = false;
  let multi = false;
  for (const name in headers) {
    if (!Object.hasOwn(headers, name)) continue;
    if (name === SINGLE_HEADER) single = true;
    else if (name === COMPACT_HEADER) compact = true;
    else if (name.startsWith(MARKER)) multi = true;
  }
  const found = (single ? 1 : 0) + (compact ? 1 : 0) + (multi ? 1 : 0);
  if (found > 1) return 'both';
  return single ? 'single-header' : compact ? 'compact' : multi ? 'headers' : 'none';
}

type TextRead = { text: string } | RecordDecodeError;

export function readHeaders(headers: ConsumedHeaders): WrittenMeta | RecordDecodeError {
  // Version first: a future version may use other headers, and should be reported as such.
  const versionBytes = headerBytes(headers, RECORD_HEADERS.version);
  let versionNumber = versionBytes === undefined ? undefined : counterFromBytes(versionBytes, 0, versionBytes.length);
  if (versionNumber === undefined) {
    const version = headerText(headers, RECORD_HEADERS.version);
    if (!('text' in version)) return version;
    versionNumber = parseCounter(version.text);
    if (versionNumber === undefined) {
      return malformed(RECORD_HEADERS.version, `expected a format version number, got ${excerpt(version.text)}`);
    }
  }
  if (versionNumber !== RECORD_FORMAT_VERSION) {
    return decodeError(
      'unsupported_version',
      RECORD_HEADERS.version,
      `format version ${versionNumber} is not supported (this build reads version ${RECORD_FORMAT_VERSION}); run producers and validators from the same release`,
    );
  }
  const scenarioId = headerId(headers, RECORD_HEADERS.scenarioId);
  if (!('text' in scenarioId)) return scenarioId;
  const producerId = headerId(headers, RECORD_HEADERS.producerId);
  if (!('text' in producerId)) return producerId;
  const keyEpoch = headerCounter(headers, RECORD_HEADERS.keyEpoch);
  if (typeof keyEpoch !== 'number') return keyEpoch;
  const seq = headerCounter(headers, RECORD_HEADERS.seq);
  if (typeof seq !== 'number') return seq;
  const sendTimeUs = headerCounter(headers, RECORD_HEADERS.sendTimeUs);
  if (typeof sendTimeUs !== 'number') return sendTimeUs;
  let scheduledTimeUs: number | undefined;
  if (Object.hasOwn(headers, RECORD_HEADERS.scheduledTimeUs)) {
    const read = headerCounter(headers, RECORD_HEADERS.scheduledTimeUs);
    if (typeof read !== 'number') return read;
    scheduledTimeUs = read;
  }
  const metaChecksum = headerChecksum(headers, RECORD_HEADERS.metaChecksum);
  if (typeof metaChecksum !== 'number') return metaChecksum;
  const payloadChecksum = headerChecksum(headers, RECORD_HEADERS.payloadChecksum);
  if (typeof payloadChecksum !== 'number') return payloadChecksum;
  const base = { scenarioId: scenarioId.text, producerId: producerId.text, keyEpoch, seq, sendTimeUs };
  const meta = scheduledTimeUs === undefined ? base : { ...base, scheduledTimeUs };
  const metaText = writtenMetaText(headers, scheduledTimeUs !== undefined);
  return metaText === undefined ? { meta, metaChecksum, payloadChecksum } : { meta, metaChecksum, payloadChecksum, metaText };
}

const META_TEXT_START = Buffer.from(`ml${RECORD_FORMAT_VERSION};`);
const META_TEXT_FIELDS = [
  RECORD_HEADERS.scenarioId,
  RECORD_HEADERS.producerId,
  RECORD_HEADERS.keyEpoch,
  RECORD_HEADERS.seq,
  RECORD_HEADERS.sendTimeUs,
  RECORD_HEADERS.scheduledTimeUs,
] as const;
const SEMICOLON = 0x3b;

/**
 * The meta text (WrittenMeta.metaText) put together from the headers' bytes, once readHeaders
 * accepted them (so each is the canonical text the encoder wrote): one copy of a few dozen bytes
 * instead of a line made again from the parsed fields. Undefined when a header came as a string.
 */
function writtenMetaText(headers: ConsumedHeaders, hasScheduledTime: boolean): Buffer | undefined {
  let length = META_TEXT_START.length;
  for (const name of META_TEXT_FIELDS) {
    if (name === RECORD_HEADERS.scheduledTimeUs && !hasScheduledTime) {
      length += 1;
      continue;
    }
    const bytes = headerBytes(headers, name);
    if (bytes === undefined) return undefined;
    length += bytes.length + 1;
  }
  const text = Buffer.allocUnsafe(length);
  text.set(META_TEXT_START, 0);
  let at = META_TEXT_START.length;
  for (const name of META_TEXT_FIELDS) {
    const bytes = name === RECORD_HEADERS.scheduledTimeUs && !hasScheduledTime ? undefined : headerBytes(headers, name);
    if (bytes !== undefined) {
      text.set(bytes, at);
      at += bytes.length;
    }
    text[at++] = SEMICOLON;
  }
  return text;
}

/**
 * The header's bytes when it is a single Uint8Array: the validator's hot path reads numbers
 * straight from them (no string per header); anything else takes the text path below.
 */
function headerBytes(headers: ConsumedHeaders, name: string): Uint8Array | undefined {
  const value = Object.hasOwn(headers, name) ? headers[name] : undefined;
  return value instanceof Uint8Array ? value : undefined;
}

function headerChecksum(headers: ConsumedHeaders, name: string): number | RecordDecodeError {
  const bytes = headerBytes(headers, name);
  const fast = bytes === undefined ? undefined : checksumFromBytes(bytes, 0, bytes.length);
  if (fast !== undefined) return fast;
  const read = headerText(headers, name);
  if (!('text' in read)) return read;
  return parseChecksum(read.text) ?? malformed(name, `expected 8 lowercase hex digits, got ${excerpt(read.text)}`);
}

function headerText(headers: ConsumedHeaders, name: string): TextRead {
  let value: unknown = Object.hasOwn(headers, name) ? headers[name] : undefined;
  if (Array.isArray(value)) {
    // A repeated header is ambiguous: we cannot tell which copy the producer meant.
    if (value.length !== 1) return malformed(name, value.length === 0 ? 'header is missing' : `header appears ${value.length} times`);
    value = value[0];
  }
  if (typeof value === 'string') return { text: value };
  if (value instanceof Uint8Array) {
    if (!isUtf8(value)) return malformed(name, 'header value is not valid UTF-8');
    return { text: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf8') };
  }
  return malformed(name, value === undefined || value === null ? 'header is missing' : `header value has type ${typeof value}`);
}

function headerId(headers: ConsumedHeaders, name: string): TextRead {
  const bytes = headerBytes(headers, name);
  const known = bytes === undefined ? undefined : knownId(bytes, 0, bytes.length);
  if (known !== undefined) return { text: known };
  const read = headerText(headers, name);
  if (!('text' in read)) return read;
  const problem = identifierProblem(read.text);
  if (problem !== undefined) return malformed(name, problem);
  if (bytes !== undefined) rememberId(bytes, 0, bytes.length, read.text);
  return read;
}

function headerCounter(headers: ConsumedHeaders, name: string): number | RecordDecodeError {
  const bytes = headerBytes(headers, name);
  const fast = bytes === undefined ? undefined : counterFromBytes(bytes, 0, bytes.length);
  if (fast !== undefined) return fast;
  const read = headerText(headers, name);
  if (!('text' in read)) return read;
  return parseCounter(read.text) ?? malformed(name, `expected a non-negative decimal integer, got ${excerpt(read.text)}`);
}

function malformed(name: string, problem: string): RecordDecodeError {
  return decodeError('malformed_header', name, problem);
}
