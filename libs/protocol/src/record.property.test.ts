import fc from 'fast-check';
import type { RecordDecodeReason } from './errors';
import { decodeRecord, encodeRecord, type ConsumedRecord, type DecodedRecord, type EncodedRecord, type RecordDecodeResult } from './record';
import {
  checksumFromBytes,
  counterFromBytes,
  metaChecksum,
  parseChecksum,
  parseCounter,
  type RecordEncoding,
  type TestRecordMeta,
} from './record-format';
import { COMPACT_HEADER } from './record-compact';
import { RECORD_HEADERS } from './record-headers';
import { SINGLE_HEADER } from './record-single-header';

const REASONS: readonly RecordDecodeReason[] = [
  'foreign',
  'unsupported_version',
  'malformed_header',
  'malformed_prefix',
  'checksum_mismatch',
  'payload_mismatch',
  'missing_key',
  'malformed_key',
  'missing_value',
];

// Ids mix the characters the formats must survive: separators, digits, multi-byte UTF-8.
const idChar = fc.constantFrom('a', 'Z', '7', '0', '-', '.', '/', '_', ' ', 'm', 'l', 'é', '日', '🦀');
const ids = fc.array(idChar, { minLength: 1, maxLength: 16 }).map((chars) => chars.join(''));
const counters = fc.oneof(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }));
const metas: fc.Arbitrary<TestRecordMeta> = fc.record(
  {
    scenarioId: ids,
    producerId: ids,
    keyEpoch: counters,
    seq: counters,
    sendTimeUs: counters,
    scheduledTimeUs: counters,
  },
  { requiredKeys: ['scenarioId', 'producerId', 'keyEpoch', 'seq', 'sendTimeUs'] },
);
const keys = fc.oneof(
  ids,
  fc.string({ minLength: 1 }).filter((s) => !/\p{Cs}/u.test(s)),
);
const payloads = fc.oneof(
  fc.uint8Array({ maxLength: 64 }),
  fc.constantFrom(new Uint8Array(0), new TextEncoder().encode('ml2;a;b;1;2;3;;00000000;00000000;')),
);
const ENCODINGS = ['headers', 'value-prefix', 'single-header', 'compact'] as const satisfies readonly RecordEncoding[];
const encodings = fc.constantFrom<RecordEncoding>(...ENCODINGS);
/** The compact encoding reads the producer id from the key, so its keys start with it and '/', as key-plan keys do. */
const producerKey = (meta: TestRecordMeta, key: string): string => `${meta.producerId}/${key}`;
const inputs = fc
  .record({ meta: metas, key: keys, payload: payloads, encoding: encodings })
  .map((input) => (input.encoding === 'compact' ? { ...input, key: producerKey(input.meta, input.key) } : input));

/** What a kafkajs consumer would hand back: fresh copies of every buffer. */
function asConsumed(encoded: EncodedRecord): { key: Buffer; value: Buffer; headers: Record<string, Buffer> } {
  const headers = Object.fromEntries(Object.entries(encoded.headers).map(([name, value]) => [name, Buffer.from(value)]));
  return { key: Buffer.from(encoded.key), value: Buffer.from(encoded.value), headers };
}

/**
 * A decode result is either the original record or a typed error; an identity, when
 * given, is the original record's (a damaged record is never attributed to another
 * sequence); anything else fails the property.
 */
function isOriginalOrTypedError(result: RecordDecodeResult, original: DecodedRecord): boolean {
  if (result.ok) {
    expect(result.record).toEqual(original);
    return true;
  }
  expect(REASONS).toContain(result.error.reason);
  expect(typeof result.error.message).toBe('string');
  expect(result.identity !== undefined).toBe(result.error.reason === 'payload_mismatch');
  if (result.identity !== undefined) expect(result.identity).toEqual({ meta: original.meta, key: original.key });
  return true;
}

function decodedOf(encoded: EncodedRecord): DecodedRecord {
  const result = decodeRecord(asConsumed(encoded));
  if (!result.ok) throw new Error(`fresh record did not decode: ${result.error.message}`);
  return result.record;
}

