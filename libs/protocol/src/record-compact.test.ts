import { crc32 } from 'node:zlib';
import fc from 'fast-check';
import { decodeRecord, encodeRecord, type RecordDecodeResult } from './record';
import { COMPACT_HEADER, varintLength, writeVarint } from './record-compact';
import type { TestRecordMeta } from './record-format';

const meta: TestRecordMeta = {
  scenarioId: 'broker-kill-3a9f01',
  producerId: 'broker-kill-3a9f01-p0',
  keyEpoch: 3,
  seq: 4242,
  sendTimeUs: 1_765_132_200_123_456,
  scheduledTimeUs: 1_765_132_200_120_000,
};
const key = 'broker-kill-3a9f01-p0/e3/k5-811';
const payload = Buffer.from('hello; world');

type Headers = Record<string, Buffer | string | Buffer[] | undefined>;

function compactRecord(m: TestRecordMeta = meta): { key: Buffer; value: Buffer; headers: Headers } {
  const encoded = encodeRecord({ meta: m, key, payload, encoding: 'compact' });
  return { ...encoded, headers: { ...encoded.headers } };
}

function header(record: { headers: Headers }): Buffer {
  return record.headers[COMPACT_HEADER] as Buffer;
}

function errorOf(result: RecordDecodeResult): { reason: string; field?: string; message: string } | 'ok' {
  return result.ok ? 'ok' : result.error;
}

