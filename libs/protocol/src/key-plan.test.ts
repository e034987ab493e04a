import fc from 'fast-check';
import { KeyPlanError } from './errors';
import { KeyPlan } from './key-plan';
import { partitionForKey } from './murmur2';

const PARTITION_COUNTS = [...Array.from({ length: 64 }, (_, i) => i + 1), 100, 257, 1000];

/** Producer ids that pass the id rule, including the separators the key grammar must survive. */
const producerIds = fc
  .array(fc.constantFrom('a', 'Z', '7', '/', '-', '.', 'e', 'k', '0', '_', 'é', '🦀', ' '), { minLength: 1, maxLength: 24 })
  .map((chars) => chars.join(''));

describe('KeyPlan.build', () => {
  test.each([1, 2, 5])('every partition gets exactly %i keys, for 1..64, 100, 257 and 1000 partitions', (keysPerPartition) => {
    for (const partitions of PARTITION_COUNTS) {
      const plan = KeyPlan.build({ producerId: 'prod-1', partitions, keysPerPartition, epoch: 0 });
      const perPartition = new Array<number>(partitions).fill(0);
      plan.keys.forEach((key, keyIndex) => {
        // Checked with the real partitioner, not with the plan's own bookkeeping.
        const partition = partitionForKey(key, partitions);
        expect(partition).toBe(keyIndex % partitions);
        perPartition[partition]++;
      });
      expect(plan.keyCount).toBe(partitions * keysPerPartition);
      expect(new Set(plan.keys).size).toBe(plan.keyCount);
      expect(perPartition.every((n) => n === keysPerPartition)).toBe(true);
    }
  });

  test('is deterministic: same options, same keys', () => {
    const options = { producerId: 'p/1.a-b', partitions: 37, keysPerPartition: 2, epoch: 4 };
    expect(KeyPlan.build(options).keys).toEqual(KeyPlan.build({ ...options }).keys);
  });

  test('a new epoch gives a disjoint key set', () => {
    const a = KeyPlan.build({ producerId: 'p', partitions: 20, keysPerPartition: 1, epoch: 0 });
    const b = KeyPlan.build({ producerId: 'p', partitions: 20, keysPerPartition: 1, epoch: 1 });
    expect(a.keys.filter((key) => b.keys.includes(key))).toEqual([]);
  });

  test('distinct producers never share a key, even with "/", "-" and "." in their ids', () => {
    fc.assert(
      fc.property(producerIds, producerIds, fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }), (p1, p2, e1, e2) => {
        fc.pre(p1 !== p2);
        const a = KeyPlan.build({ producerId: p1, partitions: 6, keysPerPartition: 2, epoch: e1 });
        const b = new Set(KeyPlan.build({ producerId: p2, partitions: 6, keysPerPartition: 2, epoch: e2 }).keys);
        return a.keys.every((key) => !b.has(key));
      }),
    );
  });

  test('builds a 1000-partition plan well under a second', () => {
    const started = performance.now();
    KeyPlan.build({ producerId: 'timing-producer', partitions: 1000, keysPerPartition: 1, epoch: 12 });
    expect(performance.now() - started).toBeLessThan(500);
  });

  test.each([
    [{ producerId: '' }, 'invalid_producer_id'],
    [{ producerId: 'a;b' }, 'invalid_producer_id'],
    [{ producerId: 'tab\there' }, 'invalid_producer_id'],
    [{ producerId: 'lone\ud800' }, 'invalid_producer_id'],
    [{ partitions: 0 }, 'invalid_partitions'],
    [{ partitions: 2.5 }, 'invalid_partitions'],
    [{ keysPerPartition: 0 }, 'invalid_keys_per_partition'],
    [{ keysPerPartition: Number.NaN }, 'invalid_keys_per_partition'],
    [{ epoch: -1 }, 'invalid_epoch'],
    [{ epoch: 0.5 }, 'invalid_epoch'],
    [{ partitions: 10_000, keysPerPartition: 2 }, 'plan_too_large'],
  ] as const)('rejects %j with code %s', (override, code) => {
    const build = () => KeyPlan.build({ producerId: 'p', partitions: 3, keysPerPartition: 1, epoch: 0, ...override });
    expect(build).toThrow(KeyPlanError);
    expect(build).toThrow(expect.objectContaining({ code }));
  });
});

