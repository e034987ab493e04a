import { Registry } from 'prom-client';
import { ValidatorMetrics } from './validator-metrics';

const value = async (registry: Registry, name: string, labels: Record<string, string>) =>
  (await registry.getSingleMetric(name)!.get()).values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))?.value;

test("a run's series exist at zero from its start: every class, every corrupt reason, the latency histograms, lost and drained", async () => {
  const registry = new Registry();
  const m = new ValidatorMetrics(registry);
  m.runStarted('sc-1', ['source.t'], { replicationLatency: true });
  for (const cls of ['in_order', 'gap', 'late', 'duplicate', 'redelivery']) {
    expect(await value(registry, `mirrorlab_validator_${cls}_total`, { scenario: 'sc-1', topic: 'source.t' })).toBe(0);
  }
  expect(await value(registry, 'mirrorlab_validator_records_total', { scenario: 'sc-1', topic: 'source.t' })).toBe(0);
  expect(
    await value(registry, 'mirrorlab_validator_corrupt_total', { scenario: 'sc-1', topic: 'source.t', reason: 'checksum_mismatch' }),
  ).toBe(0);
  expect((await registry.getSingleMetric('mirrorlab_validator_corrupt_total')!.get()).values).toHaveLength(8);
  const text = await registry.metrics();
  expect(text).toContain('mirrorlab_validator_end_to_end_latency_seconds_bucket{le="+Inf",scenario="sc-1",topic="source.t"} 0');
  expect(text).toContain('mirrorlab_validator_replication_latency_seconds_bucket{le="+Inf",scenario="sc-1",topic="source.t"} 0');
  expect(await value(registry, 'mirrorlab_validator_lost', { scenario: 'sc-1' })).toBe(0);
  expect(await value(registry, 'mirrorlab_validator_drained', { scenario: 'sc-1' })).toBe(0);
});

test('without LogAppendTime target topics there is no replication latency series, and counting goes on from zero', async () => {
  const registry = new Registry();
  const m = new ValidatorMetrics(registry);
  m.runStarted('sc-1', ['source.t'], { replicationLatency: false });
  const tally = m.tally('sc-1', 'source.t');
  tally.classified('duplicate');
  tally.flush();
  expect(await registry.metrics()).not.toContain('mirrorlab_validator_replication_latency_seconds_bucket{');
  expect(await value(registry, 'mirrorlab_validator_duplicate_total', { scenario: 'sc-1', topic: 'source.t' })).toBe(1);
  expect(await value(registry, 'mirrorlab_validator_records_total', { scenario: 'sc-1', topic: 'source.t' })).toBe(1);
});

test('a tally adds its classes to the counters when flushed, once, and starts again from zero', async () => {
  const registry = new Registry();
  const m = new ValidatorMetrics(registry);
  m.runStarted('sc-1', ['source.t'], { replicationLatency: false });
  const tally = m.tally('sc-1', 'source.t');
  for (const cls of ['in_order', 'in_order', 'gap', 'redelivery'] as const) tally.classified(cls);
  expect(await value(registry, 'mirrorlab_validator_records_total', { scenario: 'sc-1', topic: 'source.t' })).toBe(0);
  tally.flush();
  tally.flush();
  tally.classified('late');
  tally.flush();
  const counts: Record<string, number | undefined> = {};
  for (const cls of ['records', 'in_order', 'gap', 'late', 'redelivery', 'duplicate']) {
    counts[cls] = await value(registry, `mirrorlab_validator_${cls}_total`, { scenario: 'sc-1', topic: 'source.t' });
  }
  expect(counts).toEqual({ records: 5, in_order: 2, gap: 1, late: 1, redelivery: 1, duplicate: 0 });
});