describe('record codec properties', () => {
  test('the meta checksum is the same in every text encoding: computed over the written text (prefix, single header) or over the fields (headers)', () => {
    const longKeys = fc.string({ minLength: 250, maxLength: 400 }).filter((s) => !/\p{Cs}/u.test(s));
    fc.assert(
      fc.property(metas, fc.oneof(keys, longKeys), payloads, (meta, key, payload) => {
        const fullKey = producerKey(meta, key);
        const expected = metaChecksum(meta, Buffer.from(fullKey));
        for (const encoding of ['headers', 'value-prefix', 'single-header'] as const) {
          expect(decodedOf(encodeRecord({ meta, key: fullKey, payload, encoding })).metaChecksum).toBe(expected);
        }
      }),
    );
  });

  test('encode then decode gives back meta, key, payload length and encoding', () => {
    fc.assert(
      fc.property(inputs, (input) => {
        const result = decodeRecord(asConsumed(encodeRecord(input)));
        expect(result).toEqual({
          ok: true,
          record: {
            meta: input.meta,
            key: input.key,
            payloadLength: input.payload.length,
            metaChecksum: expect.any(Number),
            payloadChecksum: expect.any(Number),
            encoding: input.encoding,
          },
        });
      }),
    );
  });

  test('changing any one byte of the value is always caught', () => {
    fc.assert(
      fc.property(inputs, fc.nat(), fc.integer({ min: 1, max: 255 }), (input, at, delta) => {
        const encoded = encodeRecord(input);
        const original = decodedOf(encoded);
        const consumed = asConsumed(encoded);
        fc.pre(consumed.value.length > 0);
        const i = at % consumed.value.length;
        consumed.value[i] = (consumed.value[i] + delta) & 0xff;
        const result = decodeRecord(consumed);
        // Either the change breaks the format, or it stays within one field and CRC-32
        // detects every error burst of up to 32 bits.
        expect(result.ok).toBe(false);
        return isOriginalOrTypedError(result, original);
      }),
      { numRuns: 500 },
    );
  });

  test('changing any one byte of the payload, in any encoding, yields payload_mismatch naming the original identity', () => {
    fc.assert(
      fc.property(inputs, fc.nat(), fc.integer({ min: 1, max: 255 }), (input, at, delta) => {
        fc.pre(input.payload.length > 0);
        const encoded = encodeRecord(input);
        const original = decodedOf(encoded);
        const consumed = asConsumed(encoded);
        const i = consumed.value.length - input.payload.length + (at % input.payload.length);
        consumed.value[i] = (consumed.value[i] + delta) & 0xff;
        const result = decodeRecord(consumed);
        expect(!result.ok && result.error.reason).toBe('payload_mismatch');
        return isOriginalOrTypedError(result, original);
      }),
      { numRuns: 500 },
    );
  });

  test('changing any one byte of a meta header (not the payload checksum) never yields an identity', () => {
    fc.assert(
      fc.property(
        inputs.map((input) => ({ ...input, encoding: 'headers' as const })),
        fc.constantFrom(...Object.values(RECORD_HEADERS).filter((h) => h !== RECORD_HEADERS.payloadChecksum)),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (input, header, at, delta) => {
          const encoded = encodeRecord(input);
          const consumed = asConsumed(encoded);
          const value = consumed.headers[header];
          fc.pre(value !== undefined);
          value[at % value.length] = (value[at % value.length] + delta) & 0xff;
          const result = decodeRecord(consumed);
          expect(result.ok).toBe(false);
          expect(!result.ok && result.identity).toBeUndefined();
        },
      ),
      { numRuns: 500 },
    );
  });

  // The payload checksum ends each header (with its ';' in the text one): a change there is a payload_mismatch at worst.
  test.each([
    { encoding: 'single-header' as const, header: SINGLE_HEADER, payloadChecksumBytes: 9 },
    { encoding: 'compact' as const, header: COMPACT_HEADER, payloadChecksumBytes: 4 },
  ])('changing any one byte of the $encoding header before its payload checksum never yields an identity', (c) => {
    fc.assert(
      fc.property(
        inputs.map((input) => ({ ...input, encoding: c.encoding, key: producerKey(input.meta, input.key) })),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (input, at, delta) => {
          const consumed = asConsumed(encodeRecord(input));
          const value = consumed.headers[c.header];
          const i = at % (value.length - c.payloadChecksumBytes);
          value[i] = (value[i] + delta) & 0xff;
          const result = decodeRecord(consumed);
          expect(result.ok).toBe(false);
          expect(!result.ok && result.identity).toBeUndefined();
        },
      ),
      { numRuns: 1000 },
    );
  });

  test('changing any one byte of any header value or name is caught, in every header encoding', () => {
    fc.assert(
      fc.property(
        inputs.filter((input) => input.encoding !== 'value-prefix'),
        fc.nat(),
        fc.boolean(),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (input, which, inName, at, delta) => {
          const encoded = encodeRecord(input);
          const original = decodedOf(encoded);
          const consumed = asConsumed(encoded);
          const names = Object.keys(consumed.headers);
          const header = names[which % names.length];
          if (inName) {
            const name = Buffer.from(header);
            const i = at % name.length;
            name[i] = (name[i] + delta) & 0xff;
            const value = consumed.headers[header];
            delete consumed.headers[header];
            consumed.headers[name.toString('latin1')] = value;
          } else {
            const value = consumed.headers[header];
            const i = at % value.length;
            value[i] = (value[i] + delta) & 0xff;
          }
          const result = decodeRecord(consumed);
          expect(result.ok).toBe(false);
          return isOriginalOrTypedError(result, original);
        },
      ),
      { numRuns: 500 },
    );
  });

  test('changing any one byte of the key is caught', () => {
    fc.assert(
      fc.property(inputs, fc.nat(), fc.integer({ min: 1, max: 255 }), (input, at, delta) => {
        const encoded = encodeRecord(input);
        const original = decodedOf(encoded);
        const consumed = asConsumed(encoded);
        const i = at % consumed.key.length;
        consumed.key[i] = (consumed.key[i] + delta) & 0xff;
        const result = decodeRecord(consumed);
        expect(result.ok).toBe(false);
        return isOriginalOrTypedError(result, original);
      }),
      { numRuns: 500 },
    );
  });

  test('several random byte changes anywhere never yield a different record', () => {
    fc.assert(
      fc.property(
        inputs,
        fc.array(fc.tuple(fc.nat(), fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 6 }),
        (input, edits) => {
          const encoded = encodeRecord(input);
          const original = decodedOf(encoded);
          const consumed = asConsumed(encoded);
          const targets = [consumed.key, consumed.value, ...Object.values(consumed.headers)].filter((b) => b.length > 0);
          for (const [which, at, delta] of edits) {
            const target = targets[which % targets.length];
            target[at % target.length] = (target[at % target.length] + delta) & 0xff;
          }
          return isOriginalOrTypedError(decodeRecord(consumed), original);
        },
      ),
      { numRuns: 500 },
    );
  });

  test('the byte parsers accept exactly what the text parsers accept, with the same value', () => {
    const digitsAndHex = fc
      .array(fc.constantFrom('0', '1', '7', '9', 'a', 'f', 'A', 'g', '-', '+', ' ', '.', 'é'), { maxLength: 18 })
      .map((chars) => chars.join(''));
    fc.assert(
      fc.property(fc.oneof(digitsAndHex, fc.string({ maxLength: 18 }), counters.map(String)), fc.nat({ max: 3 }), (text, pad) => {
        // The text sits inside a larger buffer, as a field does inside a header or value.
        const bytes = Buffer.concat([Buffer.alloc(pad, 0x3b), Buffer.from(text), Buffer.alloc(pad, 0x3b)]);
        const end = bytes.length - pad;
        expect(counterFromBytes(bytes, pad, end)).toBe(parseCounter(text));
        expect(checksumFromBytes(bytes, pad, end)).toBe(parseChecksum(text));
      }),
      { numRuns: 2000 },
    );
  });

  test('arbitrary garbage never throws and always yields a typed result', () => {
    const bytesOrText = fc.oneof(fc.uint8Array({ maxLength: 40 }), fc.string({ maxLength: 40 }));
    const nearPrefix = fc
      .array(fc.oneof(fc.constantFrom('ml1', 'ml2', 'ml3', '0', '42', '', 'é', '00000000', 'ffffffff'), fc.string({ maxLength: 8 })), {
        maxLength: 9,
      })
      .map((fields) => Buffer.from(fields.join(';')));
    // Near the compact header: its version byte, then varints and bytes of any value.
    const nearCompact = fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.concat([Buffer.from([2]), b]));
    const headerValue = fc.oneof(bytesOrText, nearPrefix, nearCompact, fc.array(bytesOrText, { maxLength: 3 }), fc.constant(undefined));
    const headerName = fc.oneof(
      fc.constantFrom(...Object.values(RECORD_HEADERS), SINGLE_HEADER, COMPACT_HEADER),
      fc.string({ maxLength: 6 }),
    );
    const records: fc.Arbitrary<ConsumedRecord> = fc.record(
      {
        key: fc.option(bytesOrText),
        value: fc.option(fc.oneof(bytesOrText, nearPrefix)),
        headers: fc.option(fc.dictionary(headerName, headerValue, { maxKeys: 8 })),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(records, (record) => {
        const result = decodeRecord(record);
        if (!result.ok) expect(REASONS).toContain(result.error.reason);
      }),
      { numRuns: 2000 },
    );
  });
});
