import { crc32 } from 'node:zlib';
import fc from 'fast-check';
import { decodeRecord, encodeRecord } from './record';
import { RecordEncoder } from './record-encoder';
import { formatChecksum, type RecordEncoding, type TestRecordMeta } from './record-format';

// As in record.property.test.ts: separators, digits and multi-byte UTF-8 in ids and keys.
const idChar = fc.constantFrom('a', 'Z', '7', '0', '-', '.', '/', '_', ' ', 'm', 'l', 'é', '日', '🦀');
const ids = fc.array(idChar, { minLength: 1, maxLength: 16 }).map((chars) => chars.join(''));
const counters = fc.oneof(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }));
const metas: fc.Arbitrary<TestRecordMeta> = fc.record(
  { scenarioId: ids, producerId: ids, keyEpoch: counters, seq: counters, sendTimeUs: counters, scheduledTimeUs: counters },
  { requiredKeys: ['scenarioId', 'producerId', 'keyEpoch', 'seq', 'sendTimeUs'] },
);
// Keys up to 300 characters: past the key-length texts the encoder keeps ready (0-255 bytes).
const keys = fc.oneof(
  ids,
  fc.string({ minLength: 1, maxLength: 300 }).filter((s) => !/\p{Cs}/u.test(s)),
);
const payloads = fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b));
const encodings = fc.constantFrom<RecordEncoding>('headers', 'value-prefix', 'single-header', 'compact');
/** The compact encoding reads the producer id from the key: keys there start with it and '/', as key-plan keys do. */
const keyFor = (meta: TestRecordMeta, key: string, encoding: RecordEncoding): string =>
  encoding === 'compact' ? `${meta.producerId}/${key}` : key;

function streamRecord(meta: TestRecordMeta, encoder: RecordEncoder, key: string, payload: Buffer) {
  const { keyEpoch, seq, sendTimeUs, scheduledTimeUs } = meta;
  return { keyEpoch, seq, sendTimeUs, scheduledTimeUs, key: encoder.keyBytes(key), payload };
}

describe('RecordEncoder', () => {
  test('writes exactly what encodeRecord writes, in every encoding', () => {
    fc.assert(
      fc.property(metas, keys, payloads, encodings, fc.boolean(), (meta, anyKey, payload, encoding, withChecksum) => {
        const key = keyFor(meta, anyKey, encoding);
        const encoder = new RecordEncoder(meta, encoding);
        const r = streamRecord(meta, encoder, key, payload);
        const got = encoder.encode(withChecksum ? { ...r, payloadChecksum: crc32(payload) } : r);
        expect(got).toEqual(encodeRecord({ meta, key, payload, encoding }));
      }),
      { numRuns: 500 },
    );
  });

  test('its records decode to the meta, key and payload (length and checksum) they were given', () => {
    fc.assert(
      fc.property(metas, keys, payloads, encodings, (meta, anyKey, payload, encoding) => {
        const key = keyFor(meta, anyKey, encoding);
        const encoder = new RecordEncoder(meta, encoding);
        const decoded = decodeRecord(encoder.encode(streamRecord(meta, encoder, key, payload)));
        expect(decoded.ok).toBe(true);
        if (!decoded.ok) return;
        expect(decoded.record.meta).toEqual(meta);
        expect(decoded.record.key).toBe(key);
        expect(decoded.record.payloadLength).toBe(payload.length);
        expect(decoded.record.payloadChecksum).toBe(crc32(payload));
      }),
      { numRuns: 300 },
    );
  });

  test('a payload checksum that does not match the payload makes a record validators reject', () => {
    const meta = { scenarioId: 's', producerId: 'p', keyEpoch: 0, seq: 1, sendTimeUs: 2 };
    const encoder = new RecordEncoder(meta, 'single-header');
    const payload = Buffer.from('payload');
    const decoded = decodeRecord(encoder.encode({ ...streamRecord(meta, encoder, 'k', payload), payloadChecksum: crc32(payload) ^ 1 }));
    expect(decoded).toMatchObject({ ok: false, error: { reason: 'payload_mismatch' } });
  });

  test('refuses bad ids, encodings, keys and counters with the field and the reason', () => {
    expect(() => new RecordEncoder({ scenarioId: 'a;b', producerId: 'p' }, 'single-header')).toThrow(
      expect.objectContaining({ code: 'invalid_record_meta', field: 'meta.scenarioId' }),
    );
    expect(() => new RecordEncoder({ scenarioId: 's', producerId: '' }, 'single-header')).toThrow(
      expect.objectContaining({ field: 'meta.producerId' }),
    );
    expect(() => new RecordEncoder({ scenarioId: 's', producerId: 'p' }, 'xml' as RecordEncoding)).toThrow(
      expect.objectContaining({ code: 'invalid_record_encoding', field: 'encoding' }),
    );
    const encoder = new RecordEncoder({ scenarioId: 's', producerId: 'p' }, 'value-prefix');
    expect(() => encoder.keyBytes('')).toThrow(expect.objectContaining({ code: 'invalid_record_key', field: 'key' }));
    expect(() => encoder.keyBytes('\ud800')).toThrow(expect.objectContaining({ code: 'invalid_record_key' }));
    const ok = { keyEpoch: 0, seq: 0, sendTimeUs: 0, key: encoder.keyBytes('k'), payload: Buffer.alloc(1) };
    expect(() => encoder.encode({ ...ok, seq: -1 })).toThrow(expect.objectContaining({ code: 'invalid_record_meta', field: 'meta.seq' }));
    expect(() => encoder.encode({ ...ok, sendTimeUs: 1.5 })).toThrow(expect.objectContaining({ field: 'meta.sendTimeUs' }));
    expect(() => encoder.encode({ ...ok, keyEpoch: Number.NaN })).toThrow(expect.objectContaining({ field: 'meta.keyEpoch' }));
    expect(() => encoder.encode({ ...ok, scheduledTimeUs: 2 ** 53 })).toThrow(expect.objectContaining({ field: 'meta.scheduledTimeUs' }));
    expect(() => encoder.encode({ ...ok, key: Buffer.alloc(0) })).toThrow(expect.objectContaining({ code: 'invalid_record_key' }));
  });

  test('in the compact encoding, refuses a key that does not start with the producer id and "/", saying why', () => {
    const compact = new RecordEncoder({ scenarioId: 's', producerId: 'p-0' }, 'compact');
    const record = (key: string) => ({ keyEpoch: 0, seq: 0, sendTimeUs: 0, key: compact.keyBytes(key), payload: Buffer.alloc(1) });
    for (const key of ['k', 'p-0', 'p-0k/1', 'p-1/e0/k0-1', 'P-0/e0/k0-1']) {
      expect(() => compact.encode(record(key))).toThrow(
        expect.objectContaining({
          code: 'invalid_record_key',
          field: 'key',
          message: expect.stringContaining('start with the producer id "p-0"'),
        }),
      );
    }
    expect(decodeRecord(compact.encode(record('p-0/e0/k0-1')))).toMatchObject({ ok: true, record: { meta: { producerId: 'p-0' } } });
  });
});

