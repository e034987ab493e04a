import fc from 'fast-check';
import { packRecords, unpackRecords } from './packed-batch';
import type { TargetRecord } from './record-intake';

const bytes = fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a));
const headerValue = fc.oneof(bytes, fc.string({ maxLength: 16 }));
const headers = fc.dictionary(
  fc.string({ minLength: 1, maxLength: 8 }),
  fc.oneof(headerValue, fc.array(headerValue, { minLength: 1, maxLength: 3 }), fc.constant(undefined)),
  { maxKeys: 5 },
);
const record = fc.record({
  offset: fc.nat({ max: Number.MAX_SAFE_INTEGER }),
  key: fc.option(bytes, { nil: null }),
  value: fc.option(bytes, { nil: null }),
  headers: fc.option(headers, { nil: undefined }),
  timestampMs: fc.integer({ min: 0, max: 4_102_444_800_000 }),
});

const plain = (r: TargetRecord) => JSON.parse(JSON.stringify(r, (_k, v: unknown) => (v === undefined ? '<undefined>' : v))) as unknown;

test('unpack(pack(records)) gives the same records: keys, values, headers (repeated, string, undefined), offsets, timestamps', () => {
  fc.assert(
    fc.property(fc.array(record, { maxLength: 20 }), (drawn) => {
      const records: TargetRecord[] = drawn.map((r) => {
        const { headers: h, ...rest } = r;
        return h === undefined ? { topic: 't', partition: 3, ...rest } : { topic: 't', partition: 3, ...rest, headers: h };
      });
      const { data, count } = packRecords(records);
      expect(count).toBe(records.length);
      const back = unpackRecords('t', 3, data);
      expect(back.map(plain)).toEqual(records.map(plain));
      // A record with no headers object stays without one; `{}` stays `{}` (kafkajs always gives an object).
      back.forEach((r, i) => expect('headers' in r).toBe(records[i].headers !== undefined));
    }),
  );
});

test('header values keep their type: a Buffer comes back as a Buffer, a string as a string, a repeated header as an array', () => {
  const [r] = unpackRecords(
    't',
    0,
    packRecords([
      {
        topic: 't',
        partition: 0,
        offset: 7,
        key: Buffer.from('k'),
        value: null,
        headers: { ml: Buffer.from('ml2;x'), s: 'text', twice: [Buffer.from('a'), 'b'], gone: undefined },
        timestampMs: 1,
      },
    ]).data,
  );
  expect(Buffer.isBuffer(r.headers!.ml)).toBe(true);
  expect(r.headers!.ml!.toString()).toBe('ml2;x');
  expect(r.headers!.s).toBe('text');
  expect(r.headers!.twice).toEqual([Buffer.from('a'), 'b']);
  expect('gone' in r.headers!).toBe(true);
  expect(r.value).toBeNull();
  expect(r.key).toEqual(Buffer.from('k'));
});

test('a buffer cut short is a RangeError, never a record made of whatever follows', () => {
  const { data } = packRecords([
    { topic: 't', partition: 0, offset: 1, key: Buffer.from('key'), value: Buffer.alloc(100, 1), timestampMs: 1 },
  ]);
  expect(() => unpackRecords('t', 0, data.slice(0, data.byteLength - 1))).toThrow(RangeError);
  expect(() => unpackRecords('t', 0, data.slice(0, 10))).toThrow(RangeError);
});

test('an empty batch packs to its count and an empty table of header names', () => {
  const { data, count } = packRecords([]);
  expect(count).toBe(0);
  expect(data.byteLength).toBe(6);
  expect(unpackRecords('t', 0, data)).toEqual([]);
});

test("a batch's header names are written once, whatever the number of records carrying them", () => {
  const records: TargetRecord[] = Array.from({ length: 50 }, (_, i) => ({
    topic: 't',
    partition: 0,
    offset: i,
    key: Buffer.from(`k${i}`),
    value: Buffer.from('v'),
    headers: { 'ml-sc': Buffer.from('scenario'), 'ml-s': Buffer.from(String(i)), other: i % 2 === 0 ? 'even' : ['odd', 'twice'] },
    timestampMs: i,
  }));
  const { data } = packRecords(records);
  const packed = Buffer.from(data).toString('latin1');
  expect(packed.split('ml-sc').length - 1).toBe(1);
  expect(packed.split('other').length - 1).toBe(1);
  const back = unpackRecords('t', 0, data);
  expect(back[7].headers).toEqual({ 'ml-sc': Buffer.from('scenario'), 'ml-s': Buffer.from('7'), other: ['odd', 'twice'] });
  expect(back[8].headers!.other).toBe('even');
});