describe('KeyPlan record slots', () => {
  const plan = KeyPlan.build({ producerId: 'slots', partitions: 4, keysPerPartition: 3, epoch: 1 });

  test('record i uses key i mod K with sequence floor(i / K)', () => {
    expect(plan.slotForRecord(0)).toEqual({ keyIndex: 0, key: plan.keys[0], seq: 0 });
    expect(plan.slotForRecord(11)).toEqual({ keyIndex: 11, key: plan.keys[11], seq: 0 });
    expect(plan.slotForRecord(12)).toEqual({ keyIndex: 0, key: plan.keys[0], seq: 1 });
    expect(plan.slotForRecord(12 * 1000 + 5)).toEqual({ keyIndex: 5, key: plan.keys[5], seq: 1000 });
  });

  test('consecutive records visit every partition in turn', () => {
    const partitions = Array.from({ length: 8 }, (_, i) => partitionForKey(plan.slotForRecord(i).key, 4));
    expect(partitions).toEqual([0, 1, 2, 3, 0, 1, 2, 3]);
  });

  test('recordIndexOf inverts slotForRecord', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 40 }), (i) => {
        const { keyIndex, seq } = plan.slotForRecord(i);
        return plan.recordIndexOf(keyIndex, seq) === i;
      }),
    );
  });

  test('partitionOfKey matches the partitioner', () => {
    plan.keys.forEach((key, i) => expect(plan.partitionOfKey(i)).toBe(partitionForKey(key, 4)));
  });

  test('rejects out-of-range key indexes and record indexes', () => {
    expect(() => plan.partitionOfKey(12)).toThrow(expect.objectContaining({ code: 'key_index_out_of_range' }));
    expect(() => plan.partitionOfKey(-1)).toThrow(expect.objectContaining({ code: 'key_index_out_of_range' }));
    expect(() => plan.slotForRecord(-1)).toThrow(expect.objectContaining({ code: 'invalid_record_index' }));
    expect(() => plan.slotForRecord(1.5)).toThrow(expect.objectContaining({ code: 'invalid_record_index' }));
    expect(() => plan.recordIndexOf(0, -1)).toThrow(expect.objectContaining({ code: 'invalid_record_index' }));
  });

  test('the key list cannot be mutated by callers', () => {
    expect(Object.isFrozen(plan.keys)).toBe(true);
  });
});

describe('KeyPlan.parseKey', () => {
  test('recovers producer, epoch and key index from every key of a plan', () => {
    fc.assert(
      fc.property(producerIds, fc.integer({ min: 0, max: 1_000_000 }), (producerId, epoch) => {
        const plan = KeyPlan.build({ producerId, partitions: 5, keysPerPartition: 1, epoch });
        return plan.keys.every((key, keyIndex) => {
          const parsed = KeyPlan.parseKey(key);
          return parsed?.producerId === producerId && parsed.epoch === epoch && parsed.keyIndex === keyIndex;
        });
      }),
    );
  });

  test('parses a producer id that itself looks like a key', () => {
    const producerId = 'x/e1/k2-3';
    const [key] = KeyPlan.build({ producerId, partitions: 1, keysPerPartition: 1, epoch: 9 }).keys;
    expect(KeyPlan.parseKey(key)).toEqual({ producerId, epoch: 9, keyIndex: 0 });
  });

  test.each([
    '',
    '42',
    'p/e1/k2',
    '/e1/k2-3',
    'p/e01/k2-3',
    'p/e1/k02-3',
    'p/e1/k2-03',
    'p/e1/k2-3x',
    'p/e-1/k2-3',
    'p;x/e1/k2-3',
    'p/e99999999999999999/k2-3',
  ])('returns undefined for %j', (key) => {
    expect(KeyPlan.parseKey(key)).toBeUndefined();
  });

  test('anything it accepts starts with the producer, epoch and key index it reports', () => {
    const nearKeys = fc
      .array(fc.constantFrom('p', '/', 'e', 'k', '-', '0', '1', '9', ';', '\n', 'é', '\ud800'), { maxLength: 30 })
      .map((chars) => chars.join(''));
    fc.assert(
      fc.property(fc.oneof(nearKeys, fc.string()), (key) => {
        const parsed = KeyPlan.parseKey(key);
        return parsed === undefined || key.startsWith(`${parsed.producerId}/e${parsed.epoch}/k${parsed.keyIndex}-`);
      }),
      { numRuns: 2000 },
    );
  });
});