describe('compact encoding', () => {
  test('one header "mb" of 42 bytes where the single header takes 104, the value the payload untouched, the same record', () => {
    const compact = compactRecord();
    const single = encodeRecord({ meta, key, payload, encoding: 'single-header' });
    expect(Object.keys(compact.headers)).toEqual(['mb']);
    expect(header(compact).length).toBe(42);
    expect(single.headers.ml.length).toBe(104);
    expect(compact.value.equals(payload)).toBe(true);
    const a = decodeRecord(compact);
    const b = decodeRecord(single);
    expect(a.ok && b.ok).toBe(true);
    if (!a.ok || !b.ok) return;
    // The meta checksum hashes the bytes as written: the header's, not the text's.
    expect(a.record).toEqual({
      ...b.record,
      encoding: 'compact',
      metaChecksum: crc32(compact.key, crc32(header(compact).subarray(0, 34))),
    });
    expect(a.record.meta).toEqual(meta);
  });

  test('the producer id is the start of the key: a record whose key names another producer fails its meta checksum', () => {
    const record = compactRecord();
    record.key = Buffer.from(key.replace('-p0/', '-p1/'));
    expect(errorOf(decodeRecord(record))).toMatchObject({ reason: 'checksum_mismatch', field: 'metaChecksum' });
    record.key = Buffer.from('other/e3/k5-811');
    expect(errorOf(decodeRecord(record))).toMatchObject({
      reason: 'malformed_header',
      field: 'mb.producerId',
      message: expect.stringContaining("does not start with a producer id of 21 bytes and '/'"),
    });
  });

  test('scheduled times before, at and after the send time, and none, come back exactly', () => {
    for (const scheduledTimeUs of [undefined, meta.sendTimeUs, meta.sendTimeUs - 1, meta.sendTimeUs + 5_000, 0]) {
      const m = { ...meta, scheduledTimeUs };
      if (scheduledTimeUs === undefined) delete (m as { scheduledTimeUs?: number }).scheduledTimeUs;
      const decoded = decodeRecord(compactRecord(m));
      expect(decoded.ok && decoded.record.meta).toEqual(m);
    }
  });

  test('refuses a version it does not read, saying which', () => {
    const record = compactRecord();
    header(record)[0] = 3;
    expect(errorOf(decodeRecord(record))).toMatchObject({
      reason: 'unsupported_version',
      field: 'mb.version',
      message: expect.stringContaining('format version 3 is not supported'),
    });
  });

  test('a truncated header, trailing bytes, a non-minimal varint or a bad scheduled kind is malformed, naming the field', () => {
    const cut = compactRecord();
    cut.headers.mb = header(cut).subarray(0, 30);
    expect(errorOf(decodeRecord(cut))).toMatchObject({ reason: 'malformed_header', field: expect.stringMatching(/^mb\./) });
    const long = compactRecord();
    long.headers.mb = Buffer.concat([header(long), Buffer.from([0])]);
    expect(errorOf(decodeRecord(long))).toMatchObject({ field: 'mb.checksums', message: expect.stringContaining('found 9 byte(s)') });
    // keyEpoch 3 written as 0x83 0x00: the same number, not the encoder's bytes.
    const b = header(compactRecord());
    const epochAt = 1 + 1 + meta.scenarioId.length + 1;
    expect(b[epochAt]).toBe(3);
    const padded = compactRecord();
    padded.headers.mb = Buffer.concat([b.subarray(0, epochAt), Buffer.from([0x83, 0x00]), b.subarray(epochAt + 1)]);
    expect(errorOf(decodeRecord(padded))).toMatchObject({ field: 'mb.keyEpoch', message: expect.stringContaining('minimal varint') });
    const kind = compactRecord();
    const at = header(kind).length - 8 - 1 - varintLength(meta.sendTimeUs - meta.scheduledTimeUs!);
    header(kind)[at] = 7;
    expect(errorOf(decodeRecord(kind))).toMatchObject({ field: 'mb.scheduledTimeUs', message: expect.stringContaining('kind 7') });
  });

  test('a header that came as text or twice is malformed, not guessed at; "mb" with "ml" too is refused', () => {
    const text = compactRecord();
    text.headers.mb = header(text).toString('latin1');
    expect(errorOf(decodeRecord(text))).toMatchObject({
      reason: 'malformed_header',
      field: 'mb',
      message: expect.stringContaining('type string'),
    });
    const twice = compactRecord();
    twice.headers.mb = [header(twice), header(twice)];
    expect(errorOf(decodeRecord(twice))).toMatchObject({ field: 'mb', message: 'mb: header appears 2 times' });
    const both = compactRecord();
    Object.assign(both.headers, encodeRecord({ meta, key, payload, encoding: 'single-header' }).headers);
    expect(errorOf(decodeRecord(both))).toMatchObject({ reason: 'malformed_header', message: expect.stringContaining('more than one of') });
    const withHeaders = compactRecord();
    Object.assign(withHeaders.headers, encodeRecord({ meta, key, payload, encoding: 'headers' }).headers);
    expect(errorOf(decodeRecord(withHeaders))).toMatchObject({ reason: 'malformed_header', field: 'mb' });
  });

  test('a damaged payload under an intact compact header is a payload_mismatch that names the record', () => {
    const record = compactRecord();
    record.value = Buffer.from('hello! world');
    const result = decodeRecord(record);
    expect(!result.ok && result.error.reason).toBe('payload_mismatch');
    expect(!result.ok && result.identity).toEqual({ meta, key });
  });

  test('varints: minimal LEB128 of every safe integer, in varintLength bytes', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER })), (n) => {
        const out = new Uint8Array(10);
        const end = writeVarint(out, 1, n);
        expect(end - 1).toBe(varintLength(n));
        let value = 0;
        for (let i = end - 1; i >= 1; i--) value = value * 128 + (out[i] & 127);
        expect(value).toBe(n);
        for (let i = 1; i < end - 1; i++) expect(out[i] & 128).toBe(128);
        expect(out[end - 1] & 128).toBe(0);
        if (end - 1 > 1) expect(out[end - 1]).not.toBe(0);
      }),
    );
    expect([0, 127, 128, 2 ** 31, Number.MAX_SAFE_INTEGER].map(varintLength)).toEqual([1, 1, 2, 5, 8]);
  });
});
