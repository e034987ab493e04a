import { decodeRecord, encodeRecord, type RecordDecodeResult } from './record';
import type { TestRecordMeta } from './record-format';
import { SINGLE_HEADER } from './record-single-header';

const meta: TestRecordMeta = {
  scenarioId: 'broker-kill-3',
  producerId: 'producer/7.a-b',
  keyEpoch: 3,
  seq: 42,
  sendTimeUs: 1_700_000_000_123_456,
};
const key = 'producer/7.a-b/e3/k5-811';
const payload = Buffer.from('hello; world');

type Headers = Record<string, Buffer | string | (Buffer | string)[] | undefined>;

function singleHeaderRecord(): { key: Buffer; value: Buffer; headers: Headers } {
  const encoded = encodeRecord({ meta, key, payload, encoding: 'single-header' });
  return { ...encoded, headers: { ...encoded.headers } };
}

/** The header's text with `edit` applied, as a consumer would hand it back. */
function withHeaderText(edit: (text: string) => string): { key: Buffer; value: Buffer; headers: Headers } {
  const record = singleHeaderRecord();
  record.headers[SINGLE_HEADER] = Buffer.from(edit((record.headers[SINGLE_HEADER] as Buffer).toString()));
  return record;
}

function errorOf(result: RecordDecodeResult): { reason: string; field?: string; message: string } | 'ok' {
  return result.ok ? 'ok' : result.error;
}

