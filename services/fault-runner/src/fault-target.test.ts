import fc from 'fast-check';
import { FAULT_KINDS } from '@mirrorlab/protocol';
import { randomBroker, resolveTarget, targetText } from './fault-target';

const sizes = { source: 3, target: 3 };

test('brokers: source:<n> and target:<n> are 1-based and checked against the cluster size', () => {
  expect(resolveTarget('kill-broker', 'source:2', 's/f0', sizes)).toEqual({ type: 'broker', cluster: 'source', broker: 2 });
  expect(resolveTarget('pause-broker', ' target:3 ', 's/f0', sizes)).toEqual({ type: 'broker', cluster: 'target', broker: 3 });
  expect(() => resolveTarget('kill-broker', 'source:0', 's/f0', sizes)).toThrow(/the source cluster has brokers 1 to 3/);
  expect(() => resolveTarget('kill-broker', 'source:4', 's/f0', sizes)).toThrow(
    expect.objectContaining({ code: 'target_invalid', field: 'target' }),
  );
});

test('<cluster>:random picks the same broker for the same fault id, on every runner', () => {
  const a = resolveTarget('kill-broker', 'target:random', 'scn-1/f3', sizes);
  const b = resolveTarget('kill-broker', 'target:random', 'scn-1/f3', sizes);
  expect(a).toEqual(b);
  expect(a).toEqual({ type: 'broker', cluster: 'target', broker: randomBroker('scn-1/f3', 3) });
  fc.assert(
    fc.property(fc.string({ minLength: 1 }), fc.integer({ min: 1, max: 50 }), (faultId, n) => {
      const pick = randomBroker(faultId, n);
      return pick >= 1 && pick <= n && pick === randomBroker(faultId, n);
    }),
  );
  // Different faults spread over the brokers.
  const picks = new Set(Array.from({ length: 60 }, (_, i) => randomBroker(`s/f${i}`, 3)));
  expect([...picks].sort()).toEqual([1, 2, 3]);
});

test('each kind takes its own target form, with a default where one makes sense', () => {
  expect(resolveTarget('kill-replicator', undefined, 'x', sizes)).toEqual({ type: 'replicator' });
  expect(resolveTarget('packet-loss', 'inter-dc', 'x', sizes)).toEqual({ type: 'inter-dc' });
  expect(resolveTarget('add-broker', 'target', 'x', sizes)).toEqual({ type: 'cluster', cluster: 'target' });
  expect(resolveTarget('add-topic', undefined, 'x', sizes)).toEqual({ type: 'cluster', cluster: 'source' });
  expect(resolveTarget('add-partitions', 'orders.v1', 'x', sizes)).toEqual({ type: 'topic', topic: 'orders.v1' });
  expect(() => resolveTarget('kill-broker', undefined, 'x', sizes)).toThrow(
    'target: kill-broker expects source:<n>, target:<n> (broker n, 1-based), source:random or target:random, got nothing',
  );
  expect(() => resolveTarget('kill-broker', 'replicator', 'x', sizes)).toThrow(/got "replicator"/);
  expect(() => resolveTarget('network-partition', 'source:1', 'x', sizes)).toThrow(
    'target: network-partition expects inter-dc (the default), got "source:1"',
  );
  expect(() => resolveTarget('reassign-partitions', undefined, 'x', sizes)).toThrow(/expects a topic name/);
  expect(() => resolveTarget('add-partitions', 'no spaces', 'x', sizes)).toThrow(expect.objectContaining({ code: 'target_invalid' }));
});

test('consumer-failover names a consumer group of the scenario', () => {
  expect(resolveTarget('consumer-failover', 'keeps-up', 'x', sizes)).toEqual({ type: 'group', group: 'keeps-up' });
  expect(() => resolveTarget('consumer-failover', undefined, 'x', sizes)).toThrow(
    expect.objectContaining({ code: 'target_invalid', message: expect.stringContaining('a consumer group of the scenario') }),
  );
  expect(() => resolveTarget('consumer-failover', 'bad name', 'x', sizes)).toThrow(expect.objectContaining({ code: 'target_invalid' }));
});

test('every kind resolves its own text form back to the same target', () => {
  const example: Record<string, string | undefined> = {
    'add-partitions': 'orders',
    'reassign-partitions': 'orders',
    'retention-purge': 'orders',
    'recreate-topic': 'orders',
    'add-broker': 'target',
    'add-topic': 'source',
    'consumer-failover': 'keeps-up',
  };
  for (const kind of FAULT_KINDS) {
    const given = example[kind] ?? (kind.endsWith('-broker') ? 'source:random' : undefined);
    const first = resolveTarget(kind, given, 's/f1', sizes);
    expect(resolveTarget(kind, targetText(first), 's/f1', sizes)).toEqual(first);
  }
});