describe('RecordEncoder.compactHeader', () => {
  const compactMetas = fc.record({ meta: metas, key: keys, payload: payloads, at: fc.nat({ max: 16 }) });

  test('writes, at any offset of a larger buffer, the mb header encode writes; one header object serves every record', () => {
    fc.assert(
      fc.property(fc.array(compactMetas, { minLength: 1, maxLength: 5 }), fc.record({ scenarioId: ids, producerId: ids }), (rows, ids) => {
        const encoder = new RecordEncoder(ids, 'compact');
        let first: unknown;
        for (const { meta, key: anyKey, payload, at } of rows) {
          const m = { ...meta, ...ids };
          const r = streamRecord(m, encoder, keyFor(m, anyKey, 'compact'), payload);
          const h = encoder.compactHeader(r.keyEpoch, r.seq, r.sendTimeUs, r.scheduledTimeUs, r.key, crc32(payload));
          first ??= h;
          expect(h).toBe(first);
          const out = Buffer.alloc(at + h.length + 3, 0xee);
          h.writeInto(out, at);
          const expected = encoder.encode(r).headers.mb!;
          expect(h.name).toBe('mb');
          expect(out.subarray(at, at + h.length)).toEqual(expected);
          // Nothing written around it.
          expect([...out.subarray(0, at), ...out.subarray(at + h.length)].every((b) => b === 0xee)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  test('checks what encode checks, and the payload checksum, naming the field', () => {
    const compact = new RecordEncoder({ scenarioId: 's', producerId: 'p-0' }, 'compact');
    const key = compact.keyBytes('p-0/e0/k0-1');
    expect(() => compact.compactHeader(-1, 0, 0, undefined, key, 0)).toThrow(expect.objectContaining({ field: 'meta.keyEpoch' }));
    expect(() => compact.compactHeader(0, 0.5, 0, undefined, key, 0)).toThrow(expect.objectContaining({ field: 'meta.seq' }));
    expect(() => compact.compactHeader(0, 0, 0, 2 ** 53, key, 0)).toThrow(expect.objectContaining({ field: 'meta.scheduledTimeUs' }));
    expect(() => compact.compactHeader(0, 0, 0, undefined, compact.keyBytes('k'), 0)).toThrow(
      expect.objectContaining({ code: 'invalid_record_key', field: 'key' }),
    );
    expect(() => compact.compactHeader(0, 0, 0, undefined, key, 2 ** 32)).toThrow(expect.objectContaining({ field: 'payloadChecksum' }));
    expect(() => compact.compactHeader(0, 0, 0, undefined, key, -1)).toThrow(expect.objectContaining({ field: 'payloadChecksum' }));
    const single = new RecordEncoder({ scenarioId: 's', producerId: 'p-0' }, 'single-header');
    expect(() => single.compactHeader(0, 0, 0, undefined, key, 0)).toThrow(
      expect.objectContaining({ field: 'encoding', message: expect.stringContaining('not single-header') }),
    );
  });
});

describe('formatChecksum', () => {
  test('is the 8-digit lowercase hex of any CRC-32', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffff_ffff }), (c) => {
        expect(formatChecksum(c)).toBe(c.toString(16).padStart(8, '0'));
      }),
    );
    expect([0, 1, 0xabc, 0xffff_ffff].map(formatChecksum)).toEqual(['00000000', '00000001', '00000abc', 'ffffffff']);
  });
});