describe('single-header encoding', () => {
  test('ids read again from the same bytes are the same ids; other bytes of the same length are read for what they are', () => {
    // The decoder remembers the ids it read last (record-prefix.ts): a remembered id must never answer for other bytes.
    const decodeWith = (producerId: string) => {
      const encoded = encodeRecord({ meta: { ...meta, producerId }, key, payload, encoding: 'single-header' });
      return decodeRecord(encoded);
    };
    for (const producerId of ['producer-1', 'producer-2', 'producer-1', 'producer-é', 'producer-2']) {
      const result = decodeWith(producerId);
      expect(result.ok && result.record.meta.producerId).toBe(producerId);
    }
    // An id that breaks the id rule is refused every time it is read, even after a valid one of the same length.
    const controlCharacter = () => errorOf(decodeRecord(withHeaderText((text) => text.replace('producer/7.a-b', 'producer/7.a-\u0001'))));
    expect(decodeWith('producer/7.a-c').ok).toBe(true);
    for (let i = 0; i < 2; i++) expect(controlCharacter()).toMatchObject({ reason: 'malformed_header', field: 'ml.producerId' });
  });

  test('one header "ml" holding exactly the value-prefix text; the value is the payload untouched', () => {
    const encoded = encodeRecord({ meta, key, payload, encoding: 'single-header' });
    const prefixed = encodeRecord({ meta, key, payload, encoding: 'value-prefix' }).value;
    expect(Object.keys(encoded.headers)).toEqual(['ml']);
    expect(encoded.headers.ml.toString()).toBe(prefixed.subarray(0, prefixed.length - payload.length).toString());
    expect(encoded.headers.ml.toString()).toMatch(/^ml2;broker-kill-3;producer\/7\.a-b;3;42;1700000000123456;;[0-9a-f]{8};[0-9a-f]{8};$/);
    expect(encoded.value.equals(payload)).toBe(true);
  });

  test('the scheduled time travels in the header too', () => {
    const scheduled = { ...meta, scheduledTimeUs: 1_700_000_000_100_000 };
    const encoded = encodeRecord({ meta: scheduled, key, payload, encoding: 'single-header' });
    expect(encoded.headers.ml.toString()).toContain(';1700000000123456;1700000000100000;');
    const result = decodeRecord(encoded);
    expect(result.ok && result.record.meta).toEqual(scheduled);
  });

  test('the header wins over a payload that looks like a value prefix', () => {
    const lookalike = Buffer.from('ml2;x;y;1;2;3;;00000000;00000000;');
    const result = decodeRecord(encodeRecord({ meta, key, payload: lookalike, encoding: 'single-header' }));
    expect(result.ok && result.record).toMatchObject({ encoding: 'single-header', payloadLength: lookalike.length, meta });
  });

  test('accepts the header as a string and as a one-element array, as kafkajs may deliver it', () => {
    const asString = singleHeaderRecord();
    asString.headers.ml = (asString.headers.ml as Buffer).toString();
    expect(errorOf(decodeRecord(asString))).toBe('ok');
    const asArray = singleHeaderRecord();
    asArray.headers.ml = [asArray.headers.ml as Buffer];
    expect(errorOf(decodeRecord(asArray))).toBe('ok');
  });

  test('application headers beside it are ignored', () => {
    const record = singleHeaderRecord();
    record.headers.traceparent = '00-abc';
    expect(errorOf(decodeRecord(record))).toBe('ok');
  });

  test.each<[string, (text: string) => string, string, RegExp]>([
    ['cut right after the seq digits', (t) => t.slice(0, t.indexOf(';1700000000123456')), 'ml.seq', /header ends before this field/],
    ['cut inside the payload checksum', (t) => t.slice(0, -4), 'ml.payloadChecksum', /header ends before this field/],
    ['without its last separator', (t) => t.slice(0, -1), 'ml.payloadChecksum', /header ends before this field/],
    ['empty', () => '', 'ml', /expected the mirrorlab record text/],
    ['not starting with the marker', (t) => `x${t.slice(1)}`, 'ml', /expected the mirrorlab record text/],
    ['a letter in seq', (t) => t.replace(';42;', ';4x;'), 'ml.seq', /non-negative decimal integer, got "4x"/],
    ['a leading zero in the epoch', (t) => t.replace(';3;42;', ';03;42;'), 'ml.keyEpoch', /non-negative decimal integer/],
    [
      'an uppercase meta checksum',
      (t) => t.replace(/;([0-9a-f]{8});([0-9a-f]{8});$/, (_, a, b) => `;${a.toUpperCase()}A;${b};`),
      'ml.metaChecksum',
      /hex/,
    ],
    ['a letter in the scheduled time', (t) => t.replace(';1700000000123456;;', ';1700000000123456;x;'), 'ml.scheduledTimeUs', /integer/],
    ['an empty producer id', (t) => t.replace(';producer/7.a-b;', ';;'), 'ml.producerId', /.+/],
    ['bytes after the last field', (t) => `${t}payload`, 'ml', /7 unexpected byte\(s\) after the payload checksum/],
    ['a version that is not a number', (t) => t.replace(/^ml2;/, 'ml2x;'), 'ml', /expected the mirrorlab record text/],
  ])('malformed_header naming the field: %s', (_, edit, field, problem) => {
    const error = errorOf(decodeRecord(withHeaderText(edit)));
    expect(error).toEqual({ reason: 'malformed_header', field, message: expect.stringMatching(problem) });
    expect(error !== 'ok' && error.message.startsWith(`${field}: `)).toBe(true);
  });

  test('unsupported_version from a newer producer names ml.version', () => {
    expect(errorOf(decodeRecord(withHeaderText((t) => t.replace(/^ml2;/, 'ml3;'))))).toEqual({
      reason: 'unsupported_version',
      field: 'ml.version',
      message: expect.stringContaining('format version 3 is not supported'),
    });
  });

  test.each<[string, unknown, RegExp]>([
    ['repeated', [Buffer.from('a'), Buffer.from('b')], /appears 2 times/],
    ['an empty list', [], /header is missing/],
    ['null', null, /no value/],
    ['undefined', undefined, /no value/],
  ])('malformed_header when the header is %s', (_, value, problem) => {
    const record = singleHeaderRecord();
    // null is not in the consumer's type, but a client could hand it over.
    record.headers.ml = value as Headers[string];
    expect(errorOf(decodeRecord(record))).toEqual({ reason: 'malformed_header', field: 'ml', message: expect.stringMatching(problem) });
  });

  test('the single header and ml-* headers together are malformed, not guessed at', () => {
    const record = singleHeaderRecord();
    Object.assign(record.headers, encodeRecord({ meta, key, payload, encoding: 'headers' }).headers);
    expect(errorOf(decodeRecord(record))).toEqual({
      reason: 'malformed_header',
      field: 'ml',
      message: expect.stringContaining('more than one of the single header'),
    });
  });

  test('checksum_mismatch when a meta digit flips inside the header (no identity given)', () => {
    const result = decodeRecord(withHeaderText((t) => t.replace(';42;', ';43;')));
    expect(result).toEqual({
      ok: false,
      error: { reason: 'checksum_mismatch', field: 'metaChecksum', message: expect.stringContaining('identity was altered') },
    });
  });

  test('missing_value when the header comes with a null value', () => {
    expect(errorOf(decodeRecord({ ...singleHeaderRecord(), value: null }))).toMatchObject({ reason: 'missing_value' });
  });

  test('a header renamed away from "ml" leaves a record that is not ours (foreign)', () => {
    const record = singleHeaderRecord();
    record.headers.mm = record.headers.ml;
    delete record.headers.ml;
    expect(errorOf(decodeRecord(record))).toMatchObject({ reason: 'foreign' });
  });
});
