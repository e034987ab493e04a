import fc from 'fast-check';
import { decimalLength, writeDecimal } from './decimal-bytes';

const edges = [
  0,
  1,
  9,
  10,
  99,
  100,
  9_999_999,
  10_000_000,
  99_999_999,
  100_000_000,
  100_000_001,
  1e15,
  1796634016341000,
  Number.MAX_SAFE_INTEGER,
];
const numbers = fc.oneof(fc.constantFrom(...edges), fc.nat(), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }));

test('writes exactly String(n), and says how long it is, for any safe integer from 0', () => {
  fc.assert(
    fc.property(numbers, fc.nat({ max: 8 }), (n, at) => {
      const out = new Uint8Array(at + 20).fill(0x2a);
      const end = writeDecimal(out, at, n);
      expect(end - at).toBe(decimalLength(n));
      expect(Buffer.from(out.subarray(at, end)).toString('latin1')).toBe(String(n));
      // Nothing around it touched.
      expect([...out.subarray(0, at), ...out.subarray(end)].every((b) => b === 0x2a)).toBe(true);
    }),
    { numRuns: 2000 },
  );
});
