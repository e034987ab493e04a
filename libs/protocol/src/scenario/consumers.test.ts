import { consumerGroupId } from './scenario-spec';
import { validateScenario } from './parse-scenario';

const base = {
  name: 'failover',
  topics: [
    { name: 'a', partitions: 2 },
    { name: 'quiet', partitions: 1 },
  ],
  workload: { rate: { records: 100 }, duration: '30s' },
};

describe('scenario consumers', () => {
  it('defaults to none, and fills commitInterval', () => {
    const none = validateScenario(base);
    if (!none.ok) throw none.error;
    expect(none.spec.consumers).toEqual([]);
    const r = validateScenario({
      ...base,
      consumers: [
        { group: 'keeps-up', topic: 'a' },
        { group: 'lags', topic: 'a', rate: 20, commitInterval: '2s' },
      ],
    });
    if (!r.ok) throw r.error;
    expect(r.spec.consumers).toEqual([
      { group: 'keeps-up', topic: 'a', commitInterval: 1_000 },
      { group: 'lags', topic: 'a', rate: 20, commitInterval: 2_000 },
    ]);
    const again = validateScenario(JSON.parse(JSON.stringify(r.spec)));
    if (!again.ok) throw again.error;
    expect(again.spec).toEqual(r.spec);
  });

  it('names the path of every bad field', () => {
    const r = validateScenario({
      ...base,
      consumers: [
        { group: 'g', topic: 'a', rate: 0 },
        { group: 'bad name!', topic: 'a', commitInterval: 'often' },
        { group: 'h', topic: 'a', colour: 'red' },
      ],
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.problems).toEqual([
      'consumers[0].rate: expected records per second > 0',
      expect.stringMatching(/^consumers\[1\]\.group: expected a name/),
      'consumers[1].commitInterval: expected a duration like 30s',
      'consumers[2]: unknown field colour',
    ]);
  });

  it('rejects a duplicate group and a topic the scenario does not have', () => {
    const r = validateScenario({
      ...base,
      consumers: [
        { group: 'g', topic: 'a' },
        { group: 'g', topic: 'quiet' },
        { group: 'h', topic: 'nope' },
      ],
    });
    expect(!r.ok && r.error.problems).toEqual([
      'consumers[1].group: duplicate consumer group g',
      'consumers[2].topic: no topic nope in topics',
    ]);
  });

  it('a consumer-failover fault names one of the groups', () => {
    const ok = validateScenario({
      ...base,
      consumers: [{ group: 'g', topic: 'a' }],
      faults: [{ at: '10s', kind: 'consumer-failover', target: 'g' }],
    });
    if (!ok.ok) throw ok.error;
    expect(ok.spec.faults[0]).toMatchObject({ kind: 'consumer-failover', target: 'g' });
    const bad = validateScenario({
      ...base,
      consumers: [{ group: 'g', topic: 'a' }],
      faults: [
        { at: '10s', kind: 'consumer-failover', target: 'h' },
        { at: '12s', kind: 'consumer-failover' },
      ],
    });
    expect(!bad.ok && bad.error.problems).toEqual([
      'faults[0].target: consumer-failover needs a group of consumers (g)',
      'faults[1].target: consumer-failover expects a consumer group of the scenario (consumers[].group), got nothing',
    ]);
  });

  it('gives every run its own Kafka group id', () => {
    expect(consumerGroupId('s-1', 'keeps-up')).toBe('mirrorlab-s-1-keeps-up');
  });
});
