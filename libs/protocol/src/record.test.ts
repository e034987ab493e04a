import { RecordEncodeError } from './errors';
import { decodeRecord, encodeRecord, type ConsumedRecord, type RecordDecodeResult } from './record';
import { formatChecksum, scheduledTimeOf, type RecordEncoding, type TestRecordMeta } from './record-format';

const meta: TestRecordMeta = {
  scenarioId: 'broker-kill-3',
  producerId: 'producer/7.a-b',
  keyEpoch: 3,
  seq: 42,
  sendTimeUs: 1_700_000_000_123_456,
};
const key = 'producer/7.a-b/e3/k5-811';
const payload = Buffer.from('hello; world');
const ENCODINGS: readonly RecordEncoding[] = ['headers', 'value-prefix', 'single-header'];

function reasonOf(result: RecordDecodeResult): string {
  return result.ok ? 'ok' : result.error.reason;
}

function headersRecord(): { key: Buffer; value: Buffer; headers: Record<string, Buffer | string | (Buffer | string)[]> } {
  const encoded = encodeRecord({ meta, key, payload, encoding: 'headers' });
  return { ...encoded, headers: { ...encoded.headers } };
}

describe('encodeRecord', () => {
  test('the default encoding is headers', () => {
    const result = decodeRecord(encodeRecord({ meta, key, payload }));
    expect(result.ok && result.record.encoding).toBe('headers');
  });

  test('headers encoding: meta in ml-* headers, value is the payload untouched', () => {
    const encoded = encodeRecord({ meta, key, payload, encoding: 'headers' });
    const text = Object.fromEntries(Object.entries(encoded.headers).map(([name, value]) => [name, value.toString()]));
    expect(text).toEqual({
      'ml-v': '2',
      'ml-sc': 'broker-kill-3',
      'ml-p': 'producer/7.a-b',
      'ml-e': '3',
      'ml-s': '42',
      'ml-t': '1700000000123456',
      'ml-c': expect.stringMatching(/^[0-9a-f]{8}$/),
      'ml-pc': expect.stringMatching(/^[0-9a-f]{8}$/),
    });
    expect(encoded.value.equals(payload)).toBe(true);
    expect(encoded.key.toString()).toBe(key);
  });

  test('value-prefix encoding: an ml2; prefix then the payload, no headers', () => {
    const encoded = encodeRecord({ meta, key, payload, encoding: 'value-prefix' });
    const headers = encodeRecord({ meta, key, payload, encoding: 'headers' }).headers;
    expect(encoded.headers).toEqual({});
    expect(encoded.value.toString()).toBe(
      `ml2;broker-kill-3;producer/7.a-b;3;42;1700000000123456;;${headers['ml-c'].toString()};${headers['ml-pc'].toString()};hello; world`,
    );
  });

  test('the meta checksum covers the meta: changing only seq changes it, the payload checksum does not change', () => {
    const a = encodeRecord({ meta, key, payload, encoding: 'headers' }).headers;
    const b = encodeRecord({ meta: { ...meta, seq: 43 }, key, payload, encoding: 'headers' }).headers;
    expect(a['ml-c'].toString()).not.toBe(b['ml-c'].toString());
    expect(a['ml-pc'].toString()).toBe(b['ml-pc'].toString());
  });

  test('the payload checksum covers only the payload', () => {
    const a = encodeRecord({ meta, key, payload, encoding: 'headers' }).headers;
    const b = encodeRecord({ meta, key, payload: Buffer.from('hello; World'), encoding: 'headers' }).headers;
    expect(a['ml-c'].toString()).toBe(b['ml-c'].toString());
    expect(a['ml-pc'].toString()).not.toBe(b['ml-pc'].toString());
  });

  test('scheduledTimeUs: written in ml-st and in the prefix, covered by the meta checksum', () => {
    const scheduled = { ...meta, scheduledTimeUs: 1_700_000_000_100_000 };
    const encoded = encodeRecord({ meta: scheduled, key, payload, encoding: 'headers' });
    expect(encoded.headers['ml-st'].toString()).toBe('1700000000100000');
    expect(encoded.headers['ml-c'].toString()).not.toBe(
      encodeRecord({ meta, key, payload, encoding: 'headers' }).headers['ml-c'].toString(),
    );
    expect(encodeRecord({ meta, key, payload, encoding: 'headers' }).headers['ml-st']).toBeUndefined();
    const prefixed = encodeRecord({ meta: scheduled, key, payload, encoding: 'value-prefix' }).value.toString();
    expect(prefixed).toMatch(
      /^ml2;broker-kill-3;producer\/7\.a-b;3;42;1700000000123456;1700000000100000;[0-9a-f]{8};[0-9a-f]{8};hello; world$/,
    );
  });

  test.each([
    [{ meta: { ...meta, producerId: 'a;b' } }, 'invalid_record_meta', 'meta.producerId'],
    [{ meta: { ...meta, scenarioId: '' } }, 'invalid_record_meta', 'meta.scenarioId'],
    [{ meta: { ...meta, scenarioId: 'line\nbreak' } }, 'invalid_record_meta', 'meta.scenarioId'],
    [{ meta: { ...meta, seq: -1 } }, 'invalid_record_meta', 'meta.seq'],
    [{ meta: { ...meta, keyEpoch: 1.5 } }, 'invalid_record_meta', 'meta.keyEpoch'],
    [{ meta: { ...meta, sendTimeUs: 2 ** 53 } }, 'invalid_record_meta', 'meta.sendTimeUs'],
    [{ meta: { ...meta, scheduledTimeUs: -5 } }, 'invalid_record_meta', 'meta.scheduledTimeUs'],
    [{ key: '' }, 'invalid_record_key', 'key'],
    [{ key: 'lone\udc00' }, 'invalid_record_key', 'key'],
    [{ encoding: 'avro' }, 'invalid_record_encoding', 'encoding'],
  ])('rejects %j with a RecordEncodeError naming the field', (override, code, field) => {
    const encode = () => encodeRecord({ meta, key, payload, ...(override as object) });
    expect(encode).toThrow(RecordEncodeError);
    expect(encode).toThrow(expect.objectContaining({ code, field, message: expect.stringContaining(field) }));
  });

  test("';' is forbidden in ids for every encoding, so all of them accept the same records", () => {
    for (const encoding of ENCODINGS) {
      expect(() => encodeRecord({ meta: { ...meta, scenarioId: 's;1' }, key, payload, encoding })).toThrow(/';'/);
    }
  });
});

