import fc from 'fast-check';
import { crc32 } from 'node:zlib';
import { crc32Ascii, crc32Bytes } from './crc32';

const seeds = fc.integer({ min: 0, max: 0xffff_ffff });

test('crc32Bytes continues a CRC-32 as zlib does, from any seed', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), seeds, (bytes, seed) => {
      expect(crc32Bytes(seed, bytes)).toBe(crc32(bytes, seed));
    }),
  );
});

test('crc32Bytes over a range equals zlib over that subarray', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 100 }), fc.nat(), fc.nat(), seeds, (bytes, a, b, seed) => {
      const start = a % (bytes.length + 1);
      const end = start + (b % (bytes.length - start + 1));
      expect(crc32Bytes(seed, bytes, start, end)).toBe(crc32(bytes.subarray(start, end), seed));
    }),
  );
});

test('crc32Ascii over ASCII text equals zlib over its bytes, from any seed', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary-ascii', maxLength: 300 }), seeds, (text, seed) => {
      expect(crc32Ascii(seed, text)).toBe(crc32(Buffer.from(text), seed));
    }),
  );
});

test('known values: the check value of "123456789" and the empty input', () => {
  expect(crc32Ascii(0, '123456789')).toBe(0xcbf43926);
  expect(crc32Bytes(0, new Uint8Array())).toBe(0);
  expect(crc32Bytes(0x1234, new Uint8Array())).toBe(0x1234);
});
