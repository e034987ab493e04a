import { crc32 } from 'node:zlib';
import fc from 'fast-check';
import { PayloadError } from './errors';
import { randomPayloadSource, replayPayloadSource } from './payload';

describe('randomPayloadSource', () => {
  test('returns exactly size bytes, every time', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5000 }), fc.integer(), (size, seed) => {
        const source = randomPayloadSource({ size, seed });
        for (let i = 0; i < 5; i++) expect(source.next().length).toBe(size);
      }),
      { numRuns: 30 },
    );
  });

  test('same seed, same payload sequence; another seed, other payloads', () => {
    const take = (seed: number) => {
      const source = randomPayloadSource({ size: 256, seed });
      return Array.from({ length: 10 }, () => Buffer.from(source.next()).toString('hex'));
    };
    expect(take(7)).toEqual(take(7));
    expect(take(8)[0]).not.toBe(take(7)[0]);
    expect(take(2 ** 40 + 7)[0]).not.toBe(take(7)[0]);
  });

  test('consecutive payloads differ, so records do not all carry the same bytes', () => {
    const source = randomPayloadSource({ size: 100, seed: 1 });
    const seen = new Set(Array.from({ length: 1000 }, () => source.next().toString('hex')));
    expect(seen.size).toBe(1000);
  });

  test('bytes look random: every byte value appears, none dominates', () => {
    const payload = randomPayloadSource({ size: 256 * 1024, seed: 3 }).next();
    const counts = new Array<number>(256).fill(0);
    for (const byte of payload) counts[byte]++;
    expect(Math.min(...counts)).toBeGreaterThan(800);
    expect(Math.max(...counts)).toBeLessThan(1250);
  });

  test('is cheap per record: payloads are views of one pool, never copies', () => {
    const source = randomPayloadSource({ size: 1024, seed: 9 });
    const first = source.next();
    for (let i = 0; i < 1000; i++) expect(source.next().buffer).toBe(first.buffer);
  });

  test('lastChecksum is the CRC-32 of the payload next() last returned, in the first cycle and after it (cached)', () => {
    const source = randomPayloadSource({ size: 16, seed: 4 });
    expect(() => source.lastChecksum()).toThrow(expect.objectContaining({ code: 'no_payload_yet' }));
    // 65,537 window offsets: the second pass over them reads the cache.
    for (let i = 0; i < 140_000; i++) {
      const payload = source.next();
      if (i % 997 === 0 || i > 131_070) expect(source.lastChecksum()).toBe(crc32(payload));
    }
  });

  test.each([
    [{ size: -1, seed: 0 }, 'invalid_payload_size'],
    [{ size: 1.5, seed: 0 }, 'invalid_payload_size'],
    [{ size: 65 * 1024 * 1024, seed: 0 }, 'invalid_payload_size'],
    [{ size: 10, seed: Number.NaN }, 'invalid_seed'],
    [{ size: 10, seed: 0.5 }, 'invalid_seed'],
  ])('rejects %j with %s', (options, code) => {
    expect(() => randomPayloadSource(options)).toThrow(PayloadError);
    expect(() => randomPayloadSource(options)).toThrow(expect.objectContaining({ code }));
  });
});

describe('replayPayloadSource', () => {
  test('cycles through the values in order', () => {
    const values = ['a', 'b', 'c'].map((s) => Buffer.from(s));
    const source = replayPayloadSource(values);
    expect(Array.from({ length: 7 }, () => source.next().toString())).toEqual(['a', 'b', 'c', 'a', 'b', 'c', 'a']);
  });

  test('is not affected by later changes to the caller array', () => {
    const values = [Buffer.from('a'), Buffer.from('b')];
    const source = replayPayloadSource(values);
    values.length = 0;
    expect([source.next().toString(), source.next().toString()]).toEqual(['a', 'b']);
  });

  test('lastChecksum is the CRC-32 of the value next() last returned', () => {
    const values = ['a', 'bb', 'a', 'ccc'].map((v) => Buffer.from(v));
    const source = replayPayloadSource(values);
    expect(() => source.lastChecksum()).toThrow(expect.objectContaining({ code: 'no_payload_yet' }));
    for (let i = 0; i < 9; i++) {
      const payload = source.next();
      expect(source.lastChecksum()).toBe(crc32(payload));
    }
  });

  test('rejects an empty set', () => {
    expect(() => replayPayloadSource([])).toThrow(expect.objectContaining({ name: 'PayloadError', code: 'empty_replay_set' }));
  });
});