describe('decodeRecord', () => {
  test.each(ENCODINGS)('decodes its own %s encoding', (encoding) => {
    const result = decodeRecord(encodeRecord({ meta, key, payload, encoding }));
    expect(result).toEqual({
      ok: true,
      record: { meta, key, payloadLength: payload.length, metaChecksum: expect.any(Number), payloadChecksum: expect.any(Number), encoding },
    });
  });

  test.each(ENCODINGS)('decodes a scheduled time in %s; scheduledTimeOf falls back to sendTimeUs', (encoding) => {
    const scheduled = { ...meta, scheduledTimeUs: 1_700_000_000_100_000 };
    const result = decodeRecord(encodeRecord({ meta: scheduled, key, payload, encoding }));
    expect(result.ok && result.record.meta).toEqual(scheduled);
    expect(result.ok && scheduledTimeOf(result.record.meta)).toBe(1_700_000_000_100_000);
    expect(scheduledTimeOf(meta)).toBe(meta.sendTimeUs);
  });

  test('every encoding of a record carries the same checksums', () => {
    const sums = ENCODINGS.map((encoding) => {
      const result = decodeRecord(encodeRecord({ meta, key, payload, encoding }));
      return result.ok ? [result.record.metaChecksum, result.record.payloadChecksum] : result.error.reason;
    });
    expect(sums[0]).toEqual([expect.any(Number), expect.any(Number)]);
    expect(sums).toEqual([sums[0], sums[0], sums[0]]);
  });

  test('accepts headers as strings and as one-element arrays, as kafkajs may deliver them', () => {
    const record = headersRecord();
    record.headers['ml-s'] = '42';
    record.headers['ml-p'] = [Buffer.from('producer/7.a-b')];
    expect(reasonOf(decodeRecord(record))).toBe('ok');
  });

  test('headers win over a payload that happens to look like a value prefix', () => {
    const lookalike = Buffer.from('ml2;x;y;1;2;3;;00000000;00000000;');
    const encoded = encodeRecord({ meta, key, payload: lookalike, encoding: 'headers' });
    const result = decodeRecord(encoded);
    expect(result.ok && result.record.encoding).toBe('headers');
  });

  test.each<[string, ConsumedRecord]>([
    ['plain value, no headers', { key: 'k', value: Buffer.from('some application record') }],
    ['application headers only', { key: 'k', value: Buffer.from('x'), headers: { traceparent: '00-abc' } }],
    ['null value and no headers (a tombstone)', { key: 'k', value: null }],
    ['a value starting with "ml" but no marker', { key: 'k', value: Buffer.from('mlflow run 7') }],
    ['nothing at all', {}],
  ])('foreign: %s', (_, record) => {
    expect(decodeRecord(record)).toEqual({ ok: false, error: { reason: 'foreign', message: expect.any(String) } });
  });

  test('unsupported_version from a newer producer, in either encoding', () => {
    const record = headersRecord();
    record.headers['ml-v'] = '3';
    expect(decodeRecord(record)).toEqual({
      ok: false,
      error: { reason: 'unsupported_version', field: 'ml-v', message: expect.stringContaining('version 3') },
    });
    expect(reasonOf(decodeRecord({ key, value: Buffer.from('ml3;whatever') }))).toBe('unsupported_version');
    expect(reasonOf(decodeRecord({ key, value: Buffer.from('ml1;s;p;3;4;1;00000000;payload') }))).toBe('unsupported_version');
  });

  test.each<[string, (h: Record<string, Buffer | string | (Buffer | string)[] | undefined>) => void, string]>([
    ['a missing header', (h) => delete h['ml-s'], 'ml-s'],
    ['a missing version', (h) => delete h['ml-v'], 'ml-v'],
    ['a non-canonical number', (h) => (h['ml-s'] = '042'), 'ml-s'],
    ['a negative number', (h) => (h['ml-e'] = '-3'), 'ml-e'],
    ['an uppercase checksum', (h) => (h['ml-c'] = 'ABCDEF12'), 'ml-c'],
    ['a missing payload checksum', (h) => delete h['ml-pc'], 'ml-pc'],
    ['a scheduled time that is not a number', (h) => (h['ml-st'] = 'soon'), 'ml-st'],
    ['a repeated header', (h) => (h['ml-s'] = ['42', '43']), 'ml-s'],
    ['an empty producer id', (h) => (h['ml-p'] = ''), 'ml-p'],
    ['a header that is not UTF-8', (h) => (h['ml-sc'] = Buffer.from([0xff, 0xfe])), 'ml-sc'],
  ])('malformed_header: %s', (_, corrupt, field) => {
    const record = headersRecord();
    corrupt(record.headers);
    const result = decodeRecord(record);
    expect(result).toEqual({ ok: false, error: { reason: 'malformed_header', field, message: expect.stringContaining(field) } });
  });

  test.each([
    ['a prefix cut short', 'ml2;broker-kill-3;producer/7.a-b;3'],
    ['a letter in seq', 'ml2;s;p;3;4x;1700000000123456;;00000000;00000000;payload'],
    ['a letter in the scheduled time', 'ml2;s;p;3;4;1700000000123456;x;00000000;00000000;payload'],
    ['a leading zero in the version', 'ml02;s;p;3;4;1;;00000000;00000000;payload'],
  ])('malformed_prefix: %s', (_, value) => {
    expect(reasonOf(decodeRecord({ key, value: Buffer.from(value) }))).toBe('malformed_prefix');
  });

  test('checksum_mismatch when a meta digit flips, in headers or prefix: no identity is given', () => {
    const record = headersRecord();
    record.headers['ml-s'] = '43';
    const result = decodeRecord(record);
    expect(result).toEqual({
      ok: false,
      error: { reason: 'checksum_mismatch', field: 'metaChecksum', message: expect.stringContaining('metaChecksum') },
    });
    const prefixed = encodeRecord({ meta, key, payload, encoding: 'value-prefix' }).value.toString();
    expect(reasonOf(decodeRecord({ key, value: Buffer.from(prefixed.replace(';42;', ';43;')) }))).toBe('checksum_mismatch');
  });

  test('checksum_mismatch when the key changes (the key is identity)', () => {
    const record = headersRecord();
    expect(reasonOf(decodeRecord({ ...record, key: Buffer.from('producer/7.a-b/e3/k6-811') }))).toBe('checksum_mismatch');
  });

  test.each(ENCODINGS)('payload_mismatch with the identity when only the payload changes (%s)', (encoding) => {
    const encoded = encodeRecord({ meta, key, payload, encoding });
    const value = Buffer.from(encoded.value);
    value[value.length - 1] ^= 0x01;
    expect(decodeRecord({ ...encoded, value })).toEqual({
      ok: false,
      error: { reason: 'payload_mismatch', field: 'payloadChecksum', message: expect.stringContaining('identity is intact') },
      identity: { meta, key },
    });
  });

  test('a payload_mismatch identity carries the scheduled time too', () => {
    const scheduled = { ...meta, scheduledTimeUs: 5 };
    const encoded = encodeRecord({ meta: scheduled, key, payload, encoding: 'headers' });
    const result = decodeRecord({ ...encoded, value: Buffer.from('hello; World') });
    expect(!result.ok && result.identity).toEqual({ meta: scheduled, key });
  });

  test('names the expected and actual checksum in the message', () => {
    const record = headersRecord();
    record.headers['ml-c'] = formatChecksum(0xdeadbeef);
    const result = decodeRecord(record);
    expect(!result.ok && result.error.message).toContain('deadbeef');
  });

  test('missing_key for a null or empty key, malformed_key for a key that is not UTF-8', () => {
    expect(reasonOf(decodeRecord({ ...headersRecord(), key: null }))).toBe('missing_key');
    expect(reasonOf(decodeRecord({ ...headersRecord(), key: Buffer.alloc(0) }))).toBe('missing_key');
    expect(reasonOf(decodeRecord({ ...headersRecord(), key: Buffer.from([0xc3, 0x28]) }))).toBe('malformed_key');
  });

  test('missing_value when mirrorlab headers come with a null value', () => {
    expect(reasonOf(decodeRecord({ ...headersRecord(), value: null }))).toBe('missing_value');
  });

  test('an empty payload round-trips in every encoding', () => {
    for (const encoding of ENCODINGS) {
      const result = decodeRecord(encodeRecord({ meta, key, payload: Buffer.alloc(0), encoding }));
      expect(result.ok && result.record.payloadLength).toBe(0);
    }
  });
});
