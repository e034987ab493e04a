import { KeyPlan } from './key-plan';
import { partitionForKey } from './murmur2';

/**
 * Why KeyPlan exists, measured rather than asserted from a constant: how evenly
 * do three keying schemes spread a producer's records over P partitions?
 *   naive: keys String(seq % P)        -> P keys hashed onto P partitions
 *   x17:   keys String(seq % (17 * P)) -> kafka-mirror-tester's fix
 *   ours:  KeyPlan, key i searched to land on partition i % P
 * Records are spread evenly over keys, so a partition's record load is
 * proportional to the number of keys hashed onto it.
 */

const PARTITION_COUNTS = [12, 16, 24, 32, 50, 64, 100, 128, 200, 256, 500, 1000];

interface Spread {
  /** Fraction of partitions that get no key, hence no records. */
  emptyFraction: number;
  /** Standard deviation of the per-partition load over its mean. */
  relativeStdDev: number;
  /** Worst partition's distance from the mean load, over the mean. */
  maxSkew: number;
}

function spreadOf(keys: readonly string[], partitions: number): Spread {
  const load = new Array<number>(partitions).fill(0);
  for (const key of keys) load[partitionForKey(key, partitions)]++;
  const mean = keys.length / partitions;
  const variance = load.reduce((sum, n) => sum + (n - mean) ** 2, 0) / partitions;
  return {
    emptyFraction: load.filter((n) => n === 0).length / partitions,
    relativeStdDev: Math.sqrt(variance) / mean,
    maxSkew: Math.max(...load.map((n) => Math.abs(n - mean))) / mean,
  };
}

function averageSpread(keysFor: (partitions: number) => readonly string[]): Spread {
  const spreads = PARTITION_COUNTS.map((partitions) => spreadOf(keysFor(partitions), partitions));
  const average = (pick: (s: Spread) => number) => spreads.reduce((sum, s) => sum + pick(s), 0) / spreads.length;
  return {
    emptyFraction: average((s) => s.emptyFraction),
    relativeStdDev: average((s) => s.relativeStdDev),
    maxSkew: average((s) => s.maxSkew),
  };
}

const decimalKeys = (count: number) => Array.from({ length: count }, (_, i) => String(i));

describe('keying schemes under the birthday paradox', () => {
  test('naive: P keys leave about 1/e of the partitions empty', () => {
    const naive = averageSpread((partitions) => decimalKeys(partitions));
    // Ideal random hashing leaves (1 - 1/P)^P -> 1/e = 0.368 empty.
    expect(naive.emptyFraction).toBeGreaterThan(0.3);
    expect(naive.emptyFraction).toBeLessThan(0.44);
  });

  test('x17: no empty partitions, but about 24% load spread and some partitions far off the mean', () => {
    const x17 = averageSpread((partitions) => decimalKeys(17 * partitions));
    // Poisson(17) keys per partition: relative std dev 1/sqrt(17) = 0.243.
    expect(x17.emptyFraction).toBe(0);
    expect(x17.relativeStdDev).toBeGreaterThan(0.18);
    expect(x17.relativeStdDev).toBeLessThan(0.3);
    expect(x17.maxSkew).toBeGreaterThan(0.3);
  });

  test('KeyPlan: no empty partition and no skew at all', () => {
    for (const keysPerPartition of [1, 5]) {
      const ours = averageSpread((partitions) => KeyPlan.build({ producerId: 'birthday', partitions, keysPerPartition, epoch: 0 }).keys);
      expect(ours).toEqual({ emptyFraction: 0, relativeStdDev: 0, maxSkew: 0 });
    }
  });
});
