import { KeyedMutex } from './keyed-mutex';

test('one holder per key in arrival order; other keys run alongside; a failure releases', async () => {
  const mutex = new KeyedMutex();
  const log: string[] = [];
  const hold = (key: string, name: string, ms: number, fail = false) =>
    mutex.run(key, async () => {
      log.push(`${name}+`);
      await new Promise((r) => setTimeout(r, ms));
      log.push(`${name}-`);
      if (fail) throw new Error(name);
    });
  await Promise.allSettled([hold('a', 'a1', 30, true), hold('a', 'a2', 1), hold('b', 'b1', 5)]);
  expect(log.indexOf('a2+')).toBeGreaterThan(log.indexOf('a1-'));
  expect(log.indexOf('b1-')).toBeLessThan(log.indexOf('a1-'));
  expect(mutex.busyKeys).toEqual([]);
});
